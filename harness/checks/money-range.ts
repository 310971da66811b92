import type { Witness } from './types.js';
import { isInfo, isSuccess, recordsOf, type Exchange, type HistoryView } from './history-view.js';

interface Bounds {
  lower: number;
  upper: number;
  exchanges: Exchange[];
}

/** Sum of acknowledged amounts (lower) and of acknowledged-or-unknown amounts (upper), one per key. */
function bounds(exchanges: readonly Exchange[]): Bounds {
  const byKey = new Map<string, Exchange[]>();
  for (const ex of exchanges) {
    const key = ex.invoke.idempotencyKey ?? `op-${ex.invoke.opId}`;
    const list = byKey.get(key);
    if (list) list.push(ex);
    else byKey.set(key, [ex]);
  }
  let lower = 0;
  let upper = 0;
  for (const list of byKey.values()) {
    const ok = list.find(isSuccess);
    if (ok) {
      lower += ok.invoke.amount ?? 0;
      upper += ok.invoke.amount ?? 0;
    } else if (list.some(isInfo)) {
      upper += Math.max(...list.map((ex) => ex.invoke.amount ?? 0));
    }
  }
  return { lower, upper, exchanges: [...exchanges] };
}

/**
 * Per payment: the final refunded amount must be explained by the requests — at least
 * what was acknowledged, at most that plus the requests whose outcome is unknown. More means a
 * request took effect twice; less means an acknowledged one was lost.
 */
export function moneyRangeProblems(view: HistoryView, only?: ReadonlySet<string>): Witness[] {
  const out: Witness[] = [];
  for (const [resourceId, exchanges] of view.refundsByResource) {
    if (only && !only.has(resourceId)) continue;
    const final = view.finalReads.get(resourceId);
    if (!final || final.outcome !== 'ok') continue;
    const checks: [string, number | undefined, Exchange[]][] = [
      // Captures are left to money-invariants: an automatic capture at creation has no request to explain it.
      ['refunded', final.amountRefunded, exchanges],
    ];
    for (const [what, actual, list] of checks) {
      if (actual === undefined || list.length === 0) continue;
      const b = bounds(list);
      if (actual > b.upper || actual < b.lower) {
        out.push({
          summary: `Payment ${resourceId} ends with ${actual} ${what}, but its ${what === 'refunded' ? 'refund' : 'capture'} requests explain between ${b.lower} and ${b.upper}: ${actual > b.upper ? 'a request took effect more than once' : 'an acknowledged request was lost'}.`,
          records: [...recordsOf(...list.slice(0, 6)), final],
        });
      }
    }
  }
  return out;
}
