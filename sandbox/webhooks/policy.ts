import { SANDBOX_RETRY_POLICY } from '../../harness/config/sandbox-profile.js';
import type { BugSwitches } from '../bugs.js';

/** How long one delivery attempt may take at time scale 1, before it counts as failed. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** Scaled attempt timeouts never go below this: a loaded test machine still needs time to answer. */
const MIN_ATTEMPT_TIMEOUT_MS = 1_000;
/** The retry-storm bug hammers the receiver this many times more than the policy allows. */
const STORM_ATTEMPT_FACTOR = 3;

/** `GET /v1/webhook_policy`: the promise the harness checks deliveries against (unscaled, plus the scale). */
export function describePolicy(timeScale: number) {
  return {
    initial_interval_ms: SANDBOX_RETRY_POLICY.initialIntervalMs,
    multiplier: SANDBOX_RETRY_POLICY.multiplier,
    max_interval_ms: SANDBOX_RETRY_POLICY.maxIntervalMs,
    jitter: SANDBOX_RETRY_POLICY.jitter,
    max_attempts: SANDBOX_RETRY_POLICY.maxAttempts,
    honours_retry_after: SANDBOX_RETRY_POLICY.honoursRetryAfter,
    stop_on: [...SANDBOX_RETRY_POLICY.stopOn],
    time_scale: timeScale,
    attempt_timeout_ms: ATTEMPT_TIMEOUT_MS,
  };
}

export function attemptTimeoutMs(timeScale: number): number {
  return Math.max(ATTEMPT_TIMEOUT_MS * timeScale, MIN_ATTEMPT_TIMEOUT_MS);
}

/** Attempts allowed in total; planted bugs change it. */
export function maxAttempts(bugs: BugSwitches): number {
  if (bugs.has('webhook-no-retry')) return 1;
  if (bugs.has('webhook-retry-storm')) return SANDBOX_RETRY_POLICY.maxAttempts * STORM_ATTEMPT_FACTOR;
  return SANDBOX_RETRY_POLICY.maxAttempts;
}

/**
 * Delay before attempt `attemptsMade + 1`: min(initial · multiplier^(n-1), max) with ±jitter, at
 * least Retry-After, all times the time scale. `random` is in [0, 1).
 */
export function retryDelayMs(attemptsMade: number, options: { timeScale: number; bugs: BugSwitches; retryAfterMs?: number; random?: number }): number {
  if (options.bugs.has('webhook-retry-storm')) return 0;
  const p = SANDBOX_RETRY_POLICY;
  const base = Math.min(p.initialIntervalMs * p.multiplier ** Math.max(attemptsMade - 1, 0), p.maxIntervalMs);
  const random = options.random ?? Math.random();
  const jittered = base * (1 + (random * 2 - 1) * p.jitter);
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
