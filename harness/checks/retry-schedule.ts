import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import { callbackAttempts, delivered, type CallbackAttempt } from './callback-attempts.js';
import { promisedDelay, slackFrom } from './retry-timing.js';

const fmt = (ms: number): string => `${Math.round(ms)} ms`;
const answer = (a: CallbackAttempt): string => (a.status === undefined ? 'a transport failure' : `${a.status}${a.retryAfterSeconds !== undefined ? ` with Retry-After ${a.retryAfterSeconds}s` : ''}`);

/**
 * Callback retries follow the declared policy: each delay within nominal × (1 ± jitter) (or at
 * least Retry-After), no more than maxAttempts, nothing after success or a stop status, and no
 * giving up early while the run was still watching.
 */
export const retrySchedule: Check = {
  name: 'retry-schedule',
  description: 'callback retries follow the declared policy: intervals, backoff, jitter bounds, max attempts, Retry-After, no storm',
  run(history, { profile, options }): CheckVerdict {
    const policy = profile.webhooks?.retryPolicy;
    if (!policy) return { name: this.name, verdict: 'unknown', witnesses: [], error: 'the profile declares no webhook retry policy' };
    const slack = slackFrom(options);
    const view = viewOf(history, profile);
    const witnesses: Witness[] = [];
    let retries = 0;
    const fail = (summary: string, records: CallbackAttempt[]): void => {
      if (witnesses.length < MAX_WITNESSES) witnesses.push({ summary, records: records.map((a) => a.record) });
    };
    for (const [eventId, attempts] of callbackAttempts(view)) {
      if (witnesses.length >= MAX_WITNESSES) break;
      if (attempts.length > policy.maxAttempts) {
        fail(`Event ${eventId} was delivered ${attempts.length} times; the policy allows at most ${policy.maxAttempts} attempts (retry storm).`, attempts.slice(0, policy.maxAttempts + 1));
        continue;
      }
      for (let i = 1; i < attempts.length; i++) {
        const prev = attempts[i - 1]!;
        const cur = attempts[i]!;
        retries++;
        if (delivered(prev)) {
          fail(`Event ${eventId} was delivered again after the receiver accepted it (${prev.status}).`, [prev, cur]);
          break;
        }
        if (prev.status !== undefined && policy.stopOn.includes(prev.status)) {
          fail(`Event ${eventId} was retried after the receiver answered ${prev.status}, which the policy says stops retries.`, [prev, cur]);
          break;
        }
        const { lo, hi } = promisedDelay(policy, i, prev.retryAfterSeconds);
        const delay = cur.time - prev.time;
        if (delay < lo - slack.earlySlackMs) {
          fail(`Event ${eventId}: attempt ${i + 1} came ${fmt(delay)} after attempt ${i} (answered ${answer(prev)}); the policy promises at least ${fmt(lo)}${prev.retryAfterSeconds !== undefined ? ' (Retry-After)' : ''}.`, [prev, cur]);
          break;
        }
        if (delay > hi + slack.lateSlackMs) {
          fail(`Event ${eventId}: attempt ${i + 1} came ${fmt(delay)} after attempt ${i}; the policy promises at most ${fmt(hi)} (plus ${fmt(slack.lateSlackMs)} slack).`, [prev, cur]);
          break;
        }
      }
      const last = attempts[attempts.length - 1]!;
      const stopped = last.status !== undefined && policy.stopOn.includes(last.status);
      if (!delivered(last) && !stopped && attempts.length < policy.maxAttempts) {
        const { hi } = promisedDelay(policy, attempts.length, last.retryAfterSeconds);
        if (view.endTime - last.time > hi + slack.lateSlackMs) {
          fail(`Event ${eventId} was attempted ${attempts.length} time${attempts.length === 1 ? '' : 's'} and never again after ${answer(last)}; the policy promises up to ${policy.maxAttempts} attempts (next within ${fmt(hi)}).`, attempts);
        }
      }
    }
    return { name: this.name, verdict: witnesses.length ? 'fail' : 'pass', witnesses, stats: { retriesJudged: retries } };
  },
};
