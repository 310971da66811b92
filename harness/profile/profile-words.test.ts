import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseProfile } from '../config/profile.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { CHECKS } from '../checks/index.js';
import { checkDescription } from '../checks/check-description.js';
import { retriesKeepEventId } from '../checks/retries-keep-event-id.js';
import { TestHistory } from '../checks/test-support/test-history.js';
import { htmlReporter } from '../report/html.js';

const example = (name: string, env: Record<string, string>) => {
  const file = fileURLToPath(new URL(`../../examples/profiles/${name}.yaml`, import.meta.url));
  return parseProfile(file, readFileSync(file, 'utf8'), env);
};
const decimal = example('decimal-api', { DECIMAL_API_KEY: 'k' });
const stripeLike = example('stripe-like', { STRIPE_LIKE_API_KEY: 'k' });

describe('check descriptions in the profile\'s own words', () => {
  it('never speak of the sandbox\'s headers on an API that has other ones', () => {
    for (const check of CHECKS) {
      const text = checkDescription(check, decimal);
      expect(text, check.name).not.toMatch(/webhook-id|Idempotency-Key|Standard Webhooks/);
    }
    expect(checkDescription(CHECKS.find((c) => c.name === 'idempotent-replay')!, decimal)).toContain('X-Request-Id header');
    expect(checkDescription(CHECKS.find((c) => c.name === 'payload-mismatch-rejected')!, decimal)).toContain('rejected (422)');
    expect(checkDescription(CHECKS.find((c) => c.name === 'signatures-valid')!, decimal)).toContain('HMAC (X-Signature) signature');
    expect(checkDescription(retriesKeepEventId, decimal)).toBe('callback retries carry the same event id ($.event_id) as the failed attempt');
    expect(checkDescription(retriesKeepEventId, stripeLike)).toBe('callback retries carry the same event id ($.id) as the failed attempt');
    expect(checkDescription(CHECKS.find((c) => c.name === 'money-invariants')!, stripeLike)).toContain('refunded (from the refund list GET /v1/refunds)');
    // The sandbox's own words stay what they were, and without a profile the general sentence is used.
    expect(checkDescription(retriesKeepEventId, SANDBOX_PROFILE)).toContain('$.id, or the webhook-id header');
    expect(checkDescription(retriesKeepEventId, undefined)).toBe(retriesKeepEventId.description);
  });

  it('a retry under a new id is told in the API\'s terms, and the HTML report describes checks so', () => {
    const h = new TestHistory()
      .delivery('evt_a', 0, 500, { resourceId: 'pi_1', eventType: 'payment_intent.succeeded', paymentStatus: 'succeeded' })
      .delivery('evt_b', 100, 200, { resourceId: 'pi_1', eventType: 'payment_intent.succeeded', paymentStatus: 'succeeded' });
    const v = retriesKeepEventId.run(h.records, { profile: stripeLike });
    expect(v.witnesses[0]!.summary).toBe(
      'Event evt_a failed (500) and was retried as a new event evt_b (event id at $.id) for the same payment and type (payment_intent.succeeded); retries must keep the event id.',
    );
    const run = { ...h.records[0]!, meta: { profile: stripeLike } } as (typeof h.records)[number];
    const html = htmlReporter.render({
      history: [run, ...h.records.slice(1)],
      verdict: { verdict: 'fail', seed: 1, runId: 'r', scenarios: [{ name: 'callbacks', verdict: 'fail', checks: [v] }] },
    });
    expect(html).toContain('callback retries carry the same event id ($.id) as the failed attempt');
    expect(html).not.toContain('webhook-id');
  });
});
