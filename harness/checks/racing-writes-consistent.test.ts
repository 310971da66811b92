import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { racingWritesConsistent } from './racing-writes-consistent.js';
import { judge } from './index.js';

const profile = testProfile();
const ctx = { profile };

/** An authorised payment (manual capture) created at `time`. */
function authorised(h: TestHistory, id: string, time: number, amount = 1000): void {
  h.at(time).request('create', { key: `c-${id}`, amount }, { status: 201, resourceId: id, body: h.payment(id, 'requires_capture', amount, 0) });
}

/** Two writes sent 5 ms apart, each taking 40 ms: they overlap, so their order is unknown. */
function race(h: TestHistory, id: string, time: number, a: Parameters<TestHistory['request']>, b: Parameters<TestHistory['request']>): void {
  h.at(time).request(a[0], { ...a[1], resourceId: id, duration: 40 }, a[2]);
  h.at(time + 5).request(b[0], { ...b[1], resourceId: id, duration: 40 }, b[2]);
}

describe('racing-writes-consistent', () => {
  it('passes a capture race where one capture won and the payment ends captured', () => {
    const h = new TestHistory();
    authorised(h, 'pay_1', 0, 2500);
    race(h, 'pay_1', 100,
      ['capture', { key: 'k1', amount: 2500 }, { status: 200, body: h.payment('pay_1', 'succeeded', 2500, 2500) }],
      ['capture', { key: 'k2', amount: 2500 }, { status: 409 }]);
    h.at(200).request('get', { resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'succeeded', 2500, 2500) });
    expect(racingWritesConsistent.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1, unit: 'races', stats: { settledChecked: 1 } });
  });

  it('fails two captures with different keys both accepted, naming the amounts, answers and times', () => {
    const h = new TestHistory();
    authorised(h, 'pay_1', 0, 2500);
    race(h, 'pay_1', 100,
      ['capture', { key: 'k1', amount: 2500 }, { status: 200, body: h.payment('pay_1', 'succeeded', 2500, 2500) }],
      ['capture', { key: 'k2', amount: 2500 }, { status: 200, body: h.payment('pay_1', 'succeeded', 2500, 2500) }]);
    const v = racingWritesConsistent.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toBe('2 writes raced on payment pay_1 ("requires_capture" as create #1 answered at 10 ms: amount 2500, captured 0, refunded 0): '
      + 'capture #2 of 2500 (200 at 140 ms → "succeeded"), capture #3 of 2500 (200 at 145 ms → "succeeded"); '
      + '2 were accepted, but no order of them is one the lifecycle allows from "requires_capture" (at most one of them may take effect).');
    expect(v.witnesses[0]!.records).toHaveLength(4);
  });

  it('fails a capture and a cancel both accepted', () => {
    const h = new TestHistory();
    authorised(h, 'pay_1', 0);
    race(h, 'pay_1', 100,
      ['capture', { key: 'k1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) }],
      ['cancel', { key: 'k2' }, { status: 200, body: h.payment('pay_1', 'canceled', 1000, 0) }]);
    expect(racingWritesConsistent.run(h.records, ctx).witnesses[0]!.summary).toContain('cancel #3 (200 at 145 ms → "canceled"); 2 were accepted');
  });

  it('fails when the payment ends in a state the accepted answers do not explain', () => {
    const h = new TestHistory();
    authorised(h, 'pay_1', 0);
    race(h, 'pay_1', 100,
      ['capture', { key: 'k1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) }],
      ['cancel', { key: 'k2' }, { status: 409 }]);
    h.at(300).request('get', { resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'canceled', 1000, 0) });
    const v = racingWritesConsistent.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('their answers leave the payment "succeeded", but it was "canceled" when get #4 answered at 310 ms: amount 1000, captured 0, refunded 0.');
  });

  it('checks the end state of a race that followed earlier writes, and skips it when a later write may have moved the payment', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c', amount: 1000 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    h.at(20).request('refund', { key: 'r0', resourceId: 'pay_1', amount: 100 }, { status: 201, body: { payment: h.payment('pay_1', 'partially_refunded', 1000, 1000, 100) } });
    race(h, 'pay_1', 100,
      ['refund', { key: 'r1', amount: 600 }, { status: 201, body: { payment: h.payment('pay_1', 'partially_refunded', 1000, 1000, 700) } }],
      ['refund', { key: 'r2', amount: 600 }, { status: 409 }]);
    h.at(300).request('get', { resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'refunded', 1000, 1000, 1000) });
    expect(racingWritesConsistent.run(h.records, ctx).witnesses[0]!.summary).toContain('their answers leave the payment "partially_refunded", but it was "refunded"');
    // A refund sent after the race, whose answer was lost, may explain the refunded payment: not judged.
    h.at(250).request('refund', { key: 'r3', resourceId: 'pay_1', amount: 300 }, { status: undefined });
    expect(racingWritesConsistent.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1, stats: { settledChecked: 0 } });
  });

  it('lets a write whose answer was lost have taken effect or not, and does not fail on it', () => {
    const h = new TestHistory();
    authorised(h, 'pay_0', 0);
    h.at(20).request('cancel', { key: 'teach', resourceId: 'pay_0' }, { status: 200, body: h.payment('pay_0', 'canceled', 1000, 0) });
    authorised(h, 'pay_1', 50);
    // The capture was refused; the cancel's answer was lost (info) and later the payment is canceled: explained.
    race(h, 'pay_1', 100,
      ['cancel', { key: 'k2' }, { status: undefined }],
      ['capture', { key: 'k1', amount: 1000 }, { status: 409 }]);
    h.at(300).request('get', { resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'canceled', 1000, 0) });
    expect(racingWritesConsistent.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('does not judge a race whose lost write no run answer showed the effect of', () => {
    const h = new TestHistory();
    authorised(h, 'pay_1', 0);
    race(h, 'pay_1', 100,
      ['cancel', { key: 'k2' }, { status: undefined }],
      ['capture', { key: 'k1', amount: 1000 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1000, 1000) }]);
    const v = racingWritesConsistent.run(h.records, ctx);
    // The capture alone is allowed: the race is judged; the lost cancel's effect is unknown, so the end state is not.
    expect(v).toMatchObject({ verdict: 'pass', judged: 1, stats: { settledChecked: 0 } });
  });

  it('does not judge a race that began while the state was not known for sure', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c', amount: 1000 }, { status: undefined });
    race(h, 'pay_9', 100,
      ['capture', { key: 'k1', amount: 1000 }, { status: 200, body: h.payment('pay_9', 'succeeded', 1000, 1000) }],
      ['capture', { key: 'k2', amount: 1000 }, { status: 200, body: h.payment('pay_9', 'succeeded', 1000, 1000) }]);
    const v = racingWritesConsistent.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.notJudged).toEqual([{ reason: 'race: no answer had shown the payment before it was sent', count: 1 }]);
  });

  it('passes refunds racing where only as many as fit were accepted', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c', amount: 1000 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 1000, 1000) });
    race(h, 'pay_1', 100,
      ['refund', { key: 'r1', amount: 600 }, { status: 201, body: { payment: h.payment('pay_1', 'partially_refunded', 1000, 1000, 600) } }],
      ['refund', { key: 'r2', amount: 600 }, { status: 409 }]);
    h.at(300).request('get', { resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'partially_refunded', 1000, 1000, 600) });
    expect(racingWritesConsistent.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('is registered', () => {
    expect(judge(new TestHistory().records, ctx, ['racing-writes-consistent'])[0]).toMatchObject({ verdict: 'unknown', judged: 0 });
  });
});
