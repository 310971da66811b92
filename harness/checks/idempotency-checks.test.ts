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

  it('is unknown, saying why, when the first answer was lost and nothing else is comparable', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
    h.request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 409 });
    h.request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_1', body: {} });
    const v = idempotentReplay.run(h.records, ctx);
    expect(v.verdict).toBe('unknown');
    expect(v.judged).toBe(0);
    expect(v.error).toContain('no key was sent twice with a stored answer to compare against');
    expect(v.notJudged).toEqual([
      { reason: "repeat's answer not comparable (in flight)", count: 1 },
      { reason: 'first answer lost or not stored (nothing to compare)', count: 1 },
    ]);
  });

  it('compares a replay sent after the stored answer, even when the first answer was lost', () => {
    const h = new TestHistory();
    const body = h.payment('pay_1', 'succeeded', 100, 100);
    h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
    h.request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_1', body });
    h.request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, resourceId: 'pay_1', body });
    const v = idempotentReplay.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'pass', judged: 1, unit: 'replays' });
    h.request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, resourceId: 'pay_9', body });
    expect(idempotentReplay.run(h.records, ctx)).toMatchObject({ verdict: 'fail', judged: 2 });
  });

  it('tells a stored state error from an in-flight 409 by the code the profile\'s error rules name', () => {
    const coded = { ...profile, errors: [
      { status: 409, codePath: '$.code', code: 'busy', class: 'in-flight' as const },
      { status: 409, codePath: '$.code', code: 'invalid_state', class: 'invalid-state' as const },
    ] };
    const h = new TestHistory();
    // The first answer was lost, so a request may still be running: only the code says the 409s are stored state errors.
    h.at(0).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100 }, { status: undefined });
    h.at(50).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100, intent: 'retry' }, { status: 409, body: { code: 'invalid_state' } });
    h.at(60).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100, intent: 'replay' }, { status: 409, body: { code: 'invalid_state' } });
    expect(idempotentReplay.run(h.records, { profile: coded })).toMatchObject({ verdict: 'pass', judged: 1 });
    // By status alone (no rules) the same 409s may mean "in flight": nothing to compare.
    expect(idempotentReplay.run(h.records, ctx).verdict).toBe('unknown');
  });

  it('does not take a 409 for a stored answer when the copy was sent just before the original it met', () => {
    const h = new TestHistory();
    const body = h.payment('pay_1', 'succeeded', 100, 100);
    // The copy is sent first but arrives second: the provider says "in flight" while the original runs.
    h.at(0).request('refund', { key: 'k1', resourceId: 'pay_1', amount: 100, intent: 'concurrent-copy', duration: 5 }, { status: 409, body: { code: 'in_flight' } });
    h.at(1).request('refund', { key: 'k1', resourceId: 'pay_1', amount: 100, duration: 20 }, { status: 201, body, resourceId: 'pay_1' });
    h.at(100).request('refund', { key: 'k1', resourceId: 'pay_1', amount: 100, intent: 'replay' }, { status: 201, body, resourceId: 'pay_1' });
    const v = idempotentReplay.run(h.records, ctx);
    expect(v.witnesses.map((w) => w.summary)).toEqual([]);
    expect(v).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('compares a stored 409 (a state error, nothing in flight) but not a 409 that met a request in flight', () => {
    const h = new TestHistory();
    const conflict = { status: 409, code: 'invalid_state' };
    h.at(0).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100 }, { status: 409, body: conflict });
    h.at(50).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100, intent: 'replay' }, { status: 409, body: conflict });
    expect(idempotentReplay.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1 });
    h.at(100).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100, intent: 'replay' }, { status: 200, body: {} });
    expect(idempotentReplay.run(h.records, ctx).witnesses[0]!.summary).toContain('status 409 then 200');
    const overlapping = new TestHistory();
    overlapping.at(0).request('create', { key: 'k2', amount: 100, duration: 50 }, { status: 201, resourceId: 'pay_2', body: {} });
    overlapping.at(5).request('create', { key: 'k2', amount: 100, intent: 'concurrent-copy' }, { status: 409, body: { code: 'idempotency_key_in_use' } });
    expect(idempotentReplay.run(overlapping.records, ctx).notJudged).toEqual([{ reason: "repeat's answer not comparable (in flight)", count: 1 }]);
  });

  it('is unknown on a history where no key was sent twice', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    expect(idempotentReplay.run(h.records, ctx)).toMatchObject({ verdict: 'unknown', judged: 0, unit: 'replays' });
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

  it('does not judge a change sent while the original had no answer (info): unknown, saying why', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
    h.request('create', { key: 'k1', amount: 101, intent: 'payload-change' }, { status: 201, resourceId: 'pay_1', body: {} });
    const v = payloadMismatchRejected.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0, unit: 'changed payloads', notJudged: [{ reason: 'original answer unknown', count: 1 }] });
    expect(v.error).toMatch(/^no idempotency key was reused with a different payload.*\(not judged: original answer unknown: 1\)$/);
  });

  it('counts a judged change next to one that got no answer', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.request('create', { key: 'k1', amount: 101, intent: 'payload-change' }, { status: 422 });
    h.request('create', { key: 'k1', amount: 102, intent: 'payload-change' }, { status: undefined });
    const v = payloadMismatchRejected.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'pass', judged: 1, notJudged: [{ reason: 'changed request got no answer', count: 1 }] });
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
    expect(v).toMatchObject({ judged: 1, unit: 'concurrent groups' });
  });

  it('is unknown when no key was in flight twice at once', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.at(50).request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, resourceId: 'pay_1', body: {} });
    h.referenceCount('k1', ['pay_1']);
    const v = concurrentDuplicatesOnce.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.error).toContain('no idempotency key was in flight twice at once');
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

  it('fails an acknowledged create its listing does not show, saying when the listing was made, and a failed listing is no listing', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.at(520).referenceCount('k1', []);
    const v = exactlyOnce.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('no payment exists for its reference in the listing made 510 ms after that answer');
    expect(v.witnesses[0]!.records.map((r) => r.kind)).toEqual(['invoke', 'complete', 'reference-count']);
    // The same listing failed (a soak run records the failure so the flow settles): nothing was counted, nothing to fail.
    const failed = new TestHistory();
    failed.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    failed.push({ kind: 'reference-count', time: 520, target: 'default', reference: 'ref-k1', logicalId: 'k1', resourceIds: [], error: 'status 503' });
    expect(exactlyOnce.run(failed.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1 });
    // An acknowledged create without a readable id, never listed, in a run that listed another payment
    // (finalReads: duplicates lists only the payments sent twice): nothing says it does not exist.
    const unlisted = new TestHistory();
    unlisted.request('create', { key: 'e', amount: 100 }, { status: 201, body: {} });
    unlisted.request('create', { key: 'f', amount: 100 }, { status: 201, resourceId: 'pay_f', body: {} });
    unlisted.referenceCount('f', ['pay_f']);
    expect(exactlyOnce.run(unlisted.records, ctx)).toMatchObject({ verdict: 'pass', judged: 2 });
  });

  it('does not count a create whose answer was lost when no listing by reference covers it', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: undefined });
    h.request('create', { key: 'k2', amount: 100 }, { status: 201, resourceId: 'pay_2', body: {} });
    const v = exactlyOnce.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'pass', judged: 1, unit: 'keys' });
    expect(v.notJudged).toEqual([{ reason: 'create with a lost answer and no listing by reference (a second payment would be unseen)', count: 1 }]);
  });

  it('names refunds whose final refunded amount is unreadable as not judged', () => {
    const h = new TestHistory();
    h.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 30 }, { status: 201, resourceId: 're_1', body: {} });
    h.push({ kind: 'final-read', time: 50, target: 'default', resourceId: 'pay_1', outcome: 'ok', status: 200, paymentStatus: 'succeeded', amount: 100 });
    const v = exactlyOnce.run(h.records, ctx);
    expect(v.notJudged).toEqual([{ reason: "payment's refund total: refunded amount unreadable", count: 1 }]);
    expect(v.stats?.refundTotalsJudged).toBe(0);
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

  it('names the key by where the profile sends it: a header, or a body field', () => {
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: {} });
    h.request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_2', body: {} });
    h.referenceCount('k1', ['pay_1', 'pay_2']);
    expect(exactlyOnce.run(h.records, ctx).witnesses[0]!.summary).toMatch(/^Key k1 \(Idempotency-Key header\) \(create\) took effect 2 times/);
    const inBody = { ...profile, idempotency: { ...profile.idempotency, in: 'body' as const, name: 'idem_key' } };
    expect(exactlyOnce.run(h.records, { profile: inBody }).witnesses[0]!.summary).toMatch(/^Key k1 \(idem_key body field\) \(create\)/);
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
