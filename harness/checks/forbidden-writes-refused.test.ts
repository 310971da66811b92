import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { forbiddenWritesRefused } from './forbidden-writes-refused.js';
import { judge } from './index.js';
import type { ApiProfile } from '../config/profile-types.js';

const profile = testProfile();
const ctx = { profile };

/** A payment authorised (manual capture) at time 0, then captured: teaches the check what capture does. */
function authorised(h: TestHistory, id: string, amount = 1000): void {
  h.request('create', { key: `c-${id}`, amount }, { status: 201, resourceId: id, body: h.payment(id, 'requires_capture', amount, 0) });
}

/** One payment captured, refunded in part and another canceled: the run's own allowed moves. */
function allowedMoves(h: TestHistory): void {
  authorised(h, 'pay_ok');
  h.request('capture', { key: 'cap-ok', resourceId: 'pay_ok', amount: 1000 }, { status: 200, body: h.payment('pay_ok', 'succeeded', 1000, 1000) });
  h.request('refund', { key: 'ref-ok', resourceId: 'pay_ok', amount: 400 }, { status: 201, body: { payment: h.payment('pay_ok', 'partially_refunded', 1000, 1000, 400) } });
  authorised(h, 'pay_cx');
  h.request('cancel', { key: 'can-ok', resourceId: 'pay_cx' }, { status: 200, body: h.payment('pay_cx', 'canceled', 1000, 0) });
}

describe('forbidden-writes-refused', () => {
  it('passes when every forbidden write is refused, and counts them', () => {
    const h = new TestHistory();
    allowedMoves(h);
    authorised(h, 'pay_1');
    h.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 1000 }, { status: 409 });
    h.request('capture', { key: 'c1', resourceId: 'pay_1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    h.request('cancel', { key: 'x1', resourceId: 'pay_1' }, { status: 409 });
    h.request('capture', { key: 'c2', resourceId: 'pay_1', amount: 1000 }, { status: 409 });
    h.request('capture', { key: 'c3', resourceId: 'pay_cx', amount: 1000 }, { status: 409 });
    const v = forbiddenWritesRefused.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'pass', judged: 4, unit: 'forbidden writes', stats: { refused: 4 } });
  });

  it('fails a refund of an authorised payment answered 2xx, naming the state, when it was seen, and the amounts', () => {
    const h = new TestHistory();
    allowedMoves(h);
    h.at(100);
    authorised(h, 'pay_1', 2500);
    h.at(200).request('refund', { key: 'r1', resourceId: 'pay_1', amount: 2500 }, { status: 201, body: { payment: h.payment('pay_1', 'requires_capture', 2500, 0) } });
    const v = forbiddenWritesRefused.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toBe('Payment pay_1 was "requires_capture" (as create #6 answered at 110 ms: amount 2500, captured 0, refunded 0) when refund #7 of 2500 was sent at 200 ms, '
      + 'and it was accepted (201 at 210 ms); the lifecycle forbids that: refund leads to "partially_refunded", and the lifecycle allows only "succeeded", "canceled" from "requires_capture".');
    // The answer that showed the state, and the accepted write.
    expect(v.witnesses[0]!.records.map((r) => r.kind)).toEqual(['invoke', 'complete', 'invoke', 'complete']);
  });

  it('fails a capture of a canceled payment (terminal) once the run saw what capture does', () => {
    const h = new TestHistory();
    allowedMoves(h);
    authorised(h, 'pay_1');
    h.request('cancel', { key: 'x1', resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'canceled', 1000, 0) });
    h.request('capture', { key: 'c1', resourceId: 'pay_1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    const v = forbiddenWritesRefused.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('the lifecycle forbids that: "canceled" is terminal');
  });

  it('fails a second capture and a cancel of a captured payment', () => {
    const h = new TestHistory();
    allowedMoves(h);
    authorised(h, 'pay_1');
    h.request('capture', { key: 'c1', resourceId: 'pay_1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    h.request('capture', { key: 'c2', resourceId: 'pay_1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    authorised(h, 'pay_2');
    h.request('capture', { key: 'c3', resourceId: 'pay_2', amount: 1000 }, { status: 200, body: h.payment('pay_2', 'succeeded', 1000, 1000) });
    h.request('cancel', { key: 'x2', resourceId: 'pay_2' }, { status: 200, body: h.payment('pay_2', 'succeeded', 1000, 1000) });
    const v = forbiddenWritesRefused.run(h.records, ctx);
    expect(v.witnesses).toHaveLength(2);
    expect(v.witnesses[0]!.summary).toMatch(/^Payment pay_1 was "succeeded" \(as capture #7 answered at \d+ ms: amount 1000, captured 1000, refunded 0\) when capture #8 of 1000/);
    expect(v.witnesses[0]!.summary).toContain('capture leads to "succeeded", and the lifecycle allows only "partially_refunded", "refunded" from "succeeded"');
    expect(v.witnesses[1]!.summary).toContain('cancel leads to "canceled"');
  });

  it('does not judge a replay of an accepted write (its 2xx is the stored answer)', () => {
    const h = new TestHistory();
    allowedMoves(h);
    authorised(h, 'pay_1');
    h.request('capture', { key: 'c1', resourceId: 'pay_1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    h.request('capture', { key: 'c1', resourceId: 'pay_1', amount: 1000, intent: 'replay' }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    h.request('cancel', { key: 'x1', resourceId: 'pay_1' }, { status: 409 });
    expect(forbiddenWritesRefused.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('does not judge a write whose answer was lost, nor the writes after it while the state is not known for sure', () => {
    const h = new TestHistory();
    allowedMoves(h);
    authorised(h, 'pay_1');
    // The cancel's answer was lost: it may have canceled the payment, so the capture after it is not judged.
    h.request('cancel', { key: 'x1', resourceId: 'pay_1' }, { status: undefined });
    h.request('capture', { key: 'c1', resourceId: 'pay_1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    h.request('refund', { key: 'r9', resourceId: 'pay_1', amount: 1000 }, { status: undefined });
    const v = forbiddenWritesRefused.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.notJudged).toEqual([
      { reason: 'write whose answer was lost (it may or may not have taken effect)', count: 2 },
      { reason: 'state not known for sure when it was sent: an earlier write on the payment lost its answer', count: 1 },
    ]);
    expect(v.error).toContain('no capture, refund or cancel was sent while the payment was surely in a state the lifecycle forbids it in');
  });

  it('does not judge a write sent while another write on the payment was in flight', () => {
    const h = new TestHistory();
    allowedMoves(h);
    h.at(100);
    authorised(h, 'pay_1');
    h.at(200).request('capture', { key: 'c1', resourceId: 'pay_1', amount: 1000, duration: 50 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    h.at(210).request('capture', { key: 'c2', resourceId: 'pay_1', amount: 1000, duration: 50 }, { status: 409 });
    const v = forbiddenWritesRefused.run(h.records, ctx);
    expect(v.judged).toBe(0);
    expect(v.notJudged).toContainEqual({ reason: 'state not known for sure when it was sent: another write on the payment was in flight', count: 1 });
  });

  it('judges a retry accepted after a refusal against the state it was first sent in', () => {
    const h = new TestHistory();
    allowedMoves(h);
    authorised(h, 'pay_1');
    h.request('cancel', { key: 'x1', resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'canceled', 1000, 0) });
    h.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 1000 }, { status: 409 });
    h.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 1000, intent: 'retry' }, { status: 201, body: { payment: h.payment('pay_1', 'canceled', 1000, 0) } });
    const v = forbiddenWritesRefused.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('refund #9 of 1000 was sent at');
  });

  it('leaves a write the lifecycle allows alone, and works through another profile\'s state names', () => {
    const decimal: ApiProfile = { ...profile, lifecycle: {
      initial: ['authorized', 'captured'],
      transitions: { authorized: ['captured', 'voided'], captured: ['captured', 'refunded'] },
      terminal: ['refunded', 'voided'],
    } };
    const h = new TestHistory();
    h.request('create', { key: 'k', amount: 500 }, { status: 201, resourceId: 'p', body: h.payment('p', 'authorized', 500, 0) });
    h.request('capture', { key: 'c1', resourceId: 'p', amount: 200 }, { status: 200, body: h.payment('p', 'captured', 500, 200) });
    // This API allows captured → captured (partial captures): a second capture is no forbidden write.
    h.request('capture', { key: 'c2', resourceId: 'p', amount: 300 }, { status: 200, body: h.payment('p', 'captured', 500, 500) });
    h.request('cancel', { key: 'x', resourceId: 'p' }, { status: 200, body: h.payment('p', 'voided', 500, 500) });
    const v = forbiddenWritesRefused.run(h.records, { profile: decimal });
    // Nothing forbidden was sent: unknown (judged nothing), never a false fail.
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0, stats: { allowedWrites: 2 } });
    expect(v.notJudged).toEqual([{ reason: 'cancel in a non-terminal state, but no accepted cancel showed which state it leads to', count: 1 }]);
  });

  it('does not judge a write no accepted write showed moving a payment, even in a terminal state (refunds kept apart from the status)', () => {
    // A Stripe-like API: the payment stays "succeeded" (terminal in its profile) while refunds are their own objects.
    const stripeLike: ApiProfile = { ...profile, lifecycle: { initial: ['requires_capture', 'succeeded'], transitions: { requires_capture: ['succeeded', 'canceled'] }, terminal: ['succeeded', 'canceled'] } };
    const h = new TestHistory();
    h.request('create', { key: 'k', amount: 500 }, { status: 201, resourceId: 'p', body: h.payment('p', 'succeeded', 500, 500) });
    h.request('refund', { key: 'r1', resourceId: 'p', amount: 200 }, { status: 200, body: h.payment('p', 'succeeded', 500, 500) });
    const v = forbiddenWritesRefused.run(h.records, { profile: stripeLike });
    expect(v.verdict).not.toBe('fail');
    expect(v.notJudged?.[0]?.reason).toContain('no accepted refund showed which state it leads to');
  });

  it('is registered', () => {
    expect(judge(new TestHistory().records, ctx, ['forbidden-writes-refused'])[0]).toMatchObject({ verdict: 'unknown', judged: 0 });
  });
});
