import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { lifecycleTransitions } from './lifecycle-transitions.js';
import { moneyInvariants } from './money-invariants.js';
import { judge, judgeWith, CHECKS, inapplicableChecks, refuseInapplicableChecks } from './index.js';
import { viewOf } from './history-view.js';
import type { Check, CheckVerdict } from './types.js';

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

describe('lifecycle-transitions: what it judged', () => {
  it('counts creations and ordered status changes, and names overlapping ones as not judged', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) });
    h.at(20).request('refund', { key: 'r1', resourceId: 'pay_1', amount: 100, duration: 30 }, { status: 201, body: { payment: h.payment('pay_1', 'refunded', 100, 100, 100) } });
    h.at(21).request('get', { resourceId: 'pay_1', duration: 5 }, { status: 200, body: h.payment('pay_1', 'succeeded', 100, 100) });
    const v = lifecycleTransitions.run(h.records, ctx);
    // The creation, then the get (ordered after the create); the refund overlaps the get, ordered after the create too.
    expect(v).toMatchObject({ verdict: 'pass', judged: 3, unit: 'transitions' });
  });

  it('is unknown when no payment was seen', () => {
    const v = lifecycleTransitions.run(new TestHistory().records, ctx);
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(v.error).toContain('no payment was seen');
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

  it('judges payments, and names the ones whose refunded amount cannot be read', () => {
    const h = new TestHistory();
    h.request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) });
    h.request('create', { key: 'd', amount: 100 }, { status: 201, resourceId: 'pay_2', body: { id: 'pay_2', status: 'succeeded', amount: 100, amount_captured: 100 } });
    h.request('create', { key: 'e', amount: 100 }, { status: 201, resourceId: 'pay_3', body: { id: 'pay_3', status: 'succeeded' } });
    const v = moneyInvariants.run(h.records, ctx);
    expect(v).toMatchObject({ verdict: 'pass', judged: 2, unit: 'payments' });
    expect(v.notJudged).toEqual([
      { reason: "refunded amount unreadable from the payment's $.amount_refunded (refunded ≤ captured not checked)", count: 1 },
      { reason: 'payment with no readable amount', count: 1 },
    ]);
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
    expect(verdicts[0]!.verdict).toBe('unknown');
    expect(verdicts[0]!.error).toContain('no answer or final read showed a payment with a readable amount');
    // A registered check that throws on a malformed record.
    const h = new TestHistory().push({ kind: 'final-read', time: 1, target: 'default', resourceId: 'p', outcome: 'ok' } as never);
    (h.records as unknown[]).push(null);
    const v = judge(h.records, { profile }, ['lifecycle-transitions']);
    expect(v[0]!.verdict).toBe('unknown');
    expect(v[0]!.error).toMatch(/check crashed/);
    expect(() => crashing.run([], { profile })).toThrow('boom');
  });

  it('never lets a check pass that judged nothing or did not say what it judged', () => {
    const make = (verdict: Partial<CheckVerdict>): Check => ({ name: 'fake', description: '', run: () => ({ name: 'fake', verdict: 'pass', witnesses: [], ...verdict }) });
    const silent = judgeWith([make({})], [], { profile })[0]!;
    expect(silent.verdict).toBe('unknown');
    expect(silent.error).toMatch(/^judged nothing: the check did not say what it examined/);
    const zero = judgeWith([make({ judged: 0, unit: 'replays' })], [], { profile })[0]!;
    expect(zero).toMatchObject({ verdict: 'unknown', error: 'judged nothing (0 replays): there was nothing to decide on' });
    expect(judgeWith([make({ judged: 3, unit: 'replays' })], [], { profile })[0]!.verdict).toBe('pass');
    // A witness is a witness, whatever the count says.
    const witness = { summary: 'x', records: [] };
    expect(judgeWith([make({ verdict: 'fail', witnesses: [witness] })], [], { profile })[0]!.verdict).toBe('fail');
  });

  it('does not run a check that cannot apply to the profile: unknown with its reason', () => {
    let ran = false;
    const check: Check = {
      name: 'needs-signature', description: '', inapplicable: (p) => (p.webhooks?.signature === 'none' ? 'the profile declares signature: none' : undefined),
      run: () => ((ran = true), { name: 'needs-signature', verdict: 'pass', witnesses: [], judged: 1, unit: 'deliveries' }),
    };
    const unsigned = structuredClone(profile);
    unsigned.webhooks!.signature = 'none';
    const v = judgeWith([check], [], { profile: unsigned })[0]!;
    expect(v).toMatchObject({ verdict: 'unknown', error: 'cannot apply to this profile: the profile declares signature: none' });
    expect(ran).toBe(false);
    expect(judgeWith([check], [], { profile })[0]!.verdict).toBe('pass');
  });

  it('refuses, as bad input, a scenario that names a check that cannot apply', () => {
    const payment = CHECKS.find((c) => c.name === 'money-invariants')!;
    const saved = payment.inapplicable;
    (payment as { inapplicable?: Check['inapplicable'] }).inapplicable = () => 'the profile reads no amounts';
    try {
      expect(inapplicableChecks(profile, ['exactly-once', 'money-invariants'])).toEqual([{ check: 'money-invariants', reason: 'the profile reads no amounts' }]);
      expect(() => refuseInapplicableChecks(profile, 'refund-races', ['money-invariants'])).toThrow(
        expect.objectContaining({ exitCode: 3, code: 'E_CHECK_INAPPLICABLE', message: expect.stringContaining('scenario "refund-races" asks for check "money-invariants"') }),
      );
      expect(() => refuseInapplicableChecks(profile, 'x', ['exactly-once'])).not.toThrow();
    } finally {
      (payment as { inapplicable?: Check['inapplicable'] }).inapplicable = saved;
    }
  });

  it('takes a proxy event recorded twice (same proxy and seq) as one decision', () => {
    const h = new TestHistory();
    const decision = { kind: 'fault-decision', time: 5, target: 'default', proxy: 'p-api', toxic: 't', type: 'http_drop_response', action: 'drop_response', idempotencyKey: 'k1', seq: 7 } as const;
    h.push(decision).push({ ...decision, time: 6 }).push({ ...decision, proxy: 'p-callbacks' }).push({ ...decision, seq: 8 });
    h.push({ ...decision, seq: undefined }).push({ ...decision, seq: undefined });
    const view = viewOf(h.records, profile);
    expect(view.decisions.map((d) => `${d.proxy}:${d.seq ?? '-'}`)).toEqual(['p-api:7', 'p-callbacks:7', 'p-api:8', 'p-api:-', 'p-api:-']);
    expect(view.decisionRepeats.map((d) => `${d.proxy}:${d.seq}@${d.time}`)).toEqual(['p-api:7@6']);
  });

  it('refuses an unknown check name with the list of known ones', () => {
    expect(() => judge([], { profile }, ['nope'])).toThrow(/unknown check "nope"/);
  });
});
