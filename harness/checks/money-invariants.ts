import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import { describeRefundLedger } from '../profile/refund-ledger.js';
import { observationAt, paymentObservations, snapshotOf, snapshotRecords, type PaymentSnapshot } from './payment-snapshots.js';

function minorUnits(problems: string[], name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) problems.push(`${name} ${v} is not a non-negative integer in minor units`);
}

function problemsOf(s: PaymentSnapshot, first: PaymentSnapshot): string[] {
  const p: string[] = [];
  minorUnits(p, 'amount', s.amount);
  minorUnits(p, 'captured', s.amountCaptured);
  minorUnits(p, 'refunded', s.amountRefunded);
  if (s.amountCaptured !== undefined && s.amount !== undefined && s.amountCaptured > s.amount) p.push(`captured ${s.amountCaptured} exceeds the amount ${s.amount}`);
  if (s.amountRefunded !== undefined && s.amountCaptured !== undefined && s.amountRefunded > s.amountCaptured) p.push(`refunded ${s.amountRefunded} exceeds captured ${s.amountCaptured}`);
  if (first.amount !== undefined && s.amount !== undefined && s.amount !== first.amount) p.push(`the amount changed from ${first.amount} to ${s.amount}`);
  if (first.currency !== undefined && s.currency !== undefined && s.currency !== first.currency) p.push(`the currency changed from ${first.currency} to ${s.currency}`);
  return p;
}

/** Which amounts of one payment any of its snapshots showed. */
interface Readable {
  amount: boolean;
  captured: boolean;
  refunded: boolean;
}

function readableOf(s: PaymentSnapshot, r: Readable): void {
  r.amount ||= s.amount !== undefined;
  r.captured ||= s.amountCaptured !== undefined;
  r.refunded ||= s.amountRefunded !== undefined;
}

/** Captured ≤ authorised, refunded ≤ captured, integer minor units, amount and currency fixed. */
export const moneyInvariants: Check = {
  name: 'money-invariants',
  description: 'captured ≤ amount, refunded ≤ captured, amounts are integers in minor units, amount and currency never change',
  describe: (profile) => `captured (${profile.fields.amountCaptured ?? 'unread'}) ≤ amount (${profile.fields.amount}), refunded (from ${describeRefundLedger(profile)}) `
    + '≤ captured, amounts are integers in minor units, amount and currency never change',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let snapshots = 0;
    let payments = 0;
    const { byPayment } = paymentObservations(view, profile);
    for (let p = 0; p < byPayment.groupCount; p++) {
      if (witnesses.length >= MAX_WITNESSES) break;
      const payment = byPayment.groupAt(p);
      const id = view.payments.strings[payment]!;
      const firstSlot = byPayment.firstSlot(payment);
      const first = snapshotOf(profile, observationAt(view, byPayment.valueAt(firstSlot)), id, view);
      const readable: Readable = { amount: false, captured: false, refunded: false };
      let problem = false;
      for (let slot = firstSlot; slot >= 0; slot = byPayment.nextSlot(slot)) {
        snapshots++;
        const s = slot === firstSlot ? first : snapshotOf(profile, observationAt(view, byPayment.valueAt(slot)), id, view);
        readableOf(s, readable);
        const problems = problemsOf(s, first);
        if (!problems.length) continue;
        witnesses.push({ summary: `Payment ${id} as shown by ${s.exchange ? `${s.exchange.invoke.op} #${s.exchange.invoke.opId}` : 'the final read'}: ${problems.join('; ')}.`, records: snapshotRecords(s) });
        problem = true;
        break;
      }
      if (!problem && !readable.amount && !readable.captured && !readable.refunded) {
        skipped.add('payment with no readable amount');
        continue;
      }
      payments++;
      if (problem) continue;
      if (!readable.captured) skipped.add('captured amount unreadable (captured ≤ amount not checked)');
      if (!readable.refunded) skipped.add(`refunded amount unreadable from ${describeRefundLedger(profile)} (refunded ≤ captured not checked)`);
    }
    return verdictOf(this.name, {
      witnesses, judged: payments, unit: 'payments', notJudged: skipped, stats: { snapshots },
      nothingToJudge: 'no answer or final read showed a payment with a readable amount',
    });
  },
};
