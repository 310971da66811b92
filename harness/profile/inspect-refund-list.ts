import type { ApiProfile } from '../config/profile-types.js';
import { readRefundList } from '../run/final-reads.js';
import { refundLedgerOf } from './refund-ledger.js';
import { show, type CheckLine } from './check-report.js';

/**
 * `profile check`'s line for a refund ledger that is a list: after one refund of `expected` minor
 * units, the list is read exactly as the final reads of a run read it, and must add up to it.
 */
export async function inspectRefundList(target: string, profile: ApiProfile, paymentId: string, expected: number): Promise<CheckLine[]> {
  const ledger = refundLedgerOf(profile);
  if (ledger?.source !== 'list') return [];
  const op = 'refund list';
  const path = `${ledger.list.method} ${ledger.list.path}`;
  const read = await readRefundList(target, profile, paymentId);
  const list = read.refundList;
  if (list?.error || read.amountRefunded === undefined) {
    return [{ op, what: 'refundLedger', path, value: show(list?.body), mark: 'missing', note: list?.error ?? 'no refunded total' }];
  }
  const value = `${list?.listed ?? 0} listed, ${list?.counted ?? 0} counted → ${read.amountRefunded} minor units`;
  if (read.amountRefunded !== expected) {
    return [{ op, what: 'refundLedger', path, value, mark: 'suspicious', note: `expected ${expected} minor units (check refundLedger.items, amount, status and counted)` }];
  }
  return [{ op, what: 'refundLedger', path, value, mark: 'ok' }];
}
