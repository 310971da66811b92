import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import { callbackAttempts, delivered, type CallbackAttempt } from './callback-attempts.js';

/**
 * A retry must carry the failed event's id so receivers can deduplicate. Shows up as an event that
 * failed and was never retried under its own id, followed by a new id for the same payment, event
 * type and payment status.
 */
export const retriesKeepEventId: Check = {
  name: 'retries-keep-event-id',
  description: 'callback retries carry the same event id (webhook-id) as the failed attempt',
  run(history, { profile }): CheckVerdict {
    const policy = profile.webhooks?.retryPolicy;
    const view = viewOf(history, profile);
    const groupOf = (attempts: CallbackAttempt[]): string | undefined => {
      const d = attempts.find((a) => a.delivery)?.delivery;
      return d?.resourceId ? `${d.resourceId}|${d.eventType ?? ''}|${d.paymentStatus ?? ''}` : undefined;
    };
    const isAbandoned = (attempts: CallbackAttempt[]): boolean => {
      const last = attempts[attempts.length - 1]!;
      return !attempts.some(delivered) && !(last.status !== undefined && policy?.stopOn.includes(last.status)) && !(policy && attempts.length >= policy.maxAttempts);
    };
    // First pass: only payments with an abandoned event can show a retry under a new id.
    const suspectGroups = new Set<string>();
    for (const [, attempts] of callbackAttempts(view)) {
      if (!isAbandoned(attempts)) continue;
      const group = groupOf(attempts);
      if (group) suspectGroups.add(group);
    }
    const groups = new Map<string, { eventId: string; attempts: CallbackAttempt[] }[]>();
    for (const [eventId, attempts] of suspectGroups.size ? callbackAttempts(view) : []) {
      const group = groupOf(attempts);
      if (!group || !suspectGroups.has(group)) continue;
      const list = groups.get(group);
      if (list) list.push({ eventId, attempts });
      else groups.set(group, [{ eventId, attempts }]);
    }
    const witnesses: Witness[] = [];
    let judged = 0;
    for (const events of groups.values()) {
      if (events.length < 2) continue;
      events.sort((a, b) => a.attempts[0]!.time - b.attempts[0]!.time);
      for (let i = 0; i < events.length - 1 && witnesses.length < MAX_WITNESSES; i++) {
        const failed = events[i]!;
        const last = failed.attempts[failed.attempts.length - 1]!;
        if (!isAbandoned(failed.attempts)) continue;
        judged++;
        const next = events[i + 1]!;
        const d = next.attempts[0]!;
        witnesses.push({
          summary: `Event ${failed.eventId} failed (${last.status ?? 'transport error'}) and was retried as a new event ${next.eventId} for the same payment and type; retries must keep the event id.`,
          records: [last.record, d.record],
        });
      }
    }
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { suspectRetries: judged } };
  },
};
