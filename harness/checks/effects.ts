import type { HistoryRecord } from '../history/types.js';
import { isSuccess, type Exchange, type HistoryView } from './history-view.js';

/** How many times one idempotency key took effect, and the records that show it. */
export interface KeyEffects {
  count: number;
  /** The distinct resources it produced (payments for create, refunds for refund…). */
  resourceIds: string[];
  evidence: HistoryRecord[];
}

let refIndexCache = new WeakMap<HistoryView, Map<string, HistoryRecord & { kind: 'reference-count' }>>();

function referenceIndex(view: HistoryView): Map<string, HistoryRecord & { kind: 'reference-count' }> {
  let index = refIndexCache.get(view);
  if (!index) {
    index = new Map();
    for (const rc of view.referenceCounts) if (rc.logicalId !== undefined) index.set(rc.logicalId, rc);
    refIndexCache.set(view, index);
  }
  return index;
}

/**
 * Effects of one key: distinct resource ids in successful answers, and for creates the payments
 * the provider lists under the request's reference at the end of the run (which also sees
 * executions whose answers were lost or duplicated by a fault).
 */
export function keyEffects(view: HistoryView, exchanges: readonly Exchange[]): KeyEffects {
  const ids = new Set<string>();
  const evidence: HistoryRecord[] = [];
  for (const ex of exchanges) {
    if (isSuccess(ex) && ex.complete!.resourceId !== undefined && !ids.has(ex.complete!.resourceId)) {
      ids.add(ex.complete!.resourceId);
      evidence.push(ex.invoke, ex.complete!);
    }
  }
  if (exchanges[0]?.invoke.op === 'create') {
    const index = referenceIndex(view);
    const seen = new Set<string>();
    for (const ex of exchanges) {
      if (seen.has(ex.invoke.logicalId)) continue;
      seen.add(ex.invoke.logicalId);
      const rc = index.get(ex.invoke.logicalId);
      if (rc && rc.resourceIds.length > 0) {
        let added = false;
        for (const id of rc.resourceIds) if (!ids.has(id)) (ids.add(id), (added = true));
        if (added || rc.resourceIds.length > 1) evidence.push(rc);
      }
    }
  }
  return { count: ids.size, resourceIds: [...ids], evidence };
}

/** Reset between benchmark rounds (the cache is keyed by view, so this only frees memory). */
export function clearEffectsCache(): void {
  refIndexCache = new WeakMap();
}
