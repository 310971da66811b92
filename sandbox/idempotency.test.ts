import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { RunningSandbox } from './index.js';
import { apiClient, dropTestSchemas, start, STORAGES, type PaymentJson } from './test-support/index.js';

afterAll(dropTestSchemas);

for (const storage of STORAGES) {
  describe.skipIf(!storage.available)(`idempotency on ${storage.name}`, () => {
    let sandbox: RunningSandbox;
    beforeAll(async () => {
      // Processing takes a while, as with a real acquirer: concurrent duplicates overlap for sure.
      sandbox = await start(storage, { processingDelayMs: 300 });
    });
    afterAll(() => sandbox?.close());

    it('answers 409 to a duplicate while the first is still being processed', async () => {
      const api = apiClient(sandbox.url);
      const key = randomUUID();
      const first = api.createPayment({ reference: `in-flight-${key}` }, key);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const duplicate = await api.createPayment({ reference: `in-flight-${key}` }, key);
      expect(duplicate.status).toBe(409);
      expect(duplicate.json).toMatchObject({ code: 'idempotency_key_in_use', status: 409 });
      expect((await first).status).toBe(201);
      const replay = await api.createPayment({ reference: `in-flight-${key}` }, key);
      expect(replay.json.id).toBe((await first).json.id);
    });

    it('20 concurrent creates with one key make one payment; the rest replay it or answer 409', async () => {
      const api = apiClient(sandbox.url);
      const key = randomUUID();
      const reference = `concurrent-${key}`;
      const responses = await Promise.all(Array.from({ length: 20 }, () => api.createPayment({ reference }, key)));
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      expect(statuses.filter((s) => s === 409).length).toBeGreaterThan(0);
      const created = responses.filter((r) => r.status === 201);
      expect(new Set(created.map((r) => r.json.id)).size).toBe(1);
      expect(created.filter((r) => r.headers.get('idempotent-replayed') !== 'true')).toHaveLength(1);
      for (const r of responses.filter((r) => r.status === 409)) {
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect((r.json as unknown as { code: string }).code).toBe('idempotency_key_in_use');
      }
      const list = await api.get<{ data: PaymentJson[] }>(`/v1/payments?reference=${reference}`);
      expect(list.json.data).toHaveLength(1);
    });

    it('replays a completed request byte for byte with Idempotent-Replayed: true', async () => {
      const api = apiClient(sandbox.url);
      const key = randomUUID();
      const first = await api.createPayment({ capture: 'manual' }, key);
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const again = await api.createPayment({ capture: 'manual' }, key);
      expect(again.status).toBe(201);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      // Key order does not make a different payload.
      const reordered = await api.post('/v1/payments', { capture: 'manual', reference: 'order-1', currency: 'EUR', amount: 1000 }, key);
      expect(reordered.text).toBe(first.text);
    });

    it('replays stored errors too', async () => {
      const api = apiClient(sandbox.url);
      const payment = await api.createPayment();
      const key = randomUUID();
      const first = await api.post(`/v1/payments/${payment.json.id}/cancel`, undefined, key);
      expect(first.status).toBe(409);
      const again = await api.post(`/v1/payments/${payment.json.id}/cancel`, undefined, key);
      expect(again.status).toBe(409);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    });

    it('answers 422 for the same key with a different payload or path', async () => {
      const api = apiClient(sandbox.url);
      const key = randomUUID();
      expect((await api.createPayment({ amount: 1000 }, key)).status).toBe(201);
      const changed = await api.createPayment({ amount: 2000 }, key);
      expect(changed.status).toBe(422);
      expect(changed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(changed.json).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
      const other = await api.createPayment();
      expect((await api.post(`/v1/payments/${other.json.id}/refunds`, { amount: 1 }, key)).status).toBe(422);
    });

    it('answers 400 when the key is missing, and does nothing', async () => {
      const api = apiClient(sandbox.url);
      const response = await api.post('/v1/payments', { amount: 1000, currency: 'EUR', reference: 'no-key' }, null);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ code: 'idempotency_key_missing', status: 400 });
      expect((await api.get<{ data: unknown[] }>('/v1/payments?reference=no-key')).json.data).toHaveLength(0);
    });

    it('scopes keys to the merchant', async () => {
      const key = randomUUID();
      const alice = await apiClient(sandbox.url).createPayment({}, key);
      const bob = await apiClient(sandbox.url).createPayment({ amount: 5 }, key);
      expect(alice.status).toBe(201);
      expect(bob.status).toBe(201);
      expect(bob.json.id).not.toBe(alice.json.id);
    });
  });

  describe.skipIf(!storage.available)(`idempotency retention on ${storage.name}`, () => {
    let sandbox: RunningSandbox;
    beforeAll(async () => {
      sandbox = await start(storage, { idempotencyRetentionMs: 300 });
    });
    afterAll(() => sandbox?.close());

    it('forgets a key after the retention period, so it executes again', async () => {
      const api = apiClient(sandbox.url);
      const key = randomUUID();
      const first = await api.createPayment({}, key);
      expect((await api.createPayment({}, key)).json.id).toBe(first.json.id);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const later = await api.createPayment({}, key);
      expect(later.status).toBe(201);
      expect(later.json.id).not.toBe(first.json.id);
    });
  });
}
