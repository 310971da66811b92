import { describe, expect, it } from 'vitest';
import type { OperationComplete, OperationInvoke } from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';
import { keysScopedPerMerchant } from './keys-scoped-per-merchant.js';
import { judge } from './index.js';
import { TestHistory, testProfile } from './test-support/test-history.js';

const profile = testProfile();
const body = { amount: 1250, currency: 'EUR', reference: 'order-1' };

/** A create with key `k` sent as `merchant` (undefined: the default one), answered as given. */
function create(h: TestHistory, merchant: string | undefined, answer?: Parameters<TestHistory['request']>[2], headers?: Record<string, string>): number {
  const opId = h.request('create', { key: 'k', body, amount: 1250 }, answer);
  const invoke = h.records.find((r): r is OperationInvoke => r.kind === 'invoke' && r.opId === opId)!;
  if (merchant) invoke.merchant = merchant;
  const complete = h.records.find((r): r is OperationComplete => r.kind === 'complete' && r.opId === opId);
  if (complete && headers) complete.headers = headers;
  return opId;
}

const run = (h: TestHistory) => keysScopedPerMerchant.run(h.records, { profile });

describe('keys-scoped-per-merchant', () => {
  it('passes when two merchants sending one key each get a resource of their own', () => {
    const h = new TestHistory();
    create(h, undefined, { status: 201, resourceId: 'pay_a' });
    create(h, 'second', { status: 201, resourceId: 'pay_b' });
    const v = run(h);
    expect(v).toMatchObject({ verdict: 'pass', judged: 1, unit: 'keys shared by merchants' });
  });

  it('fails when the second merchant receives the first one\'s resource, naming both merchants and the resource', () => {
    const h = new TestHistory();
    create(h, undefined, { status: 201, resourceId: 'pay_a' });
    create(h, 'second', { status: 201, resourceId: 'pay_a' }, { 'idempotent-replayed': 'true' });
    const v = run(h);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toMatch(/merchant second received pay_a, the resource merchant default's request created/);
    // The replay marker on its first request says the same from another side.
    expect(v.witnesses.some((w) => /first request merchant second sent with key k \(Idempotency-Key header\) was answered as a replay/.test(w.summary))).toBe(true);
  });

  it('fails when an unchanged request is refused as a payload mismatch (another merchant\'s payload was compared)', () => {
    const h = new TestHistory();
    create(h, undefined, { status: 201, resourceId: 'pay_a' });
    h.request('create', { key: 'k', body: { ...body, reference: 'order-2' } }, { status: 422 });
    (h.records.at(-2) as OperationInvoke).merchant = 'second';
    const v = run(h);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toMatch(/merchant second sent key k \(Idempotency-Key header\) with one payload only, yet was refused .*\(422\)/);
  });

  it('does not take a replay marker on a retry after a lost answer for a leak', () => {
    const h = new TestHistory();
    create(h, undefined, { status: 201, resourceId: 'pay_a' });
    create(h, 'second', { status: undefined });
    create(h, 'second', { status: 201, resourceId: 'pay_b' }, { 'idempotent-replayed': 'true' });
    expect(run(h)).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('says unknown, with the reason, when one merchant\'s requests were all lost (info)', () => {
    const h = new TestHistory();
    create(h, undefined, { status: 201, resourceId: 'pay_a' });
    create(h, 'second', { status: undefined });
    create(h, 'second', { status: 503 , outcome: 'info' });
    const lost = new TestHistory();
    create(lost, undefined, { status: 201, resourceId: 'pay_a' });
    create(lost, 'second', { status: undefined });
    const v = run(lost);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.notJudged).toEqual([{ reason: 'fewer than two merchants got an answer (requests lost or unanswered)', count: 1 }]);
    expect(v.error).toMatch(/no idempotency key was sent by two merchants/);
    // A 503 is an answer: the key is judged (no resource was leaked).
    expect(run(h)).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('judges nothing from keys only one merchant sent', () => {
    const h = new TestHistory();
    create(h, undefined, { status: 201, resourceId: 'pay_a' });
    create(h, undefined, { status: 201, resourceId: 'pay_a' });
    expect(run(h)).toMatchObject({ verdict: 'unknown', judged: 0 });
  });

  it('is inapplicable to a profile with one merchant', () => {
    const single: ApiProfile = { ...profile, merchants: undefined };
    expect(keysScopedPerMerchant.inapplicable!(single)).toMatch(/one merchant \(default\)/);
    expect(keysScopedPerMerchant.inapplicable!(profile)).toBeUndefined();
    expect(judge([], { profile: single }, ['keys-scoped-per-merchant'])[0]).toMatchObject({ verdict: 'unknown', judged: 0 });
  });
});
