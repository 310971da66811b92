import type { HistoryRecord } from '../history/types.js';
import { finalReadOf, isInfo, isSuccess, referenceCountOf, type Exchange, type HistoryView } from './history-view.js';

/** How many times one idempotency key took effect, and the records that show it. */
export interface KeyEffects {
  count: number;
  /** The distinct resources it produced (payments for create, refunds for refund…). */
  resourceIds: string[];
  evidence: HistoryRecord[];
}

/**
 * Effects of one key. For creates, the payments the provider lists under the request's reference at
 * the end of the run are authoritative (they also show executions whose answers were lost or
 * duplicated by a fault); without a listing, the distinct ids in successful answers. For other
 * writes the resource ids in answers are not evidence of a second effect (a wrong replay may name a
 * different object), so they count at most one here and double effects show in the final amounts
 * (see money-range).
 */
export function keyEffects(view: HistoryView, exchanges: readonly Exchange[]): KeyEffects {
  const ids = new Set<string>();
  const evidence: HistoryRecord[] = [];
  const okIds = (): void => {
    for (const ex of exchanges) {
      if (isSuccess(ex) && ex.complete!.resourceId !== undefined && !ids.has(ex.complete!.resourceId)) {
        ids.add(ex.complete!.resourceId);
        evidence.push(ex.invoke, ex.complete!);
      }
    }
  };
  if (exchanges[0]?.invoke.op !== 'create') {
    const resource = exchanges[0]?.invoke.resourceId;
    if (resource !== undefined && finalReadOf(view, resource)?.outcome === 'ok') {
      const ok = exchanges.find(isSuccess);
      return ok ? { count: 1, resourceIds: [ok.complete!.resourceId ?? resource], evidence: [ok.invoke, ok.complete!] } : { count: 0, resourceIds: [], evidence: [] };
    }
    okIds();
    return { count: ids.size, resourceIds: [...ids], evidence };
  }
  const seen = new Set<string>();
  let listed = false;
  for (const ex of exchanges) {
    if (seen.has(ex.invoke.logicalId)) continue;
    seen.add(ex.invoke.logicalId);
    const rc = referenceCountOf(view, ex.invoke.logicalId);
    if (!rc) continue;
    listed = true;
    for (const id of rc.resourceIds) ids.add(id);
    if (rc.resourceIds.length > 0) evidence.push(rc);
  }
  if (!listed) okIds();
  else {
    // Add the answers that named the payments, so a witness shows both requests and the listing.
    for (const ex of exchanges) if (isSuccess(ex) && ex.complete!.resourceId !== undefined && evidence.length < 8) evidence.unshift(ex.invoke, ex.complete!);
  }
  return { count: ids.size, resourceIds: [...ids], evidence };
}
/**
 * The same count as keyEffects without collecting evidence or allocating: the hot path for the
 * millions of keys that took effect once; keyEffects runs only for the few that did not.
 */
export function effectCount(view: HistoryView, exchanges: readonly Exchange[]): number {
  const first = exchanges[0];
  if (!first) return 0;
  if (first.invoke.op === 'create') {
    let oneLogical = true;
    for (const ex of exchanges) if (ex.invoke.logicalId !== first.invoke.logicalId) oneLogical = false;
    if (oneLogical) {
      const rc = referenceCountOf(view, first.invoke.logicalId);
      if (rc) return rc.resourceIds.length <= 1 ? rc.resourceIds.length : new Set(rc.resourceIds).size;
    }
  } else if (first.invoke.resourceId !== undefined && finalReadOf(view, first.invoke.resourceId)?.outcome === 'ok') {
    for (const ex of exchanges) if (isSuccess(ex)) return 1;
    return 0;
  }
  let id: string | undefined;
  for (const ex of exchanges) {
    if (!isSuccess(ex) || ex.complete!.resourceId === undefined) continue;
    if (id === undefined) id = ex.complete!.resourceId;
    else if (id !== ex.complete!.resourceId) return keyEffects(view, exchanges).count;
  }
  return id === undefined ? 0 : 1;
}
/**
 * Why a key's effects cannot be counted, or undefined when they can: a create whose answer was
 * lost and that no listing by reference covers may have made a payment nobody saw.
 */
export function effectsUnseen(view: HistoryView, exchanges: readonly Exchange[]): string | undefined {
  if (exchanges[0]?.invoke.op !== 'create' || !exchanges.some(isInfo)) return undefined;
  if (exchanges.some((ex) => referenceCountOf(view, ex.invoke.logicalId) !== undefined)) return undefined;
  return 'create with a lost answer and no listing by reference (a second payment would be unseen)';
}
