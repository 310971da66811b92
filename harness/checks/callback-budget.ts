import type { RetryPolicy } from '../config/profile-types.js';
import type { HistoryView } from './history-view.js';
import { delivered, type AttemptIndex, type CallbackAttempt } from './callback-attempts.js';
import { overlaps } from './callback-fault-windows.js';
import { noiseBetween } from './scheduling-noise.js';
import { retryHorizonMs, type RetrySlack } from './retry-timing.js';

/*
 * What the history cannot say about an event's attempts, so a check must not blame the provider for
 * them: attempts our own faults ate without a trace, answers that raced the provider's timeout, and
 * attempt budgets our faults spent. Each function returns the reason (a `notJudged` entry) or undefined.
 */

/**
 * Attempts of this event may be missing from the history: a callback-path fault that records nothing
 * per attempt (TCP level) was active, or a fault dropped attempts without naming their event id,
 * between `from` and `to`.
 */
export function unseenAttempts(index: AttemptIndex, from: number, to: number): string | undefined {
  const window = index.windows.find((w) => w.unseen && overlaps(w, from, to));
  if (window) return `a harness fault on the callback path (${window.type}) may have eaten attempts without a trace`;
  if (index.keylessTimes.some((t) => t >= from && t <= to)) {
    return "a harness fault dropped callback attempts without naming their event id (the fault was not told where the profile's event id is)";
  }
  return undefined;
}

/** The span in which a missing attempt of this event could hide: a retry horizon before the first seen one, to the end of watching. */
export function eventSpan(view: HistoryView, policy: RetryPolicy, slack: RetrySlack, attempts: readonly CallbackAttempt[]): [number, number] {
  const last = attempts[attempts.length - 1]!;
  const settled = delivered(last) || (last.status !== undefined && policy.stopOn.includes(last.status));
  return [attempts[0]!.time - retryHorizonMs(policy, slack), settled ? last.time : view.endTime];
}

/**
 * The provider saw a timeout or the receiver's answer, and the history cannot tell which: the answer
 * came back within the measured noise of the provider's attempt timeout, or the profile declares no
 * timeout while the answer was held back.
 */
export function answerRacedTimeout(view: HistoryView, index: AttemptIndex, attempts: readonly CallbackAttempt[]): string | undefined {
  for (const a of attempts) {
    if (!a.delivery || a.latencyMs <= 0) continue;
    if (index.attemptTimeoutMs === undefined) return `the receiver's answer was held ${Math.round(a.latencyMs)} ms and the profile declares no webhooks.retryPolicy.attemptTimeoutMs`;
    const noise = noiseBetween(view, a.time, a.time + Math.max(a.latencyMs, index.attemptTimeoutMs));
    const margin = Math.abs(a.latencyMs - index.attemptTimeoutMs);
    if (noise.ms === undefined || margin <= noise.ms) {
      return `the receiver's answer came ${Math.round(a.latencyMs)} ms after the attempt, too close to the provider's ${index.attemptTimeoutMs} ms attempt timeout to tell which the provider saw`;
    }
  }
  return undefined;
}

/**
 * The provider spent its whole attempt budget and none landed: it kept its promise. Says whose doing
 * the failures were (our faults, or the receiver the scenario told to refuse), for `notJudged`.
 */
export function budgetSpent(index: AttemptIndex, policy: RetryPolicy, attempts: readonly CallbackAttempt[]): string | undefined {
  if (attempts.length < policy.maxAttempts) return undefined;
  // Consumed by our fault: a decision ate it, or it failed in transport while a traceless fault was active.
  const byFault = attempts.some((a) => a.failure === 'fault' || (a.failure !== undefined && index.windows.some((w) => w.unseen && overlaps(w, a.time, a.time))));
  return byFault
    ? 'attempt budget spent while a harness fault was active on the callback path'
    : 'the receiver (the scenario\'s rules) refused every attempt the policy allows';
}
