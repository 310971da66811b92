import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { idempotentReplay } from './idempotent-replay.js';
import { payloadMismatchRejected } from './payload-mismatch-rejected.js';
import { concurrentDuplicatesOnce } from './concurrent-duplicates-once.js';
import { exactlyOnce } from './exactly-once.js';

const profile = testProfile();
const ctx = { profile };

describe('idempotent-replay', () => {
  it('passes when a replay returns the stored status, id and body', () => {
    const h = new TestHistory();
    const body = h.payment('pay_1', 'succeeded', 100, 100);
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, body, resourceId: 'pay_1' });
    h.request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, body, resourceId: 'pay_1' });
    const v = idempotentReplay.run(h.records, ctx);
    expect(v.verdict).toBe('pass');
    expect(v.stats?.replaysCompared).toBe(1);
  });

  it('fails with both requests as witnesses when the replay differs', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, body: h.payment('pay_1', 'requires_capture', 100, 0), resourceId: 'pay_1' });
    h.request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 200, body: h.payment('pay_1', 'succeeded', 100, 100), resourceId: 'pay_1' });
    const v = idempotentReplay.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('status 201 then 200');
    expect(v.witnesses[0]!.records.filter((r) => r.kind === 'invoke')).toHaveLength(2);
  });

  it('ignores info outcomes and in-flight 409s (nothing to compare)', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
    h.request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 409 });
    h.request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_1', body: {} });
    expect(idempotentReplay.run(h.records, ctx).verdict).toBe('pass');
  });
});

describe('payload-mismatch-rejected', () => {
  it('passes when a changed payload gets 422', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.request('create', { key: 'k1', amount: 101, intent: 'payload-change' }, { status: 422 });
    const v = payloadMismatchRejected.run(h.records, ctx);
    expect(v.verdict).toBe('pass');
    expect(v.stats?.mismatchesJudged).toBe(1);
  });

  it('fails when a changed payload is served', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.request('create', { key: 'k1', amount: 101, intent: 'payload-change' }, { status: 201, resourceId: 'pay_1', body: {} });
    const v = payloadMismatchRejected.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toMatch(/different payload.*accepted it \(201\)/);
  });

  it('does not judge a change sent while the original had no answer (info)', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
    h.request('create', { key: 'k1', amount: 101, intent: 'payload-change' }, { status: 201, resourceId: 'pay_1', body: {} });
    expect(payloadMismatchRejected.run(h.records, ctx).verdict).toBe('pass');
  });
});

describe('concurrent-duplicates-once', () => {
  it('fails when concurrent copies created two payments', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'k1', amount: 100, duration: 50 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.at(5).request('create', { key: 'k1', amount: 100, intent: 'concurrent-copy', duration: 50 }, { status: 201, resourceId: 'pay_2', body: {} });
    h.referenceCount('k1', ['pay_1', 'pay_2']);
    const v = concurrentDuplicatesOnce.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('executed 2 times');
  });

  it('passes when the copy got 409 and only one payment exists', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'k1', amount: 100, duration: 50 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.at(5).request('create', { key: 'k1', amount: 100, intent: 'concurrent-copy' }, { status: 409 });
    h.referenceCount('k1', ['pay_1']);
    const v = concurrentDuplicatesOnce.run(h.records, ctx);
    expect(v.verdict).toBe('pass');
    expect(v.stats?.concurrentGroups).toBe(1);
  });

  it('sees a proxy duplicate through the final refunded amount', () => {
    const h = new TestHistory();
    h.request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 30 }, { status: 201, resourceId: 're_1', body: {} });
    h.push({ kind: 'fault-decision', time: 12, target: 'default', proxy: 'p', toxic: 't', type: 'http_duplicate', action: 'duplicate', idempotencyKey: 'r1' });
    h.finalRead('pay_1', 'partially_refunded', 100, 100, 60);
    const v = concurrentDuplicatesOnce.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('ends with 60 refunded');
  });
});

describe('exactly-once', () => {
  it('allows zero or one effect for a key whose outcome was info', () => {
    for (const listed of [[], ['pay_1']]) {
      const h = new TestHistory();
      h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
      h.referenceCount('k1', listed);
      const v = exactlyOnce.run(h.records, ctx);
      expect(v.verdict).toBe('pass');
      expect(v.stats?.infoOnlyKeys).toBe(1);
    }
  });

  it('fails when an info request and its retry both took effect', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
    h.request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_2', body: {} });
    h.referenceCount('k1', ['pay_1', 'pay_2']);
    const v = exactlyOnce.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('took effect 2 times');
    expect(v.witnesses[0]!.records.some((r) => r.kind === 'reference-count')).toBe(true);
  });

  it('fails when an acknowledged create left no payment', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.referenceCount('k1', []);
    expect(exactlyOnce.run(h.records, ctx).verdict).toBe('fail');
  });

  it('checks refunds against the final amount: acknowledged ones must all be there, info ones at most once', () => {
    const ok = new TestHistory();
    ok.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 30 }, { status: 201, resourceId: 're_1', body: {} });
    ok.request('refund', { key: 'r2', resourceId: 'pay_1', amount: 20 }, { status: undefined });
    ok.finalRead('pay_1', 'partially_refunded', 100, 100, 50);
    expect(exactlyOnce.run(ok.records, ctx).verdict).toBe('pass');
    const twice = new TestHistory();
    twice.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 30 }, { status: undefined });
    twice.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 30, intent: 'retry' }, { status: 201, resourceId: 're_2', body: {} });
    twice.finalRead('pay_1', 'partially_refunded', 100, 100, 60);
    const v = exactlyOnce.run(twice.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('more than once');
  });
});
