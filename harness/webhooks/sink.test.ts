import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifySignature } from './signature.js';
import { startWebhookSink } from './sink.js';
import { ReceiverBehaviour } from './receiver-rules.js';
import { HistoryRecorder } from '../history/recorder.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import type { DeliveryRecord } from '../history/types.js';

const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

function signed(id: string, body: string, at = new Date()): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) };
}

describe('signature verification', () => {
  it('accepts Standard Webhooks signatures and rejects tampered bodies', () => {
    const body = '{"id":"evt_1"}';
    expect(verifySignature('standard-webhooks', secret, body, signed('evt_1', body))).toMatchObject({ valid: true });
    expect(verifySignature('standard-webhooks', secret, `${body} `, signed('evt_1', body)).valid).toBe(false);
  });

  it('accepts Stripe-style signatures and reports their age', () => {
    const body = '{"id":"evt_1"}';
    const t = Math.floor(Date.now() / 1000) - 30;
    const v1 = createHmac('sha256', 'stripe-secret').update(`${t}.${body}`).digest('hex');
    const result = verifySignature('stripe', 'stripe-secret', body, { 'stripe-signature': `t=${t},v1=${v1}` });
    expect(result.valid).toBe(true);
    expect(result.ageSeconds).toBeGreaterThanOrEqual(29);
    expect(verifySignature('stripe', 'other', body, { 'stripe-signature': `t=${t},v1=${v1}` }).valid).toBe(false);
  });
});

describe('webhook sink', () => {
  it('answers per the scenario rules, verifies and records every delivery', async () => {
    const recorder = new HistoryRecorder();
    const sink = await startWebhookSink(SANDBOX_PROFILE.webhooks!, recorder);
    sink.setSecret(secret);
    sink.setBehaviour(new ReceiverBehaviour([
      { status: 410, first: 1, per: 'event', eventTypes: ['payment.canceled'] },
      { status: 503, first: 1, per: 'event', retryAfterSeconds: 2 },
    ]));
    try {
      const send = async (id: string, type: string): Promise<Response> => {
        const body = JSON.stringify({ id, type, data: { object: { id: 'pay_1', status: 'succeeded' } } });
        return fetch(sink.url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed(id, body) }, body });
      };
      const first = await send('evt_1', 'payment.created');
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('2');
      expect((await send('evt_1', 'payment.created')).status).toBe(200);
      expect((await send('evt_2', 'payment.canceled')).status).toBe(410);
      const deliveries = recorder.records.filter((r): r is DeliveryRecord => r.kind === 'delivery');
      expect(deliveries.map((d) => [d.eventId, d.answeredStatus, d.signatureValid])).toEqual([['evt_1', 503, true], ['evt_1', 200, true], ['evt_2', 410, true]]);
      expect(deliveries[0]).toMatchObject({ resourceId: 'pay_1', eventType: 'payment.created', paymentStatus: 'succeeded', retryAfterSeconds: 2 });
      expect(sink.received).toBe(3);
    } finally {
      await sink.close();
    }
  });
});
