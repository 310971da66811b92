import type { Check, CheckVerdict, Witness } from './types.js';
import { isSuccess, MAX_WITNESSES, recordsOf, viewOf } from './history-view.js';
import { callbackAttempts, delivered } from './callback-attempts.js';
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
    const notified = new Set<string>();
    let events = 0;
    for (const [eventId, attempts] of callbackAttempts(view)) {
      events++;
      const resourceId = attempts.find((a) => a.delivery?.resourceId)?.delivery?.resourceId;
      const ok = attempts.find(delivered);
      if (ok && resourceId) notified.add(resourceId);
      // The receiver (or a fault on its behalf) said stop: not delivering is what the policy promises.
      if (attempts.some((a) => a.status !== undefined && policy.stopOn.includes(a.status))) {
        if (resourceId) notified.add(resourceId);
        continue;
      }
      if (witnesses.length >= MAX_WITNESSES) continue;
      if (!ok) {
        witnesses.push({
          summary: `Event ${eventId}${resourceId ? ` about ${resourceId}` : ''} was attempted ${attempts.length} time${attempts.length === 1 ? '' : 's'} and never delivered; callbacks must arrive at least once after the fault heals.`,
          records: attempts.map((a) => a.record),
        });
      } else if (ok.time - attempts[0]!.time > horizon) {
        witnesses.push({
          summary: `Event ${eventId} was delivered ${Math.round(ok.time - attempts[0]!.time)} ms after its first attempt, past the ${Math.round(horizon)} ms horizon of the declared retry policy.`,
          records: [attempts[0]!.record, ok.record],
        });
      }
    }
    if (options?.everyPaymentNotified !== false) {
      for (const ex of view.exchanges) {
        if (witnesses.length >= MAX_WITNESSES) break;
        if (ex.invoke.op !== 'create' || !isSuccess(ex)) continue;
        const id = ex.complete!.resourceId;
        if (id === undefined || notified.has(id)) continue;
        notified.add(id);
        witnesses.push({ summary: `Payment ${id} was created but no callback about it was ever delivered.`, records: recordsOf(ex) });
      }
    }
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { events } };
  },
};
