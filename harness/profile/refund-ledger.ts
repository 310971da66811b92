import type { ApiProfile, RefundItemPaths, RefundLedgerSpec } from '../config/profile-types.js';
import { readField } from '../workload/request.js';
import { readAmount } from './amount-format.js';

/**
 * Where a payment's refunded total comes from: the profile's `refundLedger`, else the payment's own
 * `fields.amountRefunded` when declared, else nowhere (the refund money checks then say so).
 */
export function refundLedgerOf(profile: ApiProfile): RefundLedgerSpec | undefined {
  if (profile.refundLedger) return profile.refundLedger;
  return profile.fields.amountRefunded ? { source: 'field' } : undefined;
}

/** The profile words for where the refunded total is read, for sentences ("the refund list GET /v1/refunds"). */
export function describeRefundLedger(profile: ApiProfile): string {
  const ledger = refundLedgerOf(profile);
  if (!ledger) return 'nowhere (declare fields.amountRefunded or refundLedger)';
  if (ledger.source === 'field') return `the payment's ${profile.fields.amountRefunded ?? 'fields.amountRefunded'}`;
  if (ledger.source === 'list') return `the refund list ${ledger.list.method} ${ledger.list.path}`;
  return `the refund answers' ${ledger.amount}`;
}

/** One refund object's amount in minor units, or undefined when it does not count (another status) or is unreadable. */
export function countedRefund(profile: ApiProfile, paths: RefundItemPaths, refund: unknown): { amount?: number; counts: boolean } {
  if (paths.status !== undefined) {
    const status = readField(refund, paths.status);
    if (typeof status !== 'string' || !(paths.counted ?? []).includes(status)) return { counts: false };
  }
  return { amount: readAmount(profile, refund, paths.amount), counts: true };
}

/** What a refund list answer adds up to, or why it cannot be read. */
export interface ListedRefunds {
  /** Sum of the counted refunds, minor units; absent when unreadable. */
  amount?: number;
  /** Refunds listed, and of those counted. */
  listed: number;
  counted: number;
  problem?: string;
}

/** Sums a refund list answer per the `list` ledger: items at `items`, each counted by status, amounts in minor units. */
export function sumListedRefunds(profile: ApiProfile, ledger: Extract<RefundLedgerSpec, { source: 'list' }>, body: unknown): ListedRefunds {
  const items = readField(body, ledger.items);
  if (!Array.isArray(items)) return { listed: 0, counted: 0, problem: `no list at ${ledger.items} in the refund list answer` };
  let amount = 0;
  let counted = 0;
  for (const item of items) {
    const refund = countedRefund(profile, ledger, item);
    if (!refund.counts) continue;
    if (refund.amount === undefined) return { listed: items.length, counted, problem: `a listed refund has no readable amount at ${ledger.amount}` };
    amount += refund.amount;
    counted++;
  }
  return { amount, listed: items.length, counted };
}
