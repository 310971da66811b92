import type { ApiProfile } from '../config/profile-types.js';
import type { FinalRead, OperationInvoke } from '../history/types.js';
import { countedRefund, refundLedgerOf } from '../profile/refund-ledger.js';
import { exchangesIn, isSuccess, type HistoryView } from './history-view.js';

/** A payment's refunded total at the end of the run, or why it cannot be known. */
export type RefundedTotal = { amount: number; reason?: undefined } | { amount?: undefined; reason: string };

/**
 * The refunded total per the profile's refund ledger: the final read's (its field, or the refund list
 * the final read fetched), or — when refund answers are the only ledger — the sum of the successful
 * refund answers, one per refund id (a refund executed twice shows as two ids).
 */
export function refundedAtEnd(view: HistoryView, profile: ApiProfile, payment: number, final: FinalRead | undefined): RefundedTotal {
  const ledger = refundLedgerOf(profile);
  if (!ledger) return { reason: 'refunded amount unreadable (the profile declares neither fields.amountRefunded nor refundLedger)' };
  if (ledger.source === 'answers') return refundedByAnswers(view, profile, payment, ledger);
  if (!final) return { reason: 'no final read' };
  if (final.outcome !== 'ok') return { reason: 'final read failed' };
  if (ledger.source === 'list' && final.refundList?.error) return { reason: `refund list unreadable (${final.refundList.error})` };
  if (final.amountRefunded === undefined) return { reason: 'refunded amount unreadable' };
  return { amount: final.amountRefunded };
}

function refundedByAnswers(view: HistoryView, profile: ApiProfile, payment: number, paths: Parameters<typeof countedRefund>[1]): RefundedTotal {
  const seen = new Set<string>();
  let amount = 0;
  for (const ex of exchangesIn(view, view.refunds, payment)) {
    if (!isSuccess(ex)) continue;
    // One refund per id: a replay returns the stored refund (same id), a second execution a new one.
    const id = ex.complete!.resourceId ?? `key:${ex.invoke.idempotencyKey ?? ex.invoke.opId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const refund = countedRefund(profile, paths, ex.complete!.body);
    if (!refund.counts) continue;
    if (refund.amount === undefined) return { reason: `a refund answer has no readable amount (${describeOp(ex.invoke)})` };
    amount += refund.amount;
  }
  return { amount };
}

const describeOp = (invoke: OperationInvoke): string => `${invoke.op} #${invoke.opId}`;
