import { describe, expect, it } from 'vitest';
import type { ApiProfile } from '../config/profile-types.js';
import type { OperationComplete } from '../history/types.js';
import { TestHistory, testProfile } from './test-support/test-history.js';
import { idempotentReplay } from './idempotent-replay.js';
import { keysRetained } from './keys-retained.js';
import { replayMarked } from './replay-marked.js';
import { judge } from './index.js';

const profile = testProfile();
const coded: ApiProfile = {
  ...profile,
  errors: [
    { status: 409, codePath: '$.code', code: 'idempotency_key_in_use', class: 'in-flight' },
    { status: 409, codePath: '$.code', code: 'invalid_state', class: 'invalid-state' },
    { status: 422, codePath: '$.code', code: 'idempotency_key_reused', class: 'mismatch' },
    { status: 400, class: 'validation' },
  ],
};

/** Sets response headers on the answer to request `opId` (TestHistory records none). */
function withHeaders(h: TestHistory, opId: number, headers: Record<string, string>): void {
  const complete = h.records.find((r): r is OperationComplete => r.kind === 'complete' && r.opId === opId);
  complete!.headers = headers;
}

/** An authorised payment captured later; the create is replayed at the end of the flow. */
function createCaptureReplay(h: TestHistory, replayBody: unknown, replayStatus = 201): void {
  h.at(0).request('create', { key: 'k-create', amount: 1250 }, { status: 201, body: h.payment('pay_1', 'requires_capture', 1250, 0), resourceId: 'pay_1' });
  h.at(100).request('capture', { key: 'k-capture', resourceId: 'pay_1', amount: 1250 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1250, 1250), resourceId: 'pay_1' });
  h.at(2_500).request('create', { key: 'k-create', amount: 1250, intent: 'replay' }, { status: replayStatus, body: replayBody, resourceId: 'pay_1' });
}

describe('idempotent-replay after the payment changed', () => {
  it('names the mapped fields that moved and the write that moved them when a replay re-renders the current payment', () => {
    const h = new TestHistory();
    createCaptureReplay(h, h.payment('pay_1', 'succeeded', 1250, 1250), 200);
    const v = idempotentReplay.run(h.records, { profile });
    expect(v.verdict).toBe('fail');
    const summary = v.witnesses[0]!.summary;
    expect(summary).toContain('status 201 then 200');
    expect(summary).toContain('status requires_capture then succeeded');
    expect(summary).toContain('amountCaptured 0 then 1250');
    expect(summary).toMatch(/after capture #2 \(200 at 0\.11 s\) changed the payment/);
    expect(summary).toContain('at 2.50 s');
  });

  it('passes when the late replay returns the stored answer though the payment moved on', () => {
    const h = new TestHistory();
    createCaptureReplay(h, h.payment('pay_1', 'requires_capture', 1250, 0));
    expect(idempotentReplay.run(h.records, { profile })).toMatchObject({ verdict: 'pass', judged: 1 });
  });

  it('compares a stored 4xx by error class and code, not by its wording', () => {
    const h = new TestHistory();
    h.at(0).request('refund', { key: 'k-early', resourceId: 'pay_1', amount: 500 }, { status: 409, body: { code: 'invalid_state', detail: 'status is requires_capture' } });
    h.at(100).request('capture', { key: 'k-cap', resourceId: 'pay_1', amount: 1250 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1250, 1250), resourceId: 'pay_1' });
    h.at(300).request('refund', { key: 'k-early', resourceId: 'pay_1', amount: 500, intent: 'replay' }, { status: 409, body: { code: 'invalid_state', detail: 'status is succeeded' } });
    const v = idempotentReplay.run(h.records, { profile: coded });
    expect(v).toMatchObject({ verdict: 'pass', judged: 1, stats: { storedErrorsCompared: 1 } });
  });

  it('fails when a stored 4xx is executed again on replay and succeeds', () => {
    const h = new TestHistory();
    h.at(0).request('refund', { key: 'k-early', resourceId: 'pay_1', amount: 500 }, { status: 409, body: { code: 'invalid_state' } });
    h.at(100).request('capture', { key: 'k-cap', resourceId: 'pay_1', amount: 1250 }, { status: 200, body: h.payment('pay_1', 'succeeded', 1250, 1250), resourceId: 'pay_1' });
    h.at(300).request('refund', { key: 'k-early', resourceId: 'pay_1', amount: 500, intent: 'replay' },
      { status: 201, body: { payment: h.payment('pay_1', 'partially_refunded', 1250, 1250, 500) } });
    const v = idempotentReplay.run(h.records, { profile: coded });
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('status 409 then 201');
    expect(v.witnesses[0]!.summary).toContain('409 (invalid-state, code invalid_state)');
    expect(v.witnesses[0]!.summary).toContain('amountRefunded 500');
  });

  it('tells a different code under one status apart', () => {
    const h = new TestHistory();
    h.at(0).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100 }, { status: 409, body: { code: 'invalid_state' } });
    h.at(50).request('capture', { key: 'k1', resourceId: 'pay_1', amount: 100, intent: 'replay' }, { status: 409, body: { code: 'other' } });
    expect(idempotentReplay.run(h.records, { profile: coded }).witnesses[0]!.summary).toContain('code invalid_state then other');
  });

  it('does not judge a replay whose answer was lost (info)', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'k1', amount: 100 }, { status: 201, body: h.payment('pay_1', 'succeeded', 100, 100), resourceId: 'pay_1' });
    h.at(2_000).request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: undefined });
    const v = idempotentReplay.run(h.records, { profile });
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0, notJudged: [{ reason: "repeat's answer not comparable (no status)", count: 1 }] });
  });
});

describe('keys-retained', () => {
  it('fails naming the delay when a late replay ran again (a new id)', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'k1', amount: 1250 }, { status: 201, body: h.payment('pay_1', 'succeeded', 1250, 1250), resourceId: 'pay_1' });
    h.at(2_510).request('create', { key: 'k1', amount: 1250, intent: 'replay' }, { status: 201, body: h.payment('pay_2', 'succeeded', 1250, 1250), resourceId: 'pay_2' });
    const v = keysRetained.run(h.records, { profile });
    expect(v).toMatchObject({ verdict: 'fail', judged: 1, unit: 'late replays' });
    expect(v.witnesses[0]!.summary).toContain('replayed 2.50 s after its stored answer (inside the declared retention of 86400 s)');
    expect(v.witnesses[0]!.summary).toContain('id pay_1 then pay_2');
    const undeclared: ApiProfile = { ...profile, idempotency: { ...profile.idempotency, retentionSeconds: undefined } };
    expect(keysRetained.run(h.records, { profile: undeclared }).witnesses[0]!.summary).toContain('(no retention declared)');
  });

  it('passes a late replay that returns the stored answer, and ignores early replays', () => {
    const h = new TestHistory();
    const body = h.payment('pay_1', 'succeeded', 1250, 1250);
    h.at(0).request('create', { key: 'k1', amount: 1250 }, { status: 201, body, resourceId: 'pay_1' });
    h.at(50).request('create', { key: 'k1', amount: 1250, intent: 'replay' }, { status: 201, body: {}, resourceId: 'pay_9' });
    h.at(3_000).request('create', { key: 'k1', amount: 1250, intent: 'replay' }, { status: 201, body, resourceId: 'pay_1' });
    expect(keysRetained.run(h.records, { profile })).toMatchObject({ verdict: 'pass', judged: 1, stats: { lateReplaysJudged: 1 } });
  });

  it('does not judge replays after the declared retention, nor lost (info) answers: unknown, saying why', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'k1', amount: 100 }, { status: 201, body: h.payment('pay_1', 'succeeded', 100, 100), resourceId: 'pay_1' });
    h.at(3_000).request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, body: {}, resourceId: 'pay_2' });
    h.at(4_000).request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: undefined });
    const short: ApiProfile = { ...profile, idempotency: { ...profile.idempotency, retentionSeconds: 2 } };
    const v = keysRetained.run(h.records, { profile: short });
    expect(v).toMatchObject({ verdict: 'unknown', judged: 0, notJudged: [{ reason: 'replayed after the declared retention', count: 1 }] });
    expect(v.error).toContain('no key was replayed 1.00 s or more after its stored answer');
  });

  it('takes its lateness threshold from the scenario (minDelayMs)', () => {
    const h = new TestHistory();
    const body = h.payment('pay_1', 'succeeded', 100, 100);
    h.at(0).request('create', { key: 'k1', amount: 100 }, { status: 201, body, resourceId: 'pay_1' });
    h.at(300).request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, body, resourceId: 'pay_1' });
    expect(keysRetained.run(h.records, { profile }).verdict).toBe('unknown');
    expect(keysRetained.run(h.records, { profile, options: { minDelayMs: 200 } })).toMatchObject({ verdict: 'pass', judged: 1 });
  });
});

describe('replay-marked', () => {
  const header = { 'idempotent-replayed': 'true' };

  it('passes when replays carry the header and first answers do not', () => {
    const h = new TestHistory();
    const body = h.payment('pay_1', 'succeeded', 100, 100);
    h.at(0).request('create', { key: 'k1', amount: 100 }, { status: 201, body, resourceId: 'pay_1' });
    const replay = h.at(100).request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, body, resourceId: 'pay_1' });
    withHeaders(h, replay, header);
    h.at(200).request('capture', { key: 'k2', resourceId: 'pay_1', amount: 100 }, { status: 409, body: { code: 'invalid_state' } });
    const v = replayMarked.run(h.records, { profile: coded });
    expect(v).toMatchObject({ verdict: 'pass', judged: 3, unit: 'answers', stats: { replaysJudged: 1, firstAnswersJudged: 2 } });
  });

  it('fails when a replay of a stored answer is not marked, and when the value says false', () => {
    const h = new TestHistory();
    const body = h.payment('pay_1', 'succeeded', 100, 100);
    h.at(0).request('create', { key: 'k1', amount: 100 }, { status: 201, body, resourceId: 'pay_1' });
    const replay = h.at(100).request('create', { key: 'k1', amount: 100, intent: 'replay' }, { status: 201, body, resourceId: 'pay_1' });
    withHeaders(h, replay, { 'idempotent-replayed': 'false' });
    const v = replayMarked.run(h.records, { profile: coded });
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toMatch(/create #2 .* answered 201 \(id pay_1, status succeeded.*\) at 0\.11 s carried no Idempotent-Replayed header/);
  });

  it('fails when a first answer, sent alone, carries the header', () => {
    const h = new TestHistory();
    const first = h.at(0).request('create', { key: 'k1', amount: 100 }, { status: 201, body: h.payment('pay_1', 'succeeded', 100, 100), resourceId: 'pay_1' });
    withHeaders(h, first, header);
    const v = replayMarked.run(h.records, { profile: coded });
    expect(v.verdict).toBe('fail');
    expect(v.witnesses[0]!.summary).toContain('The first answer to key k1 (Idempotency-Key header)');
    expect(v.witnesses[0]!.summary).toContain('Idempotent-Replayed: true');
  });

  it('does not judge a first answer that was lost (info) or met a concurrent copy', () => {
    const h = new TestHistory();
    h.at(0).request('create', { key: 'k1', amount: 100 }, { status: undefined });
    const retry = h.at(100).request('create', { key: 'k1', amount: 100, intent: 'retry' }, { status: 201, body: {}, resourceId: 'pay_1' });
    withHeaders(h, retry, header);
    h.at(200).request('create', { key: 'k2', amount: 100, duration: 50 }, { status: 201, body: {}, resourceId: 'pay_2' });
    const copy = h.at(205).request('create', { key: 'k2', amount: 100, intent: 'concurrent-copy', duration: 60 }, { status: 201, body: {}, resourceId: 'pay_2' });
    withHeaders(h, copy, header);
    const v = replayMarked.run(h.records, { profile: coded });
    expect(v.verdict).toBe('unknown');
    expect(v.notJudged).toEqual(expect.arrayContaining([
      { reason: 'first answer lost, in flight or not stored', count: 1 },
      { reason: 'first request met another with its key (it may not be the one that ran)', count: 1 },
      { reason: 'repeat sent while the first was in flight (either may have run)', count: 1 },
    ]));
  });

  it('is inapplicable, and judged unknown, without a declared replay header', () => {
    const bare: ApiProfile = { ...coded, idempotency: { ...coded.idempotency, replayedHeader: undefined } };
    expect(replayMarked.inapplicable!(bare)).toContain('replayedHeader');
    const h = new TestHistory();
    h.request('create', { key: 'k1', amount: 100 }, { status: 201, body: {}, resourceId: 'pay_1' });
    expect(judge(h.records, { profile: bare }, ['replay-marked'])[0]).toMatchObject({ verdict: 'unknown', judged: 0 });
  });
});
