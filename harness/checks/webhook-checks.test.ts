import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { retrySchedule } from './retry-schedule.js';
import { callbacksDelivered } from './callbacks-delivered.js';
import { retriesKeepEventId } from './retries-keep-event-id.js';
import { signaturesValid } from './signatures-valid.js';

const profile = testProfile(); // delays 100, 200, 400 (±10%), 4 attempts, stop on 410
const ctx = { profile, options: { earlySlackMs: 5, lateSlackMs: 50 } };

describe('retry-schedule', () => {
  it('passes a schedule inside the jitter bounds', () => {
    const h = new TestHistory().delivery('e1', 0, 500).delivery('e1', 105, 500).delivery('e1', 300, 200);
    expect(retrySchedule.run(h.records, ctx).verdict).toBe('pass');
  });

  it('fails a retry that came too early (storm) and names both attempts', () => {
    const h = new TestHistory().delivery('e1', 0, 500).delivery('e1', 3, 200);
    const v = retrySchedule.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('at least 90 ms');
    expect(v.witnesses[0]!.records).toHaveLength(2);
  });

  it('fails more attempts than the policy allows', () => {
    const h = new TestHistory();
    [0, 100, 300, 700, 1500].forEach((t) => h.delivery('e1', t, 500));
    expect(retrySchedule.run(h.records, ctx).witnesses[0]!.summary).toContain('at most 4 attempts');
  });

  it('requires Retry-After to be honoured', () => {
    const h = new TestHistory().delivery('e1', 0, 503, { retryAfterSeconds: 1 }).delivery('e1', 120, 200);
    expect(retrySchedule.run(h.records, ctx).verdict).toBe('fail');
    const ok = new TestHistory().delivery('e1', 0, 503, { retryAfterSeconds: 1 }).delivery('e1', 1010, 200);
    expect(retrySchedule.run(ok.records, ctx).verdict).toBe('pass');
  });

  it('fails giving up early, but not when the run stopped watching too soon to tell', () => {
    const gaveUp = new TestHistory().delivery('e1', 0, 500).push({ kind: 'note', time: 2000, target: 'default', message: 'end' });
    expect(retrySchedule.run(gaveUp.records, ctx).witnesses[0]!.summary).toContain('never again');
    const tooSoon = new TestHistory().delivery('e1', 0, 500).push({ kind: 'note', time: 100, target: 'default', message: 'end' });
    expect(retrySchedule.run(tooSoon.records, ctx).verdict).toBe('pass');
  });

  it('stops on 410 and counts a proxy-dropped attempt as failed', () => {
    const after410 = new TestHistory().delivery('e1', 0, 410).delivery('e1', 100, 200);
    expect(retrySchedule.run(after410.records, ctx).witnesses[0]!.summary).toContain('410');
    const dropped = new TestHistory()
      .push({ kind: 'fault', time: 0, target: 'default', phase: 'start', proxy: 'cb', toxic: 't', type: 'http_drop_request', path: 'callbacks' })
      .push({ kind: 'fault-decision', time: 0, target: 'default', proxy: 'cb', toxic: 't', type: 'http_drop_request', action: 'drop_request', idempotencyKey: 'e1' })
      .delivery('e1', 100, 200);
    expect(retrySchedule.run(dropped.records, ctx).verdict).toBe('pass');
    expect(callbacksDelivered.run(dropped.records, ctx).verdict).toBe('pass');
  });

  it('a fault that forwarded the delivery and answered 503 for the receiver is one failed attempt, not two', () => {
    const h = new TestHistory()
      .push({ kind: 'fault', time: 0, target: 'default', phase: 'start', proxy: 'cb', toxic: 't', type: 'http_status', path: 'callbacks', attributes: { status: 503, forward: true, first: 1 } })
      .delivery('e1', 0, 200)
      .push({ kind: 'fault-decision', time: 1, target: 'default', proxy: 'cb', toxic: 't', type: 'http_status', action: 'status', idempotencyKey: 'e1' })
      .delivery('e1', 102, 200);
    expect(retrySchedule.run(h.records, ctx).verdict).toBe('pass');
    expect(retrySchedule.run(h.records, ctx).stats?.retriesJudged).toBe(1);
    expect(callbacksDelivered.run(h.records, ctx).verdict).toBe('pass');
  });
});

describe('callbacks-delivered', () => {
  it('fails an event that was never accepted', () => {
    const h = new TestHistory().delivery('e1', 0, 500, { resourceId: 'pay_1' });
    const v = callbacksDelivered.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('never delivered');
  });

  it('excuses events the receiver answered 410, and fails created payments nobody heard about', () => {
    const h = new TestHistory().delivery('e1', 0, 410, { resourceId: 'pay_1' });
    expect(callbacksDelivered.run(h.records, ctx).verdict).toBe('pass');
    h.request('create', { key: 'k2', amount: 100 }, { status: 201, resourceId: 'pay_2', body: {} });
    expect(callbacksDelivered.run(h.records, ctx).witnesses[0]!.summary).toContain('pay_2');
  });

  it('fails a delivery later than the horizon', () => {
    const h = new TestHistory().delivery('e1', 0, 500).delivery('e1', 60_000, 200);
    expect(callbacksDelivered.run(h.records, ctx).witnesses[0]!.summary).toContain('horizon');
  });
});

describe('retries-keep-event-id', () => {
  it('fails when a failed event is retried under a new id', () => {
    const h = new TestHistory()
      .delivery('evt_a', 0, 500, { resourceId: 'pay_1', eventType: 'payment.created', paymentStatus: 'succeeded' })
      .delivery('evt_b', 100, 200, { resourceId: 'pay_1', eventType: 'payment.created', paymentStatus: 'succeeded' });
    const v = retriesKeepEventId.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('evt_a');
  });

  it('passes two legitimate events of one type (both delivered)', () => {
    const h = new TestHistory()
      .delivery('evt_a', 0, 500, { resourceId: 'pay_1', eventType: 'payment.refunded', paymentStatus: 'partially_refunded' })
      .delivery('evt_a', 100, 200, { resourceId: 'pay_1', eventType: 'payment.refunded', paymentStatus: 'partially_refunded' })
      .delivery('evt_b', 150, 200, { resourceId: 'pay_1', eventType: 'payment.refunded', paymentStatus: 'partially_refunded' });
    expect(retriesKeepEventId.run(h.records, ctx).verdict).toBe('pass');
  });
});

describe('signatures-valid', () => {
  it('fails an invalid or stale signature and passes fresh valid ones', () => {
    const good = new TestHistory().delivery('e1', 0, 200, { signatureValid: true, signatureAgeSeconds: 1 });
    expect(signaturesValid.run(good.records, ctx).verdict).toBe('pass');
    const bad = new TestHistory().delivery('e1', 0, 200, { signatureValid: false, signatureError: 'No matching signature found' });
    expect(signaturesValid.run(bad.records, ctx).witnesses[0]!.summary).toContain('No matching signature');
    const stale = new TestHistory().delivery('e1', 0, 200, { signatureValid: true, signatureAgeSeconds: 900 });
    expect(signaturesValid.run(stale.records, ctx).witnesses[0]!.summary).toContain('900 s old');
  });
});
