import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiProfile } from '../config/profile-types.js';
import type { FinalRead } from '../history/types.js';
import { HistoryRecorder } from '../history/recorder.js';
import { recordFinalReads } from '../run/final-reads.js';
import { TestHistory, testProfile } from '../checks/test-support/test-history.js';
import { moneyInvariants } from '../checks/money-invariants.js';
import { exactlyOnce } from '../checks/exactly-once.js';
import { parseProfile } from '../config/profile.js';
import { stringify } from 'yaml';
import { sumListedRefunds } from './refund-ledger.js';

/** The sandbox profile, but the payment carries no refunded total: refunds are their own objects. */
function ledgerProfile(ledger: ApiProfile['refundLedger']): ApiProfile {
  const p = testProfile();
  delete p.fields.amountRefunded;
  delete p.fields.refundPayment;
  p.refundLedger = ledger;
  return p;
}

const LIST: ApiProfile['refundLedger'] = {
  source: 'list', list: { method: 'GET', path: '/v1/refunds', query: { payment: '{id}' } }, items: '$.data', amount: '$.amount', status: '$.status', counted: ['succeeded', 'pending'],
};

/** A payment of 100 captured, refunded 30 then 50 (refund answers name the refund, not the payment). */
function refundedTwice(h: TestHistory): void {
  h.request('create', { key: 'c', amount: 100 }, { status: 201, resourceId: 'pay_1', body: { id: 'pay_1', status: 'succeeded', amount: 100, amount_captured: 100 } });
  h.request('refund', { key: 'r1', resourceId: 'pay_1', amount: 30 }, { status: 201, resourceId: 're_1', body: { id: 're_1', amount: 30, status: 'succeeded' } });
  h.request('refund', { key: 'r2', resourceId: 'pay_1', amount: 50 }, { status: 201, resourceId: 're_2', body: { id: 're_2', amount: 50, status: 'succeeded' } });
}

function finalRead(extra: Partial<FinalRead>): FinalRead {
  return { kind: 'final-read', time: 1000, target: 'default', resourceId: 'pay_1', outcome: 'ok', status: 200, paymentStatus: 'succeeded', amount: 100, amountCaptured: 100, currency: 'EUR', ...extra };
}

describe('refund ledger: a list of refund objects per payment', () => {
  it('sums only the refunds whose status counts, in minor units', () => {
    const sum = sumListedRefunds(testProfile(), LIST as Extract<ApiProfile['refundLedger'], { source: 'list' }>, {
      data: [{ amount: 30, status: 'succeeded' }, { amount: 20, status: 'failed' }, { amount: 5, status: 'pending' }],
    });
    expect(sum).toEqual({ amount: 35, listed: 3, counted: 2 });
    expect(sumListedRefunds(testProfile(), LIST as never, { nope: 1 }).problem).toContain('no list at $.data');
  });

  it('lets the refund money checks judge (and fail) a payment that does not carry its refunded total', () => {
    const profile = ledgerProfile(LIST);
    const h = new TestHistory();
    refundedTwice(h);
    h.push(finalRead({ amountRefunded: 80, refundList: { status: 200, listed: 2, counted: 2 } }));
    expect(moneyInvariants.run(h.records, { profile })).toMatchObject({ verdict: 'pass', judged: 1 });
    expect(moneyInvariants.run(h.records, { profile }).notJudged).toBeUndefined();
    expect(exactlyOnce.run(h.records, { profile }).stats!.refundTotalsJudged).toBe(1);
    // The list showed a refund executed twice: 30 + 50 + 50.
    const twice = new TestHistory();
    refundedTwice(twice);
    twice.push(finalRead({ amountRefunded: 130, refundList: { status: 200, listed: 3, counted: 3 } }));
    expect(exactlyOnce.run(twice.records, { profile }).verdict).toBe('fail');
    expect(moneyInvariants.run(twice.records, { profile }).witnesses[0]!.summary).toContain('refunded 130 exceeds captured 100');
  });

  it('names the list as what could not be read when its request failed', () => {
    const profile = ledgerProfile(LIST);
    const h = new TestHistory();
    refundedTwice(h);
    h.push(finalRead({ refundList: { status: 500, error: 'status 500' } }));
    const v = exactlyOnce.run(h.records, { profile });
    expect(v.notJudged).toContainEqual({ reason: "payment's refund total: refund list unreadable (status 500)", count: 1 });
    expect(moneyInvariants.run(h.records, { profile }).notJudged![0]!.reason).toContain('the refund list GET /v1/refunds');
  });
});

describe('refund ledger: the refund answers themselves', () => {
  const profile = ledgerProfile({ source: 'answers', amount: '$.amount', status: '$.status', counted: ['succeeded'] });

  it('sums successful refund answers once per refund id', () => {
    const h = new TestHistory();
    refundedTwice(h);
    // A replay of r2 returns the stored refund (same id): not a second refund.
    h.request('refund', { key: 'r2', resourceId: 'pay_1', amount: 50, intent: 'replay' }, { status: 201, resourceId: 're_2', body: { id: 're_2', amount: 50, status: 'succeeded' } });
    h.push(finalRead({}));
    expect(exactlyOnce.run(h.records, { profile })).toMatchObject({ verdict: 'pass', stats: { refundTotalsJudged: 1 } });
    expect(moneyInvariants.run(h.records, { profile })).toMatchObject({ verdict: 'pass', judged: 1 });
    expect(moneyInvariants.run(h.records, { profile }).notJudged).toBeUndefined();
  });

  it('fails when one key produced two refunds', () => {
    const h = new TestHistory();
    refundedTwice(h);
    h.request('refund', { key: 'r2', resourceId: 'pay_1', amount: 50, intent: 'retry' }, { status: 201, resourceId: 're_3', body: { id: 're_3', amount: 50, status: 'succeeded' } });
    h.push(finalRead({}));
    const v = exactlyOnce.run(h.records, { profile });
    expect(v.verdict).toBe('fail');
    expect(v.witnesses.map((w) => w.summary).join(' ')).toContain('ends with 130 refunded');
    expect(moneyInvariants.run(h.records, { profile }).witnesses[0]!.summary).toContain('refunded 130 exceeds captured 100');
  });
});

describe('refund ledger: profile validation', () => {
  const base = { extends: 'sandbox' };
  it('accepts each source and refuses a list without its operation, or a status without counted statuses', () => {
    expect(parseProfile('p.yaml', stringify({ ...base, refundLedger: LIST })).refundLedger).toEqual(LIST);
    expect(parseProfile('p.yaml', stringify({ ...base, refundLedger: { source: 'answers', amount: '$.amount' } })).refundLedger?.source).toBe('answers');
    expect(() => parseProfile('p.yaml', stringify({ ...base, refundLedger: { source: 'list', items: '$.data', amount: '$.amount' } }))).toThrow(/missing "list"/);
    expect(() => parseProfile('p.yaml', stringify({ ...base, refundLedger: { source: 'answers', amount: '$.amount', status: '$.status' } }))).toThrow(/missing "counted"/);
    // The list is a request like any other: a path that would leave the target is refused on load.
    const offTarget = { ...LIST, list: { method: 'GET', path: '//evil.example/v1/refunds' } };
    expect(() => parseProfile('p.yaml', stringify({ ...base, refundLedger: offTarget }))).toThrow(/operation "refundLedger.list" has path "\/\/evil.example\/v1\/refunds", which would leave the target/);
  });
});

describe('final reads with a refund list ledger', () => {
  let server: Server;
  let url = '';
  const asked: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      const u = new URL(req.url ?? '/', 'http://x');
      const body = u.pathname === '/v1/refunds'
        ? { data: u.searchParams.get('payment') === 'pay_1' ? [{ amount: 30, status: 'succeeded' }, { amount: 70, status: 'failed' }] : [] }
        : { id: u.pathname.split('/').pop(), status: 'succeeded', amount: 100, amount_captured: 100, currency: 'EUR' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('fetches each payment\'s refund list and records the counted sum as its refunded total', async () => {
    const profile = ledgerProfile(LIST);
    delete profile.operations.list;
    const recorder = new HistoryRecorder();
    await recordFinalReads(url, profile, recorder, [{ reference: 'ref-1', logicalId: 'f1-0', resourceIds: new Set(['pay_1', 'pay_2']) }]);
    const reads = recorder.records.filter((r): r is FinalRead => r.kind === 'final-read');
    expect(Object.fromEntries(reads.map((r) => [r.resourceId, r.amountRefunded]))).toEqual({ pay_1: 30, pay_2: 0 });
    expect(reads.find((r) => r.resourceId === 'pay_1')!.refundList).toMatchObject({ status: 200, listed: 2, counted: 1 });
    expect(asked).toContain('/v1/refunds?payment=pay_1');
  });
});
