import type { Check, CheckVerdict, Witness } from './types.js';
import { eventIdWords } from '../profile/profile-words.js';
import type { ApiProfile } from '../config/profile-types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import { callbackAttempts, delivered, type CallbackAttempt } from './callback-attempts.js';
import { ReasonTally } from './reason-tally.js';

/**
 * A retry must carry the failed event's id so receivers can deduplicate. Judged on every event that
 * failed at least once: it was retried under its own id, or it was abandoned — and then a new id for
 * the same payment, event type and payment status right after it is a retry under a new id.
 */
export const retriesKeepEventId: Check = {
  name: 'retries-keep-event-id',
  description: 'callback retries carry the same event id as the failed attempt',
  describe: (profile) => `callback retries carry the same event id${profile.webhooks ? ` (${eventIdWords(profile.webhooks)})` : ''} as the failed attempt`,
  inapplicable(profile: ApiProfile) {
    return profile.webhooks ? undefined : 'the profile declares no webhooks, so there are no callback retries to check';
  },
  run(history, { profile }): CheckVerdict {
    const why = this.inapplicable!(profile);
    if (why) return { name: this.name, verdict: 'unknown', witnesses: [], error: why, judged: 0, unit: 'failed events' };
    const policy = profile.webhooks!.retryPolicy;
    const view = viewOf(history, profile);
    const skipped = new ReasonTally();
    const groupOf = (attempts: CallbackAttempt[]): string | undefined => {
      const d = attempts.find((a) => a.delivery)?.delivery;
      return d?.resourceId ? `${d.resourceId}|${d.eventType ?? ''}|${d.paymentStatus ?? ''}` : undefined;
    };
    const typeOf = (attempts: CallbackAttempt[]): string => {
      const type = attempts.find((a) => a.delivery?.eventType)?.delivery?.eventType;
      return type ? ` (${type})` : '';
    };
    const stopped = (a: CallbackAttempt): boolean => a.status !== undefined && policy.stopOn.includes(a.status);
    const failedOnce = (attempts: CallbackAttempt[]): boolean => attempts.some((a) => !delivered(a) && !stopped(a));
    const isAbandoned = (attempts: CallbackAttempt[]): boolean => {
      const last = attempts[attempts.length - 1]!;
      return !attempts.some(delivered) && !stopped(last) && attempts.length < policy.maxAttempts;
    };
    // First pass: count what can be judged; only payments with an abandoned event can show a retry under a new id.
    let judged = 0;
    const suspectGroups = new Set<string>();
    for (const [, attempts] of callbackAttempts(view)) {
      if (!failedOnce(attempts)) continue;
      if (!isAbandoned(attempts)) {
        judged++;
        continue;
      }
      const group = groupOf(attempts);
      if (!group) {
        skipped.add(attempts.some((a) => a.delivery)
          ? 'abandoned event whose payment the profile cannot read (webhooks.resourceIdPath), so a successor cannot be found'
          : 'abandoned event none of whose attempts reached the sink (a fault dropped them), so its payment and a successor are unknown');
        continue;
      }
      judged++;
      suspectGroups.add(group);
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
    let suspects = 0;
    for (const events of groups.values()) {
      if (events.length < 2) continue;
      events.sort((a, b) => a.attempts[0]!.time - b.attempts[0]!.time);
      for (let i = 0; i < events.length - 1 && witnesses.length < MAX_WITNESSES; i++) {
        const failed = events[i]!;
        const last = failed.attempts[failed.attempts.length - 1]!;
        if (!isAbandoned(failed.attempts)) continue;
        suspects++;
        const next = events[i + 1]!;
        const d = next.attempts[0]!;
        witnesses.push({
          summary: `Event ${failed.eventId} failed (${last.status ?? 'transport error'}) and was retried as a new event ${next.eventId} (event id at ${eventIdWords(profile.webhooks!)}) `
            + `for the same payment and type${typeOf(failed.attempts)}; retries must keep the event id.`,
          records: [last.record, d.record],
        });
      }
    }
    const base = { name: this.name, witnesses, judged, unit: 'failed events', stats: { suspectRetries: suspects }, notJudged: skipped.list() };
    if (witnesses.length) return { ...base, verdict: 'fail' };
    if (judged === 0) {
      return { ...base, verdict: 'unknown', error: 'no callback attempt failed, so no retry could show whether it keeps the event id' };
    }
    return { ...base, verdict: 'pass' };
  },
};
