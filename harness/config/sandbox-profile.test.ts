import { describe, expect, it } from 'vitest';
import { SANDBOX_PROFILE } from './sandbox-profile.js';
import { ATTEMPT_TIMEOUT_MS, describePolicy } from '../../sandbox/webhooks/policy.js';

/**
 * The sandbox owns its retry policy; the harness's profile states, independently, what it promises.
 * This is the one place the two meet: if either drifts, the checks would judge the sandbox against a
 * promise it never made.
 */
describe('the sandbox profile states the sandbox webhook policy', () => {
  it('matches what GET /v1/webhook_policy serves', () => {
    const served = describePolicy(1);
    const promised = SANDBOX_PROFILE.webhooks!.retryPolicy;
    expect({
      initialIntervalMs: served.initial_interval_ms,
      multiplier: served.multiplier,
      maxIntervalMs: served.max_interval_ms,
      jitter: served.jitter,
      maxAttempts: served.max_attempts,
      honoursRetryAfter: served.honours_retry_after,
      stopOn: served.stop_on,
      timeScale: served.time_scale,
      attemptTimeoutMs: served.attempt_timeout_ms,
    }).toEqual(promised);
    expect(promised.attemptTimeoutMs).toBe(ATTEMPT_TIMEOUT_MS);
  });
});
