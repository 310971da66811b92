import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { RunningSandbox } from './index.js';
import { apiClient, start, STORAGES } from './test-support/index.js';

const pglite = STORAGES[0]!;

describe('bad input gets a 4xx problem+json, never a 500 or a crash', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await start(pglite);
  });
  afterAll(() => sandbox?.close());

  async function send(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: 'Bearer sk_test_bad_input', 'idempotency-key': randomUUID(), 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: response.status, type: response.headers.get('content-type') ?? '', json: (await response.json()) as Record<string, unknown> };
  }

  const createCases: Array<[string, string]> = [
    ['malformed JSON', '{"amount": 10'],
    ['a JSON array', '[1,2]'],
    ['a JSON string', '"pay me"'],
    ['null', 'null'],
    ['amount as a string', '{"amount":"100","currency":"EUR"}'],
    ['a negative amount', '{"amount":-5,"currency":"EUR"}'],
    ['a zero amount', '{"amount":0,"currency":"EUR"}'],
    ['a fractional amount', '{"amount":10.5,"currency":"EUR"}'],
    ['a huge amount', '{"amount":1e300,"currency":"EUR"}'],
    ['a lower-case currency', '{"amount":100,"currency":"eur"}'],
    ['a four-letter currency', '{"amount":100,"currency":"EURO"}'],
    ['a numeric currency', '{"amount":100,"currency":978}'],
    ['an unknown capture mode', '{"amount":100,"currency":"EUR","capture":"later"}'],
    ['a non-string reference', '{"amount":100,"currency":"EUR","reference":{"a":1}}'],
    ['a missing amount', '{"currency":"EUR"}'],
    ['a NUL in the reference', '{"amount":100,"currency":"EUR","reference":"a\\u0000b"}'],
  ];
  for (const [what, body] of createCases) {
    it(`create with ${what} → 400`, async () => {
      const response = await send('POST', '/v1/payments', body);
      expect(response.status).toBe(400);
      expect(response.type).toMatch(/^application\/problem\+json/);
      expect(response.json).toMatchObject({ status: 400, title: 'Bad Request' });
      expect(typeof response.json.detail).toBe('string');
      expect(typeof response.json.code).toBe('string');
    });
  }

  it('an oversized body → 413', async () => {
    const response = await send('POST', '/v1/payments', JSON.stringify({ amount: 1, currency: 'EUR', reference: 'x'.repeat(200_000) }));
    expect(response.status).toBe(413);
    expect(response.type).toMatch(/^application\/problem\+json/);
  });

  it('a form-encoded body → 415', async () => {
    const response = await send('POST', '/v1/payments', 'amount=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
    expect(response.json.code).toBe('unsupported_media_type');
    const empty = await send('POST', '/v1/payments', '{"amount":1,"currency":"EUR"}', { 'content-type': '' });
    expect(empty.status).toBe(415);
    expect(empty.type).toMatch(/^application\/problem\+json/);
  });

  it('unknown routes and bad ids → 404', async () => {
    expect((await send('GET', '/v2/nothing')).status).toBe(404);
    expect((await send('DELETE', '/v1/payments')).status).toBe(404);
    expect((await send('GET', '/v1/payments/not-an-id')).json.code).toBe('payment_not_found');
    expect((await send('GET', `/v1/payments/pay_${'0'.repeat(24)}`)).status).toBe(404);
    expect((await send('POST', '/v1/payments/%27;drop%20table/capture', '{}')).status).toBe(404);
    expect((await send('POST', `/v1/payments/pay_${'0'.repeat(24)}/refunds`, '{"amount":1}')).status).toBe(404);
  });

  it('undecodable URLs and NUL in queries → 400', async () => {
    const badUrl = await send('GET', '/v1/payments/%E0%A4%A');
    expect(badUrl.status).toBe(400);
    expect(badUrl.type).toMatch(/^application\/problem\+json/);
    expect((await send('GET', '/v1/payments?reference=%00')).status).toBe(400);
  });

  it('bad capture/refund amounts and bad webhook endpoints → 400', async () => {
    const { json: payment } = await apiClient(sandbox.url, 'sk_test_bad_input').createPayment({ capture: 'manual' });
    expect((await send('POST', `/v1/payments/${payment.id}/capture`, '{"amount":"all"}')).status).toBe(400);
    expect((await send('POST', `/v1/payments/${payment.id}/refunds`, '{"amount":-1}')).status).toBe(400);
    expect((await send('POST', '/v1/webhook_endpoints', '{"url":"not a url"}')).status).toBe(400);
    expect((await send('POST', '/v1/webhook_endpoints', '{"url":"ftp://x"}')).status).toBe(400);
    expect((await send('POST', '/v1/webhook_endpoints', '{"url":"http://127.0.0.1/x","events":["payment.exploded"]}')).status).toBe(400);
    expect((await send('POST', '/v1/payments', '{"amount":1,"currency":"EUR"}', { 'idempotency-key': 'k'.repeat(300) })).status).toBe(400);
  });

  it('a malformed Authorization header → 401', async () => {
    const response = await send('GET', '/v1/payments', undefined, { authorization: 'Bearer live_key' });
    expect(response.status).toBe(401);
    expect(response.json.code).toBe('unauthorized');
  });

  it('is still serving after all of that', async () => {
    expect((await apiClient(sandbox.url).createPayment()).status).toBe(201);
  });
});

describe('random bodies (seeded) never get a 5xx', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await start(pglite);
  });
  afterAll(() => sandbox?.close());

  it('answers 150 generated requests with 2xx/4xx only, and deep nesting with 400', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const values: readonly unknown[] = [0, -1, 1, 1.5, 2 ** 60, 'EUR', 'eur', '', 'x'.repeat(300), null, true, [], {}, [1], { a: 1 }, '\u0000', '1000'];
    const api = apiClient(sandbox.url);
    const { json: payment } = await api.createPayment({ capture: 'manual' });
    const paths = ['/v1/payments', `/v1/payments/${payment.id}/capture`, `/v1/payments/${payment.id}/refunds`, `/v1/payments/${payment.id}/cancel`, '/v1/webhook_endpoints'];
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) {
      const body: Record<string, unknown> = {};
      for (const field of ['amount', 'currency', 'reference', 'capture', 'url', 'events']) if (random() < 0.6) body[field] = pick(values);
      const response = await api.post(pick(paths), random() < 0.1 ? pick(['{', '[]', '1', '"x"', 'null']) : body);
      statuses.push(response.status);
    }
    const deep = await api.post(`/v1/payments/${payment.id}/cancel`, `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(deep.status).toBe(400);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.some((s) => s >= 400)).toBe(true);
    expect((await api.get(`/v1/payments/${payment.id}`)).status).toBe(200);
  });
});
