import { describe, expect, it } from 'vitest';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { CHECK_NAMES } from './index.js';
import { StreamJudge, type StreamJudgeOptions } from './stream-judge.js';
import { comparableVerdict } from './stream-compare.js';
import { judgeRun } from '../run/verdict.js';
import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';

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

/** Sets the merchant of request `opId` and the headers of its answer. */
function shape(h: TestHistory, opId: number, { merchant, headers }: { merchant?: string; headers?: Record<string, string> }): void {
  if (merchant) h.records.find((r): r is OperationInvoke => r.kind === 'invoke' && r.opId === opId)!.merchant = merchant;
  if (headers) h.records.find((r): r is OperationComplete => r.kind === 'complete' && r.opId === opId)!.headers = headers;
}

const MARKED = { 'idempotent-replayed': 'true' };
const ghostRead = (h: TestHistory, time: number, resourceId: string): TestHistory =>
  h.push({ kind: 'final-read', time, target: 'default', resourceId, outcome: 'fail', status: 404, body: { code: 'payment_not_found' } });
const ghostEvent = (h: TestHistory, id: string, time: number, payment: string): TestHistory =>
  h.delivery(id, time, 200, { resourceId: payment, paymentStatus: 'succeeded', eventType: 'payment.created' });

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
  'acknowledged creates: one its own listing does not show, one without an id listed nowhere in a run that listed others': () => {
    const h = new TestHistory();
    h.request('create', { key: 'e', amount: 100 }, { status: 201, body: {} });
    h.request('create', { key: 'f', amount: 100 }, { status: 201, resourceId: 'pay_f', body: h.payment('pay_f', 'succeeded', 100, 100) });
    h.request('create', { key: 'g', amount: 100 }, { status: 201, resourceId: 'pay_g', body: h.payment('pay_g', 'succeeded', 100, 100) });
    h.referenceCount('f', ['pay_f']);
    h.referenceCount('g', []);
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
  'late replays kept and forgotten, marked and unmarked (keys-retained, replay-marked)': () => {
    const h = new TestHistory();
    const a = h.at(0).request('create', { key: 'a', amount: 100 }, { status: 201, resourceId: 'pay_a', body: h.payment('pay_a', 'succeeded', 100, 100) });
    shape(h, h.at(100).request('create', { key: 'b', amount: 100 }, { status: 201, resourceId: 'pay_b', body: h.payment('pay_b', 'succeeded', 100, 100) }), {});
    // A first answer marked as a replay, and an early replay (under a second: not a late one).
    shape(h, h.at(200).request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_c', body: h.payment('pay_c', 'succeeded', 100, 100) }), { headers: MARKED });
    shape(h, h.at(400).request('create', { key: 'c', amount: 100, intent: 'replay' }, { status: 201, resourceId: 'pay_c', body: h.payment('pay_c', 'succeeded', 100, 100) }), { headers: MARKED });
    // Key a kept (1.99 s later, marked); key b forgotten 4.99 s later (a new payment, unmarked): the longest delay is b's, not a sum.
    shape(h, h.at(2_000).request('create', { key: 'a', amount: 100, intent: 'replay' }, { status: 201, resourceId: 'pay_a', body: h.payment('pay_a', 'succeeded', 100, 100) }), { headers: MARKED });
    h.at(5_100).request('create', { key: 'b', amount: 100, intent: 'replay' }, { status: 201, resourceId: 'pay_b2', body: h.payment('pay_b2', 'succeeded', 100, 100) });
    expect(a).toBe(1);
    return h;
  },
  'late replays all kept and marked': () => {
    const h = new TestHistory();
    for (const [i, key] of ['a', 'b', 'c'].entries()) h.at(i * 10).request('create', { key, amount: 100 }, { status: 201, resourceId: `pay_${key}`, body: h.payment(`pay_${key}`, 'succeeded', 100, 100) });
    for (const [i, key] of ['a', 'b', 'c'].entries()) {
      shape(h, h.at(1_500 + i * 1_000).request('create', { key, amount: 100, intent: 'replay' }, { status: 201, resourceId: `pay_${key}`, body: h.payment(`pay_${key}`, 'succeeded', 100, 100) }), { headers: MARKED });
    }
    return h;
  },
  'keys shared by two merchants: one served the other\'s payment, one scoped, one half lost (keys-scoped-per-merchant)': () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'm1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) });
    shape(h, h.request('create', { key: 'm1', amount: 100 }, { status: 201, resourceId: 'pay_1', body: h.payment('pay_1', 'succeeded', 100, 100) }), { merchant: 'second', headers: MARKED });
    h.request('create', { key: 'm2', amount: 100 }, { status: 201, resourceId: 'pay_2', body: h.payment('pay_2', 'succeeded', 100, 100) });
    shape(h, h.request('create', { key: 'm2', amount: 100 }, { status: 201, resourceId: 'pay_3', body: h.payment('pay_3', 'succeeded', 100, 100) }), { merchant: 'second' });
    h.request('create', { key: 'm3', amount: 100 }, { status: 201, resourceId: 'pay_4', body: h.payment('pay_4', 'succeeded', 100, 100) });
    shape(h, h.request('create', { key: 'm3', amount: 100 }, { status: undefined }), { merchant: 'second' });
    return h;
  },
  'keys shared by two merchants, each scoped': () => {
    const h = new TestHistory();
    for (const key of ['m1', 'm2']) {
      h.request('create', { key, amount: 100 }, { status: 201, resourceId: `pay_${key}a`, body: h.payment(`pay_${key}a`, 'succeeded', 100, 100) });
      shape(h, h.request('create', { key, amount: 100 }, { status: 201, resourceId: `pay_${key}b`, body: h.payment(`pay_${key}b`, 'succeeded', 100, 100) }), { merchant: 'second' });
    }
    return h;
  },
  'events about payments that never existed, each naming the refused create sent last before it (events-match-payments)': () => {
    const h = new TestHistory();
    // Before any refused create: the witness names none.
    ghostEvent(h, 'evt_0', 5, 'pay_g0');
    h.at(10).request('create', { key: 'g1', amount: 100 }, { status: 500, body: { code: 'internal_error' } });
    ghostEvent(h, 'evt_1', 50, 'pay_g1');
    // Sent before the event, refused after it (an event sent before a commit that then failed).
    h.at(100).request('create', { key: 'g2', amount: 200, duration: 40 }, { status: 402, body: { code: 'card_declined' } });
    ghostEvent(h, 'evt_2', 120, 'pay_g2');
    // Two refused creates sent at one time: the later opId is named.
    h.at(300).request('create', { key: 'g3', amount: 300, duration: 5 }, { status: 500 });
    h.at(300).request('create', { key: 'g4', amount: 400, duration: 5 }, { status: 500 });
    ghostEvent(h, 'evt_3', 320, 'pay_g3');
    // Four witnesses: under the cap of five, so the streamed witnesses are compared one by one.
    for (const [i, id] of ['pay_g0', 'pay_g1', 'pay_g2', 'pay_g3'].entries()) ghostRead(h, 1_100 + i, id);
    return h;
  },
  'an event its payment contradicts, after a refused capture': () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'x', amount: 100 }, { status: 500 });
    h.at(400).request('create', { key: 'ok', amount: 100 }, { status: 201, resourceId: 'pay_ok', paymentStatus: 'requires_capture', body: h.payment('pay_ok', 'requires_capture', 100, 0) });
    h.delivery('evt_ok', 420, 200, { resourceId: 'pay_ok', paymentStatus: 'requires_capture', eventType: 'payment.authorized' });
    h.at(425).request('capture', { key: 'cap', resourceId: 'pay_ok', amount: 100 }, { status: 500 });
    h.delivery('evt_bad', 430, 200, { resourceId: 'pay_ok', paymentStatus: 'succeeded', eventType: 'payment.captured' });
    h.at(1_000).finalRead('pay_ok', 'requires_capture', 100, 0);
    return h;
  },
  'events that agree with their payments, refused creates besides': () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'r1', amount: 100 }, { status: 500 });
    h.at(100).request('create', { key: 'ok', amount: 100 }, { status: 201, resourceId: 'pay_ok', paymentStatus: 'succeeded', body: h.payment('pay_ok', 'succeeded', 100, 100) });
    h.delivery('evt_ok', 150, 200, { resourceId: 'pay_ok', paymentStatus: 'succeeded', eventType: 'payment.captured' });
    h.at(1_000).finalRead('pay_ok', 'succeeded', 100, 100);
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

  it('the checks that now stream fail and pass on these histories, with the witnesses the streamed judgement must match', () => {
    const seen = new Map<string, Set<string>>();
    for (const build of Object.values(histories)) {
      for (const c of judgeRun(asRun(build())).scenarios[0]!.checks) seen.set(c.name, (seen.get(c.name) ?? new Set()).add(c.verdict));
    }
    for (const name of ['keys-retained', 'replay-marked', 'keys-scoped-per-merchant', 'events-match-payments']) expect([...seen.get(name)!].sort(), name).toEqual(expect.arrayContaining(['fail', 'pass']));
    const checks = judgeRun(asRun(histories['events about payments that never existed, each naming the refused create sent last before it (events-match-payments)']!())).scenarios[0]!.checks;
    const summaries = checks.find((c) => c.name === 'events-match-payments')!.witnesses.map((w) => w.summary);
    expect(summaries.find((s) => s.includes('pay_g0'))).not.toMatch(/refused/);
    expect(summaries.find((s) => s.includes('pay_g1'))).toMatch(/create #1 of 100/);
    expect(summaries.find((s) => s.includes('pay_g2'))).toMatch(/create #2 of 200 .*got 402/);
    expect(summaries.find((s) => s.includes('pay_g3'))).toMatch(/create #4 of 400/);
    expect(summaries).toHaveLength(4);
    const retained = judgeRun(asRun(histories['late replays kept and forgotten, marked and unmarked (keys-retained, replay-marked)']!())).scenarios[0]!.checks.find((c) => c.name === 'keys-retained')!;
    expect(retained.stats).toMatchObject({ longestDelayMs: 4_990, minDelayMs: 1_000, lateReplaysJudged: 2 });
  });

  it('a batch that names refused creates waits for the creates still in flight when its flows settle', () => {
    const h = new TestHistory();
    // Create b is sent before the event and refused long after the event's flow has settled.
    h.at(0).request('create', { key: 'a', amount: 100 }, { status: 500 });
    const b = h.at(20).request('create', { key: 'b', amount: 200 });
    ghostEvent(h, 'evt_g', 30, 'pay_g');
    ghostRead(h, 100, 'pay_g');
    h.push({ kind: 'complete', time: 5_000, target: 'default', opId: b, outcome: 'fail', status: 402, body: { code: 'card_declined' } });
    const history = asRun(h);
    const whole = judgeRun(history);
    const judge = new StreamJudge({ settleAfterMs: 500, batchFlows: 1 });
    const pad = (time: number): void => {
      for (let i = 0; i < 256; i++) judge.push({ kind: 'lag', time, target: 'default', scenario: 's', windowMs: 1, maxMs: 0, p99Ms: 0 });
    };
    for (const r of history) {
      // Time passes between the final read and b's answer: the ghost flow settles and is released meanwhile.
      if (r.kind === 'complete' && r.opId === b) pad(2_000);
      judge.push(r);
    }
    const streamed = judge.end();
    expect(comparableVerdict(streamed)).toEqual(comparableVerdict(whole));
    const events = streamed.scenarios[0]!.checks.find((c) => c.name === 'events-match-payments')!;
    expect(events.verdict).toBe('fail');
    expect(events.witnesses[0]!.summary).toMatch(/create #2 of 200 .*got 402/);
  });

  it('events judged as they settle, among many refused creates, name the ones the whole history names', () => {
    const h = new TestHistory();
    const ghosts = new Map([[3, 50], [20, 50], [21, 20], [55, 50]]);
    for (let i = 0; i < 60; i++) {
      // Create 20 is answered 200 ms after it was sent: after ghost 20's event, and after create 21 was sent.
      h.at(i * 100).request('create', { key: `c${i}`, amount: 100 + i, duration: i === 20 ? 200 : 10 }, { status: 500 });
      const at = ghosts.get(i);
      if (at === undefined) continue;
      // A read of the ghost payment starts its flow (a flow that starts without a request looks late to the judge).
      h.at(i * 100 + at - 5).request('get', { resourceId: `pay_g${i}`, duration: 1 }, { status: 404 });
      ghostEvent(h, `evt_${i}`, i * 100 + at, `pay_g${i}`);
      ghostRead(h, i * 100 + at + 5, `pay_g${i}`);
    }
    const history = asRun(h);
    const whole = judgeRun(history);
    const judge = new StreamJudge({ settleAfterMs: 300, batchFlows: 1 });
    let released = 0;
    for (const r of history) {
      judge.push(r);
      for (let i = 0; i < 256; i++) judge.push({ kind: 'lag', time: r.time, target: 'default', scenario: 's', windowMs: 1, maxMs: 0, p99Ms: 0 });
      if (r.time > 3_000 && released === 0) released = 60 - judge.heldFlows;
    }
    // The early ghosts were judged long before the end, after the creates before them were dropped.
    expect(released).toBeGreaterThan(20);
    const streamed = judge.end();
    expect(comparableVerdict(streamed)).toEqual(comparableVerdict(whole));
    const summaries = streamed.scenarios[0]!.checks.find((c) => c.name === 'events-match-payments')!.witnesses.map((w) => w.summary).sort();
    expect(summaries).toHaveLength(4);
    // Creates 3, 20, 21 and 55 (opIds shifted by the reads before them).
    expect(summaries.map((s) => /create #(\d+)/.exec(s)?.[1])).toEqual(['22', '24', '4', '59']);
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
