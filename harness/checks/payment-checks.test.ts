import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { lifecycleTransitions } from './lifecycle-transitions.js';
import { moneyInvariants } from './money-invariants.js';
import { judge, CHECKS } from './index.js';
import type { Check } from './types.js';

const profile = testProfile();
const ctx = { profile };

describe('lifecycle-transitions', () => {
  it('passes allowed moves and fails leaving a terminal state', () => {
    const h = new TestHistory();
    h.request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'requires_capture', 100, 0) });
    h.request('cancel', { key: 'x', resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'canceled', 100, 0) });
    expect(lifecycleTransitions.run(h.records, ctx).verdict).toBe('pass');
    h.request('capture', { key: 'y', resourceId: 'pay_1', amount: 100 }, { status: 200, body: h.payment('pay_1', 'succeeded', 100, 100) });
    const v = lifecycleTransitions.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toBe('Payment pay_1 moved from "canceled" (cancel #2) to "succeeded" (capture #3); "canceled" is terminal.');
  });

  it('does not order answers of overlapping requests', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) });
    h.at(20).request('refund', { key: 'r1', resourceId: 'pay_1', amount: 100, duration: 30 }, { status: 201, body: { payment: h.payment('pay_1', 'refunded', 100, 100, 100) } });
    h.at(21).request('get', { resourceId: 'pay_1', duration: 5 }, { status: 200, body: h.payment('pay_1', 'succeeded', 100, 100) });
    expect(lifecycleTransitions.run(h.records, ctx).verdict).toBe('pass');
  });
});

describe('money-invariants', () => {
  it('fails refunded above captured, from an answer or the final read', () => {
    const h = new TestHistory();
    h.request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) });
    expect(moneyInvariants.run(h.records, ctx).verdict).toBe('pass');
    h.finalRead('pay_1', 'refunded', 100, 100, 160);
    const v = moneyInvariants.run(h.records, ctx);
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('refunded 160 exceeds captured 100');
    expect(v.witnesses[0]!.records).toHaveLength(1);
  });

  it('fails a changed amount and a fractional amount', () => {
    const h = new TestHistory();
    h.request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) });
    h.finalRead('pay_1', 'succeeded', 100.5, 100);
    const summary = moneyInvariants.run(h.records, ctx).witnesses[0]!.summary;
    expect(summary).toContain('not a non-negative integer');
    expect(summary).toContain('changed from 100 to 100.5');
  });
});

describe('judge', () => {
  it('turns a crashing check into unknown with its error, and runs the others', () => {
    const crashing: Check = { name: 'crash', description: '', run: () => { throw new Error('boom'); } };
    CHECKS.length; // registry untouched: judge only takes registered names
    const verdicts = judge(new TestHistory().records, { profile }, ['money-invariants']);
    expect(verdicts[0]!.verdict).toBe('pass');
    // A registered check that throws on a malformed record.
    const h = new TestHistory().push({ kind: 'final-read', time: 1, target: 'default', resourceId: 'p', outcome: 'ok' } as never);
    (h.records as unknown[]).push(null);
    const v = judge(h.records, { profile }, ['lifecycle-transitions']);
    expect(v[0]!.verdict).toBe('unknown');
    expect(v[0]!.error).toMatch(/check crashed/);
    expect(() => crashing.run([], { profile })).toThrow('boom');
  });

  it('refuses an unknown check name with the list of known ones', () => {
    expect(() => judge([], { profile }, ['nope'])).toThrow(/unknown check "nope"/);
  });
});
