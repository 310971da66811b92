import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { CHECK_NAMES } from './index.js';
import { StreamJudge, type StreamJudgeOptions } from './stream-judge.js';
import { comparableVerdict } from './stream-compare.js';
import { judgeRun } from '../run/verdict.js';
import type { HistoryRecord } from '../history/types.js';

const profile = testProfile();

/** A hand-built history as a run writes it: a run record naming one scenario with every check, every record stamped with it. */
function asRun(h: TestHistory, end: 'completed' | 'interrupted' = 'completed'): HistoryRecord[] {
  const [, ...rest] = h.records;
  const run: HistoryRecord = { kind: 'run', time: 0, target: 'default', runId: 'r', seed: 1, startedAt: new Date(0).toISOString(), meta: { profile, scenarios: [{ name: 's', checks: CHECK_NAMES.map((name) => ({ name })) }] } };
  const last = Math.max(0, ...rest.map((r) => r.time));
  return [run, ...rest.map((r) => ({ ...r, scenario: 's' })), { kind: 'run-end', time: last + 1, target: 'default', scenario: 's', status: end }];
}

function streamed(history: readonly HistoryRecord[], options: StreamJudgeOptions = {}): ReturnType<StreamJudge['end']> {
  const judge = new StreamJudge(options);
  for (const r of history) judge.push(r);
  return judge.end();
}

/** Streamed with flows held to the end, released one by one, and released as they settle, against judgeRun. */
function expectSameEveryWay(history: readonly HistoryRecord[]): void {
  const whole = comparableVerdict(judgeRun(history));
  expect(comparableVerdict(streamed(history))).toEqual(whole);
  expect(comparableVerdict(streamed(history, { batchFlows: 1 }))).toEqual(whole);
  expect(comparableVerdict(streamed(history, { batchFlows: 2, settleAfterMs: 1_000_000 }))).toEqual(whole);
}

const histories: Record<string, () => TestHistory> = {
  'clean flows with captures, refunds, reads and listings': () => {
    const h = new TestHistory();
    for (let i = 1; i <= 6; i++) {
      const pay = `pay_${i}`;
      h.request('create', { key: `c${i}`, amount: 100 }, { status: 201, resourceId: pay, body: h.payment(pay, i % 2 ? 'requires_capture' : 'succeeded', 100, i % 2 ? 0 : 100) });
      if (i % 2) h.request('capture', { key: `k${i}`, resourceId: pay, amount: 100 }, { status: 200, resourceId: pay, body: h.payment(pay, 'succeeded', 100, 100) });
      else h.request('refund', { key: `r${i}`, resourceId: pay, amount: 40 }, { status: 201, body: { id: `re_${i}`, payment: h.payment(pay, 'partially_refunded', 100, 100, 40) } });
      h.request('get', { resourceId: pay }, { status: 200, resourceId: pay, body: h.payment(pay, i % 2 ? 'succeeded' : 'partially_refunded', 100, 100, i % 2 ? 0 : 40) });
    }
    for (let i = 1; i <= 6; i++) h.referenceCount(`c${i}`, [`pay_${i}`]);
    for (let i = 1; i <= 6; i++) h.finalRead(`pay_${i}`, i % 2 ? 'succeeded' : 'partially_refunded', 100, 100, i % 2 ? 0 : 40);
    return h;
  },
  'info outcomes: lost answers with and without listings, retries that may have run once': () => {
    const h = new TestHistory();
    h.request('create', { key: 'a', amount: 100 }, { status: undefined });
    h.request('create', { key: 'a', amount: 100, intent: 'retry' }, { status: 201, resourceId: 'pay_a', body: h.payment('pay_a', 'succeeded', 100, 100) });
    h.request('create', { key: 'b', amount: 100 }, { status: undefined });
    h.request('create', { key: 'c', amount: 100 }, { status: 503 });
    h.request('create', { key: 'd', amount: 100 }, undefined);
    h.request('refund', { key: 'rf', resourceId: 'pay_a', amount: 50 }, { status: undefined });
    h.referenceCount('a', ['pay_a']);
    h.referenceCount('c', []);
    h.finalRead('pay_a', 'partially_refunded', 100, 100, 50);
    return h;
  },
  'a double charge, a changed payload served, a replay with another body, a refund beyond capture': () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'x', amount: 100, duration: 50 }, { status: 201, resourceId: 'pay_x1', body: h.payment('pay_x1', 'succeeded', 100, 100) });
    h.at(5).request('create', { key: 'x', amount: 100, intent: 'concurrent-copy', duration: 50 }, { status: 201, resourceId: 'pay_x2', body: h.payment('pay_x2', 'succeeded', 100, 100) });
    h.at(100).request('create', { key: 'm', amount: 100 }, { status: 201, resourceId: 'pay_m', body: h.payment('pay_m', 'succeeded', 100, 100) });
    h.request('create', { key: 'm', amount: 999, intent: 'payload-change' }, { status: 201, resourceId: 'pay_m', body: h.payment('pay_m', 'succeeded', 100, 100) });
    h.request('create', { key: 'p', amount: 100 }, { status: 201, resourceId: 'pay_p', body: h.payment('pay_p', 'succeeded', 100, 100) });
    h.request('create', { key: 'p', amount: 100, intent: 'replay' }, { status: 201, resourceId: 'pay_p', body: h.payment('pay_p', 'refunded', 100, 100, 100) });
    h.request('refund', { key: 'r1', resourceId: 'pay_p', amount: 80 }, { status: 201, body: { payment: h.payment('pay_p', 'refunded', 100, 100, 80) } });
    h.request('refund', { key: 'r2', resourceId: 'pay_p', amount: 80 }, { status: 201, body: { payment: h.payment('pay_p', 'refunded', 100, 100, 160) } });
    h.referenceCount('x', ['pay_x1', 'pay_x2']);
    h.finalRead('pay_p', 'refunded', 100, 100, 160);
    return h;
  },
  'a terminal state left, and callbacks (one badly signed)': () => {
    const h = new TestHistory();
    h.request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'requires_capture', 100, 0) });
    h.request('cancel', { key: 'x', resourceId: 'pay_1' }, { status: 200, body: h.payment('pay_1', 'canceled', 100, 0) });
    h.request('capture', { key: 'y', resourceId: 'pay_1', amount: 100 }, { status: 200, body: h.payment('pay_1', 'succeeded', 100, 100) });
    h.delivery('evt_1', 500, 500, { resourceId: 'pay_1' }).delivery('evt_1', 700, 200, { resourceId: 'pay_1' });
    h.delivery('evt_2', 800, 200, { resourceId: 'pay_1', signatureValid: false, signatureError: 'bad mac' });
    return h;
  },
  'every write refused (the workload guard)': () => {
    const h = new TestHistory();
    h.request('create', { key: 'a', amount: 100 }, { status: 401 });
    h.request('create', { key: 'b', amount: 100 }, { status: 401 });
    h.request('create', { key: 'c', amount: 100 }, { status: undefined });
    return h;
  },
  'nothing sent at all': () => new TestHistory(),
};

describe('streamed judgement equals judging the saved history', () => {
  for (const [name, build] of Object.entries(histories)) {
    it(name, () => {
      const history = asRun(build());
      expectSameEveryWay(history);
      expectSameEveryWay(asRun(build(), 'interrupted'));
    });
  }

  it('the hand-built histories are not all passes (the comparison has failures and unknowns to match)', () => {
    const verdicts = Object.values(histories).flatMap((b) => judgeRun(asRun(b())).scenarios[0]!.checks.map((c) => c.verdict));
    expect(verdicts).toContain('fail');
    expect(verdicts).toContain('unknown');
    expect(verdicts).toContain('pass');
  });

  it('keeps the first witnesses and counts the rest, judging flows as they settle', () => {
    const h = new TestHistory();
    for (let i = 0; i < 40; i++) {
      h.at(i * 1000).request('create', { key: `x${i}`, amount: 100 }, { status: 201, resourceId: `pay_${i}a`, body: h.payment(`pay_${i}a`, 'succeeded', 100, 100) });
      h.at(i * 1000 + 1).request('create', { key: `x${i}`, amount: 100, intent: 'retry' }, { status: 201, resourceId: `pay_${i}b`, body: h.payment(`pay_${i}b`, 'succeeded', 100, 100) });
    }
    const judge = new StreamJudge({ settleAfterMs: 100, batchFlows: 3, witnessLimit: 4 });
    const history = asRun(h);
    let liveAt = -1;
    history.forEach((r, i) => {
      judge.push(r);
      for (let pad = 0; pad < 300 && liveAt < 0; pad++) judge.push({ kind: 'lag', time: r.time, target: 'default', windowMs: 1, maxMs: 0, p99Ms: 0 });
      if (liveAt < 0 && judge.failures().length) liveAt = i;
    });
    // The double charges showed before the history ended.
    expect(liveAt).toBeGreaterThan(0);
    expect(liveAt).toBeLessThan(history.length / 2);
    expect(judge.heldFlows).toBeLessThan(40);
    const exactly = judge.end().scenarios[0]!.checks.find((c) => c.name === 'exactly-once')!;
    expect(exactly.verdict).toBe('fail');
    expect(exactly.witnesses).toHaveLength(4);
    expect(exactly.stats?.witnessesNotKept).toBe(36);
    expect(exactly.judged).toBe(40);
  });

  it('a record for a flow already judged makes a pass unknown, never a silent pass', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'a', amount: 100 }, { status: 201, resourceId: 'pay_a', body: h.payment('pay_a', 'succeeded', 100, 100) });
    const history = asRun(h);
    const judge = new StreamJudge({ settleAfterMs: 5, batchFlows: 1 });
    for (const r of history.slice(0, -1)) judge.push(r);
    for (let i = 0; i < 256; i++) judge.push({ kind: 'lag', time: 100, target: 'default', scenario: 's', windowMs: 1, maxMs: 0, p99Ms: 0 });
    judge.push({ kind: 'final-read', time: 200, target: 'default', scenario: 's', resourceId: 'pay_a', outcome: 'ok', status: 200, amount: 100, amountCaptured: 100, amountRefunded: 0, currency: 'EUR' });
    judge.push(history.at(-1)!);
    const money = judge.end().scenarios[0]!.checks.find((c) => c.name === 'money-invariants')!;
    expect(money.verdict).toBe('unknown');
    expect(money.error).toMatch(/arrived for flows already judged/);
  });
});
