import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { signaturesValid } from './signatures-valid.js';
import { STRIPE_HMAC } from '../webhooks/hmac-signature.js';
import type { ApiProfile } from '../config/profile-types.js';

const standard = testProfile();
const stripe: ApiProfile = { ...structuredClone(standard), webhooks: { ...structuredClone(standard.webhooks!), signature: 'stripe' } };
const declared: ApiProfile = {
  ...structuredClone(standard),
  webhooks: { ...structuredClone(standard.webhooks!), signature: { kind: 'hmac', header: 'X-Signature', prefix: 'sha256=', content: '{timestamp}.{body}', timestamp: { in: 'header', name: 'X-Timestamp' } } },
};
const PROFILES: [string, ApiProfile][] = [['standard-webhooks', standard], ['stripe', stripe], ['declared HMAC', declared], ['Stripe as a declared HMAC', { ...structuredClone(standard), webhooks: { ...structuredClone(standard.webhooks!), signature: STRIPE_HMAC } }]];

/** A run with little scheduling noise up to `until`, and a create whose answer was lost (`info`). */
function quietRun(until = 6_000, maxMs = 2): TestHistory {
  const h = new TestHistory();
  for (let t = 0; t < until; t += 500) h.push({ kind: 'lag', time: t + 500, target: 'default', windowMs: 500, maxMs, p99Ms: maxMs });
  h.at(10).request('create', { key: 'k1', amount: 1200 }, { status: undefined });
  return h;
}

describe('signatures-valid: a retry is signed when it is sent', () => {
  for (const [name, profile] of PROFILES) {
    it(`fails a retry that reuses the first attempt's timestamp, naming both times (${name})`, () => {
      // Signed at +0.10 s; the retry 2.5 s later still carries +0.10 s: 2.5 s old when sent.
      const h = quietRun().delivery('evt_1', 100, 503, { signatureAgeSeconds: 0.004, eventType: 'payment.captured' })
        .delivery('evt_1', 2_600, 200, { signatureAgeSeconds: 2.504, eventType: 'payment.captured' });
      const v = signaturesValid.run(h.records, { profile });
      expect(v.verdict).toBe('fail');
      expect(v.witnesses).toHaveLength(1);
      expect(v.witnesses[0]!.summary).toContain('attempt 2 was sent at +2.60 s with a signature timestamp of +0.10 s (2.50 s old)');
      expect(v.witnesses[0]!.summary).toContain('did not advance');
      expect(v.witnesses[0]!.records.map((r) => r.time)).toEqual([100, 2_600]);
    });
  }

  it('passes retries signed when sent, however late they come, and counts the retries it judged', () => {
    const h = quietRun().delivery('evt_1', 100, 500, { signatureAgeSeconds: 0.4 })
      .delivery('evt_1', 2_600, 503, { signatureAgeSeconds: 0.9 }).delivery('evt_1', 5_000, 200, { signatureAgeSeconds: 0.01 });
    expect(signaturesValid.run(h.records, { profile: standard })).toMatchObject({ verdict: 'pass', judged: 3, stats: { verified: 3, retriesJudged: 2 } });
  });

  it('judges across an attempt the proxy dropped, and takes the time a fault held an attempt off its age', () => {
    const dropped = quietRun()
      .push({ kind: 'fault', time: 0, target: 'default', phase: 'start', proxy: 'cb', toxic: 'drop', type: 'http_drop_request', path: 'callbacks', attributes: { probability: 0.5 } })
      .delivery('evt_1', 100, 500, { signatureAgeSeconds: 0 })
      .push({ kind: 'fault-decision', time: 1_000, target: 'default', proxy: 'cb', toxic: 'drop', type: 'http_drop_request', action: 'drop_request', idempotencyKey: 'evt_1' })
      .delivery('evt_1', 3_000, 200, { signatureAgeSeconds: 2.9 });
    const v = signaturesValid.run(dropped.records, { profile: standard });
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('attempt 3 was sent at +3.00 s');
    // Held 2 s by an http_delay on the way: 2.2 s old on arrival, 0.2 s old when the provider sent it.
    const held = quietRun()
      .push({ kind: 'fault', time: 0, target: 'default', phase: 'start', proxy: 'cb', toxic: 'slow', type: 'http_delay', path: 'callbacks', attributes: { delay_ms: 2_000 } })
      .delivery('evt_1', 100, 500, { signatureAgeSeconds: 0 })
      .push({ kind: 'fault-decision', time: 1_000, target: 'default', proxy: 'cb', toxic: 'slow', type: 'http_delay', action: 'delay', idempotencyKey: 'evt_1' })
      .delivery('evt_1', 3_000, 200, { signatureAgeSeconds: 2.2 });
    expect(signaturesValid.run(held.records, { profile: standard })).toMatchObject({ verdict: 'pass', stats: { retriesJudged: 1 } });
  });

  it('does not judge an attempt signed before one that arrived earlier: the attempts overlapped, their order is unknown', () => {
    // Attempt 3 was signed at +0.10 s, before attempt 2 (+2.55 s): sent early and held up 2.9 s, not re-used.
    const h = quietRun().delivery('evt_1', 100, 500, { signatureAgeSeconds: 0 })
      .delivery('evt_1', 2_600, 503, { signatureAgeSeconds: 0.05 }).delivery('evt_1', 3_000, 200, { signatureAgeSeconds: 2.9 });
    const v = signaturesValid.run(h.records, { profile: standard });
    expect(v).toMatchObject({ verdict: 'pass', stats: { retriesJudged: 1 } });
    expect(v.notJudged).toEqual([{ reason: 'retry signed before an attempt that arrived earlier (attempts overlapped)', count: 1 }]);
  });

  it('allows the one-second resolution of whole-second timestamps', () => {
    const h = quietRun().delivery('evt_1', 100, 500, { signatureAgeSeconds: 0.001 }).delivery('evt_1', 700, 200, { signatureAgeSeconds: 0.95 });
    expect(signaturesValid.run(h.records, { profile: standard }).verdict).toBe('pass');
  });

  it('is unknown, with the figures, when the measured noise could explain the lag', () => {
    const busy = quietRun(6_000, 1_500).delivery('evt_1', 100, 500, { signatureAgeSeconds: 0 }).delivery('evt_1', 3_000, 200, { signatureAgeSeconds: 1.6 });
    const v = signaturesValid.run(busy.records, { profile: standard });
    expect(v.verdict).toBe('unknown');
    expect(v.error).toContain('1.60 s old');
    expect(v.notJudged).toEqual([{ reason: 'retry timestamp lag within the measured scheduling noise', count: 1 }]);
  });

  it('still judges each delivery when no event was retried', () => {
    const h = quietRun().delivery('evt_1', 100, 200, { signatureAgeSeconds: 0.01 }).delivery('evt_2', 200, 200, { signatureAgeSeconds: 0.01 });
    expect(signaturesValid.run(h.records, { profile: standard })).toMatchObject({ verdict: 'pass', judged: 2, stats: { retriesJudged: 0 } });
  });
});
