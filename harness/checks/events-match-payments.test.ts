import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { eventsMatchPayments } from './events-match-payments.js';
import { lifecycleTransitions } from './lifecycle-transitions.js';
import type { ApiProfile } from '../config/profile-types.js';

const profile = testProfile();
const ctx = { profile };

/** A delivery of event `id` about `payment`, claiming `status`. */
function event(h: TestHistory, id: string, time: number, payment: string, status: string, type = 'payment.updated', answered = 200): TestHistory {
  return h.delivery(id, time, answered, { resourceId: payment, paymentStatus: status, eventType: type });
}

describe('events-match-payments', () => {
  it('passes events that agree with the payment, whatever order their retries arrive in', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', amount: 1000 }, { status: 201, body: h.payment('pay_1', 'succeeded', 1000, 1000), resourceId: 'pay_1', paymentStatus: 'succeeded' });
    h.at(100).request('refund', { key: 'r1', resourceId: 'pay_1', amount: 1000 }, { status: 201, body: { payment: h.payment('pay_1', 'refunded', 1000, 1000, 1000) } });
    // The created event's first attempt failed; its retry arrives after the refund's event.
    event(h, 'evt_c', 50, 'pay_1', 'succeeded', 'payment.created', 500);
    event(h, 'evt_r', 150, 'pay_1', 'refunded', 'payment.refunded');
    event(h, 'evt_c', 4_000, 'pay_1', 'succeeded', 'payment.created');
    h.at(5_000).finalRead('pay_1', 'refunded', 1000, 1000, 1000);
    expect(eventsMatchPayments.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 2, unit: 'events', stats: { stateClaims: 2 } });
    expect(lifecycleTransitions.run(h.records, ctx)).toMatchObject({ verdict: 'pass', stats: { eventTransitions: 3 } });
  });

  it('fails a success event for a capture answered 500 that left the payment authorised, naming amounts, states and times', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', amount: 1200 }, { status: 201, body: h.payment('pay_2', 'requires_capture', 1200, 0), resourceId: 'pay_2', paymentStatus: 'requires_capture' });
    // The commit failed: an error answer; the client's retry with the same key failed too (`info`: it may have taken effect).
    h.at(1_000).request('capture', { key: 'k2', resourceId: 'pay_2', amount: 1200 }, { status: 500, body: { code: 'internal_error' } });
    event(h, 'evt_1', 1_020, 'pay_2', 'succeeded', 'payment.captured');
    h.at(1_100).request('capture', { key: 'k2', resourceId: 'pay_2', amount: 1200 }, { status: undefined });
    h.at(3_000).finalRead('pay_2', 'requires_capture', 1200, 0);
    const v = eventsMatchPayments.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    const summary = v.witnesses[0]!.summary;
    expect(summary).toContain('Event evt_1 (payment.captured, first delivered at +1.02 s) says payment pay_2 is "succeeded"');
    expect(summary).toContain('"requires_capture" (amount 1200, captured 0, refunded 0) in the final read at +3.00 s');
    expect(summary).toContain('capture #2 of 1200');
    expect(summary).toContain('got 500 at +1.01 s');
    expect(v.witnesses[0]!.records.map((r) => r.kind)).toEqual(['delivery', 'invoke', 'complete', 'final-read']);
    // The events alone are in a lawful order: the lifecycle check leaves this to events-match-payments.
    expect(lifecycleTransitions.run(h.records, ctx).verdict).toBe('pass');
  });

  it('fails an event about a payment that never existed, naming the create that was answered with an error', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', amount: 700 }, { status: 500, body: { code: 'internal_error' } });
    event(h, 'evt_ghost', 30, 'pay_ghost', 'succeeded', 'payment.created');
    h.at(2_000).push({ kind: 'final-read', time: 2_000, target: 'default', resourceId: 'pay_ghost', outcome: 'fail', status: 404, body: { code: 'payment_not_found' } });
    const v = eventsMatchPayments.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('is about payment pay_ghost in "succeeded", which never existed');
    expect(v.witnesses[0]!.summary).toContain('answered 404');
    expect(v.witnesses[0]!.summary).toContain('create #1 of 700');
  });

  it('judges a payment whose create answer was lost (`info`) through its listing and final read', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', logicalId: 'l1', amount: 500 }, { status: undefined });
    event(h, 'evt_a', 40, 'pay_4', 'succeeded', 'payment.created');
    h.at(1_000).referenceCount('l1', ['pay_4']).finalRead('pay_4', 'succeeded', 500, 500);
    expect(eventsMatchPayments.run(h.records, ctx)).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('does not blame an event for what the API showed before it arrived', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', amount: 900 }, { status: 201, body: h.payment('pay_5', 'requires_capture', 900, 0), resourceId: 'pay_5', paymentStatus: 'requires_capture' });
    h.at(100).request('capture', { key: 'k5', resourceId: 'pay_5' }, { status: 200, body: h.payment('pay_5', 'succeeded', 900, 900), paymentStatus: 'succeeded' });
    // The create's event came late: every answer it could contradict was asked for before it arrived.
    event(h, 'evt_late', 3_000, 'pay_5', 'requires_capture', 'payment.created');
    h.at(2_000).finalRead('pay_5', 'succeeded', 900, 900);
    expect(eventsMatchPayments.run(h.records, ctx).verdict).toBe('pass');
  });

  it('fails two events claiming states the payment cannot both have been in, in both checks', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', amount: 300 }, { status: 201, body: h.payment('pay_6', 'requires_capture', 300, 0), resourceId: 'pay_6', paymentStatus: 'requires_capture' });
    event(h, 'evt_x', 50, 'pay_6', 'canceled', 'payment.canceled');
    event(h, 'evt_y', 60, 'pay_6', 'succeeded', 'payment.captured');
    const v = eventsMatchPayments.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses.map((w) => w.summary).join(' ')).toContain('says "canceled" and event evt_y (payment.captured, first delivered at +0.06 s) says "succeeded"');
    const lifecycle = lifecycleTransitions.run(h.records, ctx);
    expect(lifecycle.verdict).toBe('fail');
    expect(lifecycle.witnesses[0]!.summary).toContain('cannot have moved through both');
  });

  it('lifecycle-transitions fails an event claiming a state the created payment cannot reach', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', amount: 300 }, { status: 201, body: h.payment('pay_7', 'succeeded', 300, 300), resourceId: 'pay_7', paymentStatus: 'succeeded' });
    event(h, 'evt_z', 50, 'pay_7', 'requires_capture', 'payment.created');
    const v = lifecycleTransitions.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('was created "succeeded" (create #1), but event evt_z');
  });

  it('is unknown, saying why, when no event names a payment it can see or read back', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c1', amount: 300 }, { status: undefined });
    event(h, 'evt_q', 50, 'pay_unread', 'succeeded');
    h.delivery('evt_n', 60, 200, { eventType: 'ping' });
    const v = eventsMatchPayments.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.error).toContain('no delivered event named a payment');
    expect(v.notJudged).toEqual([
      { reason: 'event about a payment no answer showed and the run could not read back', count: 1 },
      { reason: 'event naming no payment (webhooks.resourceIdPath found nothing)', count: 1 },
    ]);
  });

  it('cannot apply to a profile without webhooks', () => {
    const noHooks: ApiProfile = structuredClone(profile);
    delete noHooks.webhooks;
    expect(eventsMatchPayments.inapplicable!(noHooks)).toContain('no webhooks');
  });
});
