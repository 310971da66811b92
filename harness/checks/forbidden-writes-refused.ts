import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, exchangeAt, recordsOf, viewOf, type HistoryView } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import { at, learnEffects, paymentTimelines, ruleFor, seenBy, statusOver, type PaymentTimeline, type WriteRequest } from './payment-writes.js';
import { observationAt, snapshotRecords, snapshotOf } from './payment-snapshots.js';

function witness(view: HistoryView, t: PaymentTimeline, w: WriteRequest, status: string, seen: PaymentTimeline['seen'][number], why: string): Witness {
  const accepted = exchangeAt(view, w.accepted);
  const amount = w.amount !== undefined ? ` of ${w.amount}` : '';
  const summary = `Payment ${t.payment} was "${status}" (as ${seenBy(view, seen, t.payment)}) when ${w.op} #${accepted.invoke.opId}${amount} `
    + `was sent ${at(w.sentAt)}, and it was accepted (${accepted.complete!.status} ${at(accepted.complete!.time)}); `
    + `the lifecycle forbids that: ${why}.`;
  const shown = snapshotRecords(snapshotOf(view.profile, observationAt(view, seen.entry), t.payment));
  return { summary, records: [...shown, ...recordsOf(accepted)] };
}

/**
 * A write the profile's lifecycle forbids in the state the payment was in (a refund of an authorised
 * payment, a capture of a canceled one, a second capture) must be refused. What each operation leads
 * to is learned from the run's own allowed moves; a write sent while the state was not known for
 * sure (another write in flight, a lost answer) is not judged, and neither is one whose answer was lost.
 */
export const forbiddenWritesRefused: Check = {
  name: 'forbidden-writes-refused',
  description: 'a capture, refund or cancel the lifecycle forbids in the payment\'s state is refused, never answered 2xx',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const { lifecycle } = profile;
    const timelines = paymentTimelines(view, profile);
    const effects = learnEffects(timelines, lifecycle);
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let judged = 0;
    let refused = 0;
    let allowed = 0;
    for (const t of timelines) {
      for (const w of t.writes) {
        if (witnesses.length >= MAX_WITNESSES) break;
        if (w.lost) {
          skipped.add('write whose answer was lost (it may or may not have taken effect)');
          continue;
        }
        // The state must hold from the first send to the attempt that was accepted (a retry may come later).
        const until = w.accepted >= 0 ? exchangeAt(view, w.accepted).invoke.time : w.sentAt;
        const known = statusOver(t, w.sentAt, until, [w]);
        if ('unknown' in known) {
          skipped.add(known.unknown);
          continue;
        }
        const rule = ruleFor(lifecycle, effects, w.op, known.status);
        if ('unknown' in rule) {
          skipped.add(`${w.op} in a non-terminal state, but ${rule.unknown}`);
          continue;
        }
        if (rule.allowed) {
          allowed++;
          continue;
        }
        judged++;
        if (w.accepted < 0) refused++;
        else witnesses.push(witness(view, t, w, known.status, known.seen, rule.why));
      }
    }
    return verdictOf(this.name, {
      witnesses, judged, unit: 'forbidden writes', notJudged: skipped, stats: { refused, allowedWrites: allowed },
      nothingToJudge: 'no capture, refund or cancel was sent while the payment was surely in a state the lifecycle forbids it in',
    });
  },
};
