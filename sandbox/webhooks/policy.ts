import type { BugSwitches } from '../bugs.js';

/**
 * The sandbox's webhook retry policy at time scale 1. The sandbox owns it: the harness states what it
 * expects of the sandbox in its own profile (harness/config/sandbox-profile.ts), and a test compares
 * the two, so the judge never shares the promise with the thing it judges.
 */
export const RETRY_POLICY = {
  initialIntervalMs: 1_000,
  multiplier: 2,
  maxIntervalMs: 60_000,
  jitter: 0.1,
  maxAttempts: 6,
  honoursRetryAfter: true,
  stopOn: [410],
} as const;

/**
 * How long one delivery attempt may take before it counts as failed, in real milliseconds at every
 * time scale: the time scale compresses the sandbox's schedule, not the receiver's answers, and a
 * loaded test machine still needs time to answer.
 */
export const ATTEMPT_TIMEOUT_MS = 2_000;
/** The retry-storm bug hammers the receiver this many times more than the policy allows. */
const STORM_ATTEMPT_FACTOR = 3;

/** `GET /v1/webhook_policy`: the policy the sandbox follows (unscaled, plus the scale). */
export function describePolicy(timeScale: number) {
  return {
    initial_interval_ms: RETRY_POLICY.initialIntervalMs,
    multiplier: RETRY_POLICY.multiplier,
    max_interval_ms: RETRY_POLICY.maxIntervalMs,
    jitter: RETRY_POLICY.jitter,
    max_attempts: RETRY_POLICY.maxAttempts,
    honours_retry_after: RETRY_POLICY.honoursRetryAfter,
    stop_on: [...RETRY_POLICY.stopOn],
    time_scale: timeScale,
    attempt_timeout_ms: ATTEMPT_TIMEOUT_MS,
  };
}

/** Attempts allowed in total; planted bugs change it. */
export function maxAttempts(bugs: BugSwitches): number {
  if (bugs.has('webhook-no-retry')) return 1;
  if (bugs.has('webhook-retry-storm')) return RETRY_POLICY.maxAttempts * STORM_ATTEMPT_FACTOR;
  return RETRY_POLICY.maxAttempts;
}

/**
 * Delay before attempt `attemptsMade + 1`: min(initial · multiplier^(n-1), max) with ±jitter, at
 * least Retry-After, all times the time scale. `random` is in [0, 1) (a seeded draw, see jitter.ts).
 */
export function retryDelayMs(attemptsMade: number, options: { timeScale: number; bugs: BugSwitches; retryAfterMs?: number; random: number }): number {
  if (options.bugs.has('webhook-retry-storm')) return 0;
  const p = RETRY_POLICY;
  const base = Math.min(p.initialIntervalMs * p.multiplier ** Math.max(attemptsMade - 1, 0), p.maxIntervalMs);
  const jittered = base * (1 + (options.random * 2 - 1) * p.jitter);
  const afterRetryAfter = p.honoursRetryAfter && options.retryAfterMs !== undefined ? Math.max(jittered, options.retryAfterMs) : jittered;
  return afterRetryAfter * options.timeScale;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(date - now, 0);
}
