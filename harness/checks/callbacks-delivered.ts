import type { Check, CheckVerdict, Witness } from './types.js';
import { exchangeAt, MAX_WITNESSES, recordsOf, viewOf } from './history-view.js';
import type { DeliveryRecord, FaultDecision, OperationComplete, OperationInvoke } from '../history/types.js';
import { attemptIndex, attemptStatus, attemptsOf, delivered } from './callback-attempts.js';
import { IntColumn } from './int-column.js';
import { retryHorizonMs, slackFrom } from './retry-timing.js';

/**
 * At-least-once: every event the provider tried to send lands (a 2xx the provider saw) within the
 * retry horizon, unless the receiver told it to stop; and every payment created gets an event.
 */
export const callbacksDelivered: Check = {
  name: 'callbacks-delivered',
  description: 'every callback is delivered at least once within the declared retry horizon; every created payment is notified',
  run(history, { profile, options }): CheckVerdict {
    const policy = profile.webhooks?.retryPolicy;
    if (!policy) return { name: this.name, verdict: 'unknown', witnesses: [], error: 'the profile declares no webhooks' };
    const view = viewOf(history, profile);
    const horizon = typeof options?.horizonMs === 'number' ? options.horizonMs : retryHorizonMs(policy, slackFrom(options));
    const witnesses: Witness[] = [];
    const index = attemptIndex(view);
    const { byEvent, records } = index;
    // Payment numbers (`view.ids`) that got a callback; 1 when notified.
    const notified = new IntColumn();
    const stopOn = policy.stopOn;
    for (let i = 0; i < byEvent.groupCount; i++) {
      const event = byEvent.groupAt(i);
      // Read the attempts' statuses straight from the records; attempt objects only for a witness.
      let resourceId: string | undefined;
      let ok: DeliveryRecord | FaultDecision | undefined;
      let stopped = false;
      for (let slot = byEvent.firstSlot(event); slot >= 0; slot = byEvent.nextSlot(slot)) {
        const r = records[byEvent.valueAt(slot)]!;
        if (resourceId === undefined && r.kind === 'delivery' && r.resourceId) resourceId = r.resourceId;
        const status = attemptStatus(index, r);
        if (status === undefined) continue;
        if (!ok && status >= 200 && status < 300) ok = r;
        if (stopOn.includes(status)) stopped = true;
      }
      if (ok && resourceId) notified.set(view.payments.intern(resourceId), 1);
      // The receiver (or a fault on its behalf) said stop: not delivering is what the policy promises.
      if (stopped) {
        if (resourceId) notified.set(view.payments.intern(resourceId), 1);
        continue;
      }
      if (witnesses.length >= MAX_WITNESSES) continue;
      const first = records[byEvent.valueAt(byEvent.firstSlot(event))]!;
      if (ok && ok.time - first.time <= horizon) continue;
      const eventId = index.events.strings[event]!;
      const attempts = attemptsOf(index, event);
      if (!ok) {
        witnesses.push({
          summary: `Event ${eventId}${resourceId ? ` about ${resourceId}` : ''} was attempted ${attempts.length} time${attempts.length === 1 ? '' : 's'} and never delivered; callbacks must arrive at least once after the fault heals.`,
          records: attempts.map((a) => a.record),
        });
      } else {
        witnesses.push({
          summary: `Event ${eventId} was delivered ${Math.round(ok.time - first.time)} ms after its first attempt, past the ${Math.round(horizon)} ms horizon of the declared retry policy.`,
          records: [attempts[0]!.record, attempts.find(delivered)!.record],
        });
      }
    }
    if (options?.everyPaymentNotified !== false) {
      const { history, invokeAt, completeAt } = view;
      for (let e = 0; e < invokeAt.length; e++) {
        if (witnesses.length >= MAX_WITNESSES) break;
        const completed = completeAt.get(e);
        if (completed < 0 || (history[invokeAt.get(e)] as OperationInvoke).op !== 'create') continue;
        const c = history[completed] as OperationComplete;
        if (c.outcome !== 'ok' || c.resourceId === undefined) continue;
        const id = c.resourceId;
        const payment = view.payments.find(id);
        if (payment >= 0 && notified.get(payment) === 1) continue;
        notified.set(view.payments.intern(id), 1);
        witnesses.push({ summary: `Payment ${id} was created but no callback about it was ever delivered.`, records: recordsOf(exchangeAt(view, e)) });
      }
    }
    const events = byEvent.groupCount;
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { events } };
  },
};
