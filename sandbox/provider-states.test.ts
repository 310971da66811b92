import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from './index.js';
import { DEFAULT_PROVIDER_STATE_KEY } from './provider-states.js';
import { apiClient, start, STORAGES, type PaymentJson } from './test-support/index.js';

const pglite = STORAGES[0]!;

async function setState(url: string, state: string, params: Record<string, unknown> = {}, action = 'setup') {
  const response = await fetch(`${url}/_pact/provider-states`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ state, params, action }) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', json: (await response.json()) as Record<string, unknown> };
}

describe('Pact provider states', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await start(pglite, { providerStates: true });
  });
  afterAll(() => sandbox?.close());

  it('plants a payment in each lifecycle state, with the requested id, for the profile key', async () => {
    const api = apiClient(sandbox.url, DEFAULT_PROVIDER_STATE_KEY);
    const cases: Array<[string, Partial<PaymentJson>]> = [
      ['a payment requiring capture exists', { status: 'requires_capture', amount_captured: 0 }],
      ['a captured payment exists', { status: 'succeeded', amount_captured: 2000 }],
      ['a partially refunded payment exists', { status: 'partially_refunded', amount_captured: 2000, amount_refunded: 1000 }],
      ['a canceled payment exists', { status: 'canceled' }],
    ];
    for (const [state, expected] of cases) {
      const set = await setState(sandbox.url, state, { id: 'pay_contract1', amount: 2000, currency: 'USD' });
      expect(set.status).toBe(200);
      expect(set.json).toMatchObject({ id: 'pay_contract1', amount: 2000, currency: 'USD', ...expected });
      expect((await api.get<PaymentJson>('/v1/payments/pay_contract1')).json).toMatchObject(expected);
    }
    expect((await api.post('/v1/payments/pay_contract1/capture', {})).status).toBe(409);
  });

  it('"no payments exist" empties the merchant', async () => {
    const api = apiClient(sandbox.url, 'sk_test_states_empty');
    await api.createPayment({ reference: 'gone' });
    expect((await setState(sandbox.url, 'no payments exist', { api_key: 'sk_test_states_empty' })).status).toBe(200);
    expect((await api.get<{ data: unknown[] }>('/v1/payments')).json.data).toHaveLength(0);
  });

  it('"an idempotency key was used" makes a repeat replay and a changed payload 422', async () => {
    const api = apiClient(sandbox.url, DEFAULT_PROVIDER_STATE_KEY);
    const set = await setState(sandbox.url, 'an idempotency key was used', { key: 'contract-key-1', amount: 1500, currency: 'EUR', reference: 'order-77' });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ key: 'contract-key-1', amount: 1500, status: 'succeeded' });
    const replay = await api.post<PaymentJson>('/v1/payments', { amount: 1500, currency: 'EUR', reference: 'order-77', capture: 'automatic' }, 'contract-key-1');
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.id).toBe(set.json.id);
    expect((await api.post('/v1/payments', { amount: 1600, currency: 'EUR', reference: 'order-77' }, 'contract-key-1')).status).toBe(422);
  });

  it('an unknown state fails with 400 problem+json naming the known ones; teardown answers 200', async () => {
    const unknown = await setState(sandbox.url, 'a refund exploded');
    expect(unknown.status).toBe(400);
    expect(unknown.type).toMatch(/^application\/problem\+json/);
    expect(String(unknown.json.detail)).toContain('a captured payment exists');
    expect((await setState(sandbox.url, 'a captured payment exists', {}, 'teardown')).status).toBe(200);
  });

  it('is not served unless asked for', async () => {
    const plain = await start(pglite);
    try {
      expect((await setState(plain.url, 'no payments exist')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
