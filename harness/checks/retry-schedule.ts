import type { Check, CheckVerdict, Witness } from './types.js';
import { MAX_WITNESSES, viewOf } from './history-view.js';
import { attemptIndex, callbackAttempts, delivered, describeAnswer, type CallbackAttempt } from './callback-attempts.js';
import { answerRacedTimeout, eventSpan, unseenAttempts } from './callback-budget.js';
import { noiseBetween, noiseDoubt, silenceDoubt } from './scheduling-noise.js';
import { ReasonTally } from './reason-tally.js';
import { honoursRetryAfterOn, promisedDelay, slackFrom } from './retry-timing.js';
import type { ApiProfile } from '../config/profile-types.js';

const fmt = (ms: number): string => `${Math.round(ms)} ms`;

/**
 * Callback retries follow the declared policy: each delay within nominal × (1 ± jitter) (or at
 * least Retry-After), no more than maxAttempts, nothing after success or a stop status, and no
 * giving up early while the run was still watching. A timing violation whose margin is within the
 * run's measured scheduling noise is `unknown`, not `fail`.
 */
export const retrySchedule: Check = {
  name: 'retry-schedule',
  description: 'callback retries follow the declared policy: intervals, backoff, jitter bounds, max attempts, Retry-After, no storm',
  inapplicable(profile: ApiProfile) {
    return profile.webhooks ? undefined : 'the profile declares no webhooks, so there is no retry policy to check';
  },
  run(history, { profile, options }): CheckVerdict {
    const why = this.inapplicable!(profile);
    if (why) return { name: this.name, verdict: 'unknown', witnesses: [], error: why, judged: 0, unit: 'events' };
    const policy = profile.webhooks!.retryPolicy;
    const slack = slackFrom(options);
    const view = viewOf(history, profile);
    const index = attemptIndex(view);
    const witnesses: Witness[] = [];
    const doubts: string[] = [];
    const skipped = new ReasonTally();
    let retries = 0;
    let judged = 0;
    const fail = (summary: string, records: CallbackAttempt[]): void => {
      if (witnesses.length < MAX_WITNESSES) witnesses.push({ summary, records: records.map((a) => a.record) });
    };
    /** A timing violation of `margin` ms around [from, to]: a witness, or a doubt when noise could explain it. */
    const timing = (summary: string, margin: number, direction: 'early' | 'late', span: [number, number], records: CallbackAttempt[]): void => {
      const doubt = noiseDoubt(margin, noiseBetween(view, span[0], span[1]), direction);
      if (!doubt) fail(summary, records);
      else if (doubts.length < MAX_WITNESSES) doubts.push(`${summary.replace(/\.$/, '')}, but ${doubt}.`);
    };
    for (const [eventId, attempts] of callbackAttempts(view)) {
      if (witnesses.length >= MAX_WITNESSES) break;
      // Attempts our faults hide only add to the count: too many seen is a storm whatever was hidden.
      if (attempts.length > policy.maxAttempts) {
        judged++;
        fail(`Event ${eventId} was delivered ${attempts.length} times; the policy allows at most ${policy.maxAttempts} attempts (retry storm).`, attempts.slice(0, policy.maxAttempts + 1));
        continue;
      }
      const [from, to] = eventSpan(view, policy, slack, attempts);
      const unjudgeable = unseenAttempts(index, from, to) ?? answerRacedTimeout(view, index, attempts);
      if (unjudgeable) {
        skipped.add(unjudgeable);
        continue;
      }
      judged++;
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
        const { lo, hi } = promisedDelay(policy, i, prev.retryAfterSeconds, prev.status);
        // Measured from the attempt's start, an early retry is never early by the answer's latency;
        // measured from when the provider learned the outcome, a late one is never late by it.
        const sinceStart = cur.time - prev.time;
        const sinceOutcome = cur.time - prev.outcomeTime;
        if (sinceStart < lo - slack.earlySlackMs) {
          const ra = prev.retryAfterSeconds !== undefined && honoursRetryAfterOn(policy, prev.status) ? ' (Retry-After)' : '';
          timing(`Event ${eventId}: attempt ${i + 1} came ${fmt(sinceStart)} after attempt ${i} (answered ${describeAnswer(prev, index)}), ${fmt(lo - sinceStart)} earlier than the ${fmt(lo)} the policy promises at least${ra}.`, lo - sinceStart, 'early', [prev.time, cur.time], [prev, cur]);
          break;
        }
        if (sinceOutcome > hi + slack.lateSlackMs) {
          timing(`Event ${eventId}: attempt ${i + 1} came ${fmt(sinceOutcome)} after attempt ${i} ended; the policy promises at most ${fmt(hi)} (plus ${fmt(slack.lateSlackMs)} slack).`, sinceOutcome - hi, 'late', [prev.time, cur.time], [prev, cur]);
          break;
        }
      }
      const last = attempts[attempts.length - 1]!;
      const stopped = last.status !== undefined && policy.stopOn.includes(last.status);
      if (!delivered(last) && !stopped && attempts.length < policy.maxAttempts) {
        const { hi } = promisedDelay(policy, attempts.length, last.retryAfterSeconds, last.status);
        const waited = view.endTime - last.outcomeTime;
        if (waited > hi + slack.lateSlackMs) {
          const summary = `Event ${eventId} was attempted ${attempts.length} time${attempts.length === 1 ? '' : 's'} and never again after ${describeAnswer(last, index)} in the ${fmt(waited)} the run watched; the policy promises up to ${policy.maxAttempts} attempts (next within ${fmt(hi)})`;
          const doubt = silenceDoubt(view, last.time, last.outcomeTime + hi + slack.lateSlackMs, view.endTime);
          if (!doubt) fail(`${summary}.`, attempts);
          else if (doubts.length < MAX_WITNESSES) doubts.push(`${summary}, but ${doubt}.`);
        }
      }
    }
    const base = { name: this.name, witnesses, stats: { retriesJudged: retries, doubleRecords: index.doubles, proxyCopies: index.copies }, judged, unit: 'events', notJudged: skipped.list() };
    if (witnesses.length) return { ...base, verdict: 'fail' };
    if (doubts.length) return { ...base, verdict: 'unknown', error: doubts.join(' ') };
    if (judged === 0) return { ...base, verdict: 'unknown', error: emptySentence(index.byEvent.groupCount, skipped.total) };
    // Events not judged are the ones whose attempts went wrong, where retries happen: a pass on the
    // judged events alone, none of them retried, would say nothing about the schedule.
    if (retries === 0 && skipped.total > 0) {
      return { ...base, verdict: 'unknown', error: `no retry could be judged: the ${judged} event${judged === 1 ? '' : 's'} judged ${judged === 1 ? 'was' : 'were'} never retried, and the ${skipped.total} not judged (see notJudged) are where retries would show` };
    }
    return { ...base, verdict: 'pass' };
  },
};

function emptySentence(events: number, skipped: number): string {
  if (events === 0) return 'no callback attempt was recorded, so no retry schedule could be judged';
  return `none of the ${events} callback events could be judged (${skipped} not judged; see notJudged)`;
}
