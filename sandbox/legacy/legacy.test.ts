import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type RunningSandbox } from '../index.js';

const AUTH = { authorization: 'Bearer sk_test_legacy', 'content-type': 'application/json' };

describe('sandbox --flavour legacy: the same payments in an older shape', () => {
  let sandbox: RunningSandbox;
  let receiver: Server;
  const events: { headers: Record<string, unknown>; body: Record<string, unknown> }[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({ flavour: 'legacy', quiet: true, timeScale: 0.01 });
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        events.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  }, 60_000);
  afterAll(async () => {
    await sandbox.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  const call = async (method: string, path: string, body?: unknown, key?: string) => {
    const res = await fetch(`${sandbox.url}${path}`, { method, headers: { ...AUTH, ...(key ? { 'x-request-id': key } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, replayed: res.headers.get('x-idempotent-replay'), body: (await res.json()) as Record<string, unknown> };
  };

  it('speaks decimals, its own states, X-Request-Id and {error: {code}}; the sandbox\'s paths do not exist', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const hook = await call('POST', '/api/hooks', { callback_url: `http://127.0.0.1:${port}/hook`, events: ['charge.settled'] }, 'hook-1');
    expect(hook.status).toBe(201);
    expect(hook.body).toMatchObject({ callback_url: `http://127.0.0.1:${port}/hook`, events: ['charge.settled'] });
    expect(String(hook.body.signing_secret)).toMatch(/^whsec_/);
    const created = await call('POST', '/api/charges', { total: '12.50', ccy: 'EUR', merchant_ref: 'r-1', settle: 'manual' }, 'k-1');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'AUTHORISED', total: '12.50', settled_total: '0.00', merchant_ref: 'r-1' });
    const again = await call('POST', '/api/charges', { total: '12.50', ccy: 'EUR', merchant_ref: 'r-1', settle: 'manual' }, 'k-1');
    expect(again).toMatchObject({ status: 201, replayed: 'true', body: created.body });
    const changed = await call('POST', '/api/charges', { total: '12.51', ccy: 'EUR', merchant_ref: 'r-1', settle: 'manual' }, 'k-1');
    expect(changed).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
    const missingKey = await call('POST', '/api/charges', { total: '1.00', ccy: 'EUR', merchant_ref: 'r-2' });
    expect(missingKey).toMatchObject({ status: 400, body: { error: { code: 'idempotency_key_missing' } } });
    const settled = await call('POST', `/api/charges/${String(created.body.charge_id)}/settle`, { total: '12.50', ccy: 'EUR' }, 'k-2');
    expect(settled.body).toMatchObject({ state: 'SETTLED', settled_total: '12.50' });
    const refund = await call('POST', `/api/charges/${String(created.body.charge_id)}/refund`, { total: '2.50', ccy: 'EUR' }, 'k-3');
    expect(refund.body).toMatchObject({ total: '2.50', charge: { state: 'PART_REFUNDED', refunded_total: '2.50' } });
    const listed = await call('GET', '/api/charges?merchant_ref=r-1');
    expect((listed.body.charges as unknown[]).length).toBe(1);
    expect((await call('GET', '/v1/payments?reference=r-1')).status).toBe(404);
    // The callback is the legacy event, signed per Standard Webhooks over the bytes it carries.
    const deadline = Date.now() + 10_000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events[0]!.body).toMatchObject({ event_type: 'charge.settled', charge: { state: 'SETTLED', total: '12.50' } });
    expect(events[0]!.headers['webhook-id']).toBe(events[0]!.body.event_id);
  }, 60_000);
});
