import type { Check, CheckVerdict, Witness } from './types.js';
import { exchangeAt, MAX_WITNESSES, recordsOf, viewOf } from './history-view.js';
import type { OperationComplete, OperationInvoke } from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';
import { attemptIndex, attemptsOf, delivered, describeAnswer } from './callback-attempts.js';
import { answerRacedTimeout, budgetSpent, eventSpan, unseenAttempts } from './callback-budget.js';
import { noiseBetween, noiseDoubt, silenceDoubt } from './scheduling-noise.js';
import { ReasonTally } from './reason-tally.js';
import { IntColumn } from './int-column.js';
import { promisedDelay, retryHorizonMs, slackFrom } from './retry-timing.js';

/**
 * At-least-once: every event the provider tried to send lands (a 2xx the provider saw) within the
 * retry horizon, unless the receiver told it to stop; and every payment created gets an event. An
 * event is not held against the provider when it spent its whole attempt budget (on our faults or
 * the receiver's refusals), or when our own faults may have hidden its attempts.
 */
export const callbacksDelivered: Check = {
  name: 'callbacks-delivered',
  description: 'every callback is delivered at least once within the declared retry horizon; every created payment is notified',
  inapplicable(profile: ApiProfile) {
    return profile.webhooks ? undefined : 'the profile declares no webhooks, so there are no callbacks to check';
  },
  run(history, { profile, options }): CheckVerdict {
    const why = this.inapplicable!(profile);
    if (why) return { name: this.name, verdict: 'unknown', witnesses: [], error: why, judged: 0, unit: 'events' };
    const policy = profile.webhooks!.retryPolicy;
    const slack = slackFrom(options);
    const view = viewOf(history, profile);
    const horizon = typeof options?.horizonMs === 'number' ? options.horizonMs : retryHorizonMs(policy, slack);
    const witnesses: Witness[] = [];
    const doubts: string[] = [];
    const skipped = new ReasonTally();
    const index = attemptIndex(view);
    const { byEvent } = index;
    // Payment numbers (`view.ids`) that got a callback; 1 when notified (or excused).
    const notified = new IntColumn();
    const notify = (resourceId: string | undefined): void => {
      if (resourceId) notified.set(view.payments.intern(resourceId), 1);
    };
    let judged = 0;
    for (let i = 0; i < byEvent.groupCount; i++) {
      const event = byEvent.groupAt(i);
      const eventId = index.events.strings[event]!;
      const attempts = attemptsOf(index, event);
      const resourceId = attempts.find((a) => a.delivery?.resourceId)?.delivery?.resourceId;
      const ok = attempts.find(delivered);
      const last = attempts[attempts.length - 1]!;
      // Whether the provider heard about it or not, the payment was notified or its event was excused below.
      notify(resourceId);
      // The receiver (or a fault on its behalf) said stop: not delivering is what the policy promises.
      if (attempts.some((a) => a.status !== undefined && policy.stopOn.includes(a.status))) {
        judged++;
        continue;
      }
      const [from, to] = eventSpan(view, policy, slack, attempts);
      const unjudgeable = answerRacedTimeout(view, index, attempts) ?? (ok ? undefined : budgetSpent(index, policy, attempts) ?? unseenAttempts(index, from, to));
      if (unjudgeable) {
        skipped.add(unjudgeable);
        continue;
      }
      if (!ok) {
        // It may still come: the run stopped watching before the next promised attempt was due.
        const { hi } = promisedDelay(policy, attempts.length, last.retryAfterSeconds, last.status);
        const waited = view.endTime - last.outcomeTime;
        if (waited <= hi + slack.lateSlackMs) {
          skipped.add('the run stopped watching before the next promised attempt was due');
          continue;
        }
        judged++;
        const summary = `Event ${eventId}${resourceId ? ` about ${resourceId}` : ''} was attempted ${attempts.length} time${attempts.length === 1 ? '' : 's'} (of ${policy.maxAttempts} promised), last answered ${describeAnswer(last, index)}, and never delivered in the ${Math.round(waited)} ms the run watched after it`;
        // A retry held up by the run's own load may simply not have come yet.
        const doubt = silenceDoubt(view, last.time, last.outcomeTime + hi + slack.lateSlackMs, view.endTime);
        if (doubt) {
          if (doubts.length < MAX_WITNESSES) doubts.push(`${summary}, but ${doubt}.`);
        } else if (witnesses.length < MAX_WITNESSES) {
          witnesses.push({ summary: `${summary}; callbacks must arrive at least once after the fault heals.`, records: attempts.map((a) => a.record) });
        }
        continue;
      }
      judged++;
      const first = attempts[0]!;
      // The horizon counts delays between attempts; time spent waiting for answers (or timeouts) comes on top.
      let waiting = 0;
      for (const a of attempts) {
        if (a === ok) break;
        waiting += a.outcomeTime - a.time;
      }
      const late = ok.time - first.time - waiting - horizon;
      if (late > 0 && witnesses.length < MAX_WITNESSES) {
        const summary = `Event ${eventId} was delivered ${Math.round(ok.time - first.time)} ms after its first attempt, past the ${Math.round(horizon)} ms horizon of the declared retry policy`;
        const doubt = noiseDoubt(late, noiseBetween(view, first.time, ok.time), 'late');
        if (!doubt) witnesses.push({ summary: `${summary}.`, records: [first.record, ok.record] });
        else if (doubts.length < MAX_WITNESSES) doubts.push(`${summary}, but ${doubt}.`);
      }
    }
    let payments = 0;
    if (options?.everyPaymentNotified !== false) {
      const { history: records, invokeAt, completeAt } = view;
      for (let e = 0; e < invokeAt.length; e++) {
        const completed = completeAt.get(e);
        if (completed < 0 || (records[invokeAt.get(e)] as OperationInvoke).op !== 'create') continue;
        const c = records[completed] as OperationComplete;
        if (c.outcome !== 'ok' || c.resourceId === undefined) continue;
        const id = c.resourceId;
        const payment = view.payments.find(id);
        if (payment >= 0 && notified.get(payment) === 1) continue;
        notified.set(view.payments.intern(id), 1);
        payments++;
        // No attempt at all may also be our faults' doing: a traceless fault or keyless drops after it was created.
        const hidden = unseenAttempts(index, c.time, view.endTime);
        if (hidden) {
          skipped.add(hidden);
          continue;
        }
        if (witnesses.length < MAX_WITNESSES) witnesses.push({ summary: `Payment ${id} was created but no callback about it was ever delivered.`, records: recordsOf(exchangeAt(view, e)) });
      }
    }
    const base = { name: this.name, witnesses, judged, unit: 'events', stats: { events: byEvent.groupCount, unnotifiedPayments: payments, doubleRecords: index.doubles, proxyCopies: index.copies }, notJudged: skipped.list() };
    if (witnesses.length) return { ...base, verdict: 'fail' };
    if (doubts.length) return { ...base, verdict: 'unknown', error: doubts.join(' ') };
    if (judged === 0) {
      const error = byEvent.groupCount === 0
        ? 'no callback attempt was recorded, so no delivery could be judged'
        : `none of the ${byEvent.groupCount} callback events could be judged (see notJudged)`;
      return { ...base, verdict: 'unknown', error };
    }
    return { ...base, verdict: 'pass' };
  },
};
