import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import { NotJudgedTally, verdictOf } from './verdict-of.js';
import {
  isCreateEntry, observationAt, observedAtEntry, paymentObservations, requestedAtEntry, snapshotRecords, statusAt, type PaymentSnapshot,
} from './payment-snapshots.js';
import type { HistoryView } from './history-view.js';
import { describeEvent, eventsByPayment, incompatibleEvents, leadsTo, reachability, type EventClaim } from './event-claims.js';

/** A snapshot object for observation `i` of one payment: made only for the observations a witness shows. */
function snapshotAt(view: HistoryView, id: string, seen: readonly number[], statuses: readonly string[], times: readonly number[], starts: readonly number[], i: number): PaymentSnapshot {
  const o = observationAt(view, seen[i]!);
  const finalRead = 'invoke' in o ? undefined : o;
  return { resourceId: id, status: statuses[i], time: times[i]!, startedAt: starts[i]!, exchange: 'invoke' in o ? o : undefined, finalRead };
}

const label = (s: PaymentSnapshot): string => (s.exchange ? `${s.exchange.invoke.op} #${s.exchange.invoke.opId}` : 'the final read');

/**
 * Callback events are observations too, but delivery order is not event order: only what holds in
 * any order is judged. The payment's first state (its create's answer) leads to every state an
 * event claims, and no two events claim states neither of which leads to the other. Returns the
 * transitions judged and adds a witness when one does not hold.
 */
function judgeEvents(
  reach: Map<string, Set<string>>, id: string, events: readonly EventClaim[], created: PaymentSnapshot | undefined, witnesses: Witness[],
): number {
  const claims = events.filter((e) => e.status !== undefined);
  if (claims.length === 0) return 0;
  let judged = 0;
  if (created?.status !== undefined) {
    for (const e of claims) {
      judged++;
      if (leadsTo(reach, created.status, e.status!)) continue;
      witnesses.push({
        summary: `Payment ${id} was created "${created.status}" (${label(created)}), but ${describeEvent(e)} says it was "${e.status}"; the lifecycle does not lead from "${created.status}" to "${e.status}".`,
        records: [...snapshotRecords(created), e.delivery],
      });
      return judged;
    }
  }
  judged += claims.length - 1;
  const pair = incompatibleEvents(reach, claims);
  if (pair) {
    witnesses.push({
      summary: `Payment ${id}: ${describeEvent(pair[0])} says "${pair[0].status}" and ${describeEvent(pair[1])} says "${pair[1].status}"; the lifecycle leads from neither to the other, so the payment cannot have moved through both.`,
      records: [pair[0].delivery, pair[1].delivery],
    });
  }
  return judged;
}

/**
 * Observed statuses follow the profile's lifecycle graph. Two observations are only ordered when the
 * first answer arrived before the second request was sent, so concurrency never causes a false alarm.
 */
export const lifecycleTransitions: Check = {
  name: 'lifecycle-transitions',
  description: 'payment status changes follow the lifecycle graph of the profile; terminal states stay terminal',
  run(history, { profile }): CheckVerdict {
    const view = viewOf(history, profile);
    const reach = reachability(profile.lifecycle);
    const { byPayment } = paymentObservations(view, profile);
    const events = profile.webhooks ? eventsByPayment(view, profile).byPayment : new Map<string, EventClaim[]>();
    const witnesses: Witness[] = [];
    const skipped = new NotJudgedTally();
    let observations = 0;
    // A creation counts as the transition into the payment's first state.
    let transitions = 0;
    // Of them, the ones callback events showed (judged in any order they arrived).
    let eventTransitions = 0;
    // One payment's observations (entries) that show a status, with their statuses and times: scratch arrays reused for every payment.
    const seen: number[] = [];
    const statuses: string[] = [];
    const times: number[] = [];
    const starts: number[] = [];
    for (let p = 0; p < byPayment.groupCount; p++) {
      if (witnesses.length >= MAX_WITNESSES) break;
      const payment = byPayment.groupAt(p);
      const id = view.payments.strings[payment]!;
      seen.length = statuses.length = times.length = starts.length = 0;
      let created = -1;
      for (let slot = byPayment.firstSlot(payment); slot >= 0; slot = byPayment.nextSlot(slot)) {
        const entry = byPayment.valueAt(slot);
        const status = statusAt(view, profile, entry);
        if (status === undefined) continue;
        if (created < 0 && isCreateEntry(view, entry)) created = seen.length;
        seen.push(entry);
        statuses.push(status);
        times.push(observedAtEntry(view, entry));
        starts.push(requestedAtEntry(view, entry));
      }
      observations += seen.length;
      if (seen.length === 0) {
        skipped.add('payment with no readable status');
        continue;
      }
      if (created >= 0) transitions++;
      else if (seen.length === 1) skipped.add('payment seen once, not at its creation (no transition)');
      const paymentEvents = events.get(id);
      if (paymentEvents) {
        eventTransitions += judgeEvents(reach, id, paymentEvents, created >= 0 ? snapshotAt(view, id, seen, statuses, times, starts, created) : undefined, witnesses);
        if (witnesses.length >= MAX_WITNESSES) break;
      }
      if (created >= 0 && !profile.lifecycle.initial.includes(statuses[created]!)) {
        witnesses.push({ summary: `Payment ${id} was created in status "${statuses[created]}", which is not an initial state (${profile.lifecycle.initial.join(', ')}).`, records: snapshotRecords(snapshotAt(view, id, seen, statuses, times, starts, created)) });
        continue;
      }
      // Latest observation (by completion) that finished before each later request started.
      for (let i = 1, j = -1; i < seen.length; i++) {
        while (j + 1 < i && times[j + 1]! <= starts[i]!) j++;
        if (j < 0) {
          skipped.add('status seen while every earlier request of its payment was in flight (order unknown)');
          continue;
        }
        transitions++;
        const from = statuses[j]!;
        const to = statuses[i]!;
        if (reach.get(from)?.has(to) ?? from === to) continue;
        const prev = snapshotAt(view, id, seen, statuses, times, starts, j);
        const cur = snapshotAt(view, id, seen, statuses, times, starts, i);
        const terminal = profile.lifecycle.terminal.includes(from);
        witnesses.push({
          summary: `Payment ${id} moved from "${from}" (${label(prev)}) to "${to}" (${label(cur)}); ${terminal ? `"${from}" is terminal` : 'the lifecycle does not allow that'}.`,
          records: [...snapshotRecords(prev), ...snapshotRecords(cur)],
        });
        break;
      }
    }
    return verdictOf(this.name, {
      witnesses, judged: transitions + eventTransitions, unit: 'transitions', notJudged: skipped, stats: { observations, eventTransitions },
      nothingToJudge: 'no payment was seen at its creation or in two statuses one after the other',
    });
  },
};
