import type { RetryPolicy } from '../config/profile-types.js';

/** Absolute slack for scheduling noise, which dominates at compressed time scales. Options of the retry checks. */
export interface RetrySlack {
  /** How much earlier than the policy's lower bound an attempt may arrive (timer and socket noise). */
  earlySlackMs: number;
  /** How much later than the upper bound (event-loop lag, slow sink answers). */
  lateSlackMs: number;
}

export const DEFAULT_SLACK: RetrySlack = { earlySlackMs: 20, lateSlackMs: 2_000 };

export function slackFrom(options: Record<string, unknown> | undefined): RetrySlack {
  const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return { earlySlackMs: num(options?.earlySlackMs, DEFAULT_SLACK.earlySlackMs), lateSlackMs: num(options?.lateSlackMs, DEFAULT_SLACK.lateSlackMs) };
}

/**
 * Whether the policy honours a Retry-After that came with a receiver answer of `status`: only when it
 * honours Retry-After at all, and, when it names `retryAfterStatuses`, only on those (429 and 503, say).
 */
export function honoursRetryAfterOn(policy: RetryPolicy, status: number | undefined): boolean {
  if (!policy.honoursRetryAfter) return false;
  return policy.retryAfterStatuses === undefined || (status !== undefined && policy.retryAfterStatuses.includes(status));
}

/**
 * The window the policy promises for the delay before attempt `n + 1` (n ≥ 1), in scaled ms; a
 * Retry-After (with the answer's `status`) raises it where the policy honours it.
 */
export function promisedDelay(policy: RetryPolicy, n: number, retryAfterSeconds?: number, status?: number): { nominal: number; lo: number; hi: number } {
  const scale = policy.timeScale ?? 1;
  const nominal = Math.min(policy.initialIntervalMs * policy.multiplier ** (n - 1), policy.maxIntervalMs) * scale;
  let lo = nominal * (1 - policy.jitter);
  let hi = nominal * (1 + policy.jitter);
  if (retryAfterSeconds !== undefined && honoursRetryAfterOn(policy, status)) {
    const ra = retryAfterSeconds * 1000 * scale;
    lo = Math.max(lo, ra);
    hi = Math.max(hi, ra * (1 + policy.jitter));
  }
  return { nominal, lo, hi };
}

/** Longest time from the first attempt to the last the policy allows: the callback horizon. */
export function retryHorizonMs(policy: RetryPolicy, slack: RetrySlack = DEFAULT_SLACK): number {
  let total = 0;
  for (let n = 1; n < policy.maxAttempts; n++) total += promisedDelay(policy, n).hi + slack.lateSlackMs;
  return total;
}
