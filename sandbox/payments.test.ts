import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from './index.js';
import { apiClient, dropTestSchemas, start, STORAGES, type PaymentJson } from './test-support/index.js';

afterAll(dropTestSchemas);

type RefundJson = { id: string; payment_id: string; amount: number; status: string; payment: PaymentJson };

for (const storage of STORAGES) {
  describe.skipIf(!storage.available)(`payments on ${storage.name}`, () => {
    let sandbox: RunningSandbox;
    beforeAll(async () => {
      sandbox = await start(storage);
    });
    afterAll(() => sandbox?.close());

    it('creates automatic and manual payments with the documented shape', async () => {
      const api = apiClient(sandbox.url);
      const auto = await api.createPayment({ amount: 1250, reference: 'shape-1' });
      expect(auto.status).toBe(201);
      expect(auto.json).toMatchObject({ status: 'succeeded', amount: 1250, currency: 'EUR', amount_captured: 1250, amount_refunded: 0, reference: 'shape-1' });
      expect(auto.json.id).toMatch(/^pay_/);
      expect(Date.parse(auto.json.created_at)).not.toBeNaN();
      const manual = await api.createPayment({ capture: 'manual' });
      expect(manual.json).toMatchObject({ status: 'requires_capture', amount_captured: 0 });
      expect((await api.get<PaymentJson>(`/v1/payments/${manual.json.id}`)).json).toEqual(manual.json);
      const listed = await api.get<{ data: PaymentJson[] }>('/v1/payments?reference=shape-1');
      expect(listed.json.data.map((p) => p.id)).toEqual([auto.json.id]);
    });

    it('walks the lifecycle: capture (partial), refunds, full refund is terminal', async () => {
      const api = apiClient(sandbox.url);
      const { json: payment } = await api.createPayment({ capture: 'manual', amount: 1000 });
      expect((await api.post(`/v1/payments/${payment.id}/capture`, { amount: 1001 })).status).toBe(409);
      const captured = await api.post<PaymentJson>(`/v1/payments/${payment.id}/capture`, { amount: 800 });
      expect(captured.status).toBe(200);
      expect(captured.json).toMatchObject({ status: 'succeeded', amount_captured: 800 });
      expect((await api.post(`/v1/payments/${payment.id}/capture`, {})).status).toBe(409);
      expect((await api.post(`/v1/payments/${payment.id}/cancel`)).status).toBe(409);
      const partial = await api.post<RefundJson>(`/v1/payments/${payment.id}/refunds`, { amount: 300 });
      expect(partial.status).toBe(201);
      expect(partial.json).toMatchObject({ payment_id: payment.id, amount: 300, status: 'succeeded', payment: { status: 'partially_refunded', amount_refunded: 300 } });
      expect(partial.json.id).toMatch(/^re_/);
      const over = await api.post(`/v1/payments/${payment.id}/refunds`, { amount: 501 });
      expect(over.status).toBe(409);
      expect(over.json).toMatchObject({ code: 'amount_exceeds_captured' });
      const rest = await api.post<RefundJson>(`/v1/payments/${payment.id}/refunds`, { amount: 500 });
      expect(rest.json.payment).toMatchObject({ status: 'refunded', amount_refunded: 800 });
      expect((await api.post(`/v1/payments/${payment.id}/refunds`, { amount: 1 })).status).toBe(409);
    });

    it('cancels only an uncaptured payment, and a canceled payment cannot be captured', async () => {
      const api = apiClient(sandbox.url);
      const { json: payment } = await api.createPayment({ capture: 'manual' });
      const canceled = await api.post<PaymentJson>(`/v1/payments/${payment.id}/cancel`);
      expect(canceled.json.status).toBe('canceled');
      const capture = await api.post(`/v1/payments/${payment.id}/capture`, {});
      expect(capture.status).toBe(409);
      expect(capture.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(capture.json).toMatchObject({ status: 409, code: 'invalid_state', title: 'Conflict' });
      expect((await api.get<PaymentJson>(`/v1/payments/${payment.id}`)).json.status).toBe('canceled');
    });

    it('never lets concurrent refunds exceed the captured amount', async () => {
      const api = apiClient(sandbox.url);
      const { json: payment } = await api.createPayment({ amount: 1000 });
      const refunds = await Promise.all(Array.from({ length: 8 }, () => api.post(`/v1/payments/${payment.id}/refunds`, { amount: 300 })));
      expect(refunds.filter((r) => r.status === 201)).toHaveLength(3);
      expect(refunds.filter((r) => r.status === 409)).toHaveLength(5);
      const after = await api.get<PaymentJson>(`/v1/payments/${payment.id}`);
      expect(after.json).toMatchObject({ amount_refunded: 900, status: 'partially_refunded' });
    });

    it('keeps merchants apart and needs an API key', async () => {
      const { json: payment } = await apiClient(sandbox.url).createPayment();
      expect((await apiClient(sandbox.url).get(`/v1/payments/${payment.id}`)).status).toBe(404);
      const anonymous = await fetch(`${sandbox.url}/v1/payments/${payment.id}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });
}
