import type { NotJudged, Witness } from './types.js';
import { NotJudgedTally } from './verdict-of.js';
import type { FinalRead } from '../history/types.js';
import { refundedAtEnd } from './refunded-total.js';
import { exchangesIn, isInfo, isSuccess, recordsOf, type Exchange, type HistoryView } from './history-view.js';

interface Bounds {
  lower: number;
  upper: number;
  exchanges: Exchange[];
}

/** Sum of acknowledged amounts (lower) and of acknowledged-or-unknown amounts (upper), one per key. */
function bounds(exchanges: readonly Exchange[]): Bounds {
  if (exchanges.length === 1) {
    // The usual case, one refund request per payment: no per-key Map.
    const only = exchanges[0]!;
    const amount = isSuccess(only) || isInfo(only) ? (only.invoke.amount ?? 0) : 0;
    return { lower: isSuccess(only) ? amount : 0, upper: amount, exchanges: [only] };
  }
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

/** What the refund-total comparison found, how many payments it compared, and which it could not. */
export interface MoneyRange {
  problems: Witness[];
  /** Payments whose final refunded amount was compared with their refund requests. */
  judged: number;
  notJudged: NotJudged[];
}

/**
 * Per payment: the final refunded amount must be explained by the requests — at least
 * what was acknowledged, at most that plus the requests whose outcome is unknown. More means a
 * request took effect twice; less means an acknowledged one was lost. Payments whose final
 * refunded amount cannot be read are counted as not judged, never passed silently.
 */
export function moneyRange(view: HistoryView, only?: ReadonlySet<string>): MoneyRange {
  const problems: Witness[] = [];
  const skipped = new NotJudgedTally();
  let judged = 0;
  const { refunds } = view;
  for (let i = 0; i < refunds.groupCount; i++) {
    const payment = refunds.groupAt(i);
    const resourceId = view.payments.strings[payment]!;
    if (only && !only.has(resourceId)) continue;
    const finalAt = view.finalReadAt.get(payment);
    const final = finalAt < 0 ? undefined : (view.history[finalAt] as FinalRead);
    const total = refundedAtEnd(view, view.profile, payment, final);
    if (total.amount === undefined) {
      skipped.add(`payment's refund total: ${total.reason}`);
      continue;
    }
    judged++;
    const exchanges = exchangesIn(view, refunds, payment);
    // Captures are left to money-invariants: an automatic capture at creation has no request to explain it.
    const actual = total.amount;
    const b = bounds(exchanges);
    if (actual > b.upper || actual < b.lower) {
      problems.push({
        summary: `Payment ${resourceId} ends with ${actual} refunded, but its refund requests explain between ${b.lower} and ${b.upper}: ${actual > b.upper ? 'a request took effect more than once' : 'an acknowledged request was lost'}.`,
        records: [...recordsOf(...exchanges.slice(0, 6)), ...(final ? [final] : [])],
      });
    }
  }
  return { problems, judged, notJudged: skipped.list() };
}
