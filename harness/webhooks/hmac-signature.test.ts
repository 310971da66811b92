import { describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { STANDARD_WEBHOOKS_HMAC, STRIPE_HMAC, verifyHmac } from './hmac-signature.js';
import { signatureSchemeName, verifySignature, verifyStandardWebhooks, verifyStripe } from './signature.js';
import type { HmacSignatureSpec } from '../config/profile-types.js';

const body = JSON.stringify({ id: 'evt_1', type: 'payment.captured', created: 1_700_000_000, data: { object: { id: 'pay_1' } } });
const nowMs = 1_700_000_030_000;

describe('declarative HMAC signatures', () => {
  it('verifies RFC 4231 test vectors (sha256 and sha512, hex and base64)', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    const data = 'what do ya want for nothing?';
    const sha256: HmacSignatureSpec = { kind: 'hmac', header: 'X-Signature', prefix: 'sha256=' };
    const hex256 = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    expect(verifyHmac(sha256, 'Jefe', data, { 'x-signature': `sha256=${hex256}` }, nowMs).valid).toBe(true);
    expect(verifyHmac(sha256, 'Jefe', data, { 'x-signature': hex256 }, nowMs)).toMatchObject({ valid: false, error: 'X-Signature holds no signature starting with "sha256="' });
    const hex512 = '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737';
    const sha512: HmacSignatureSpec = { kind: 'hmac', header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', secretEncoding: 'hex' };
    const b64 = Buffer.from(hex512, 'hex').toString('base64');
    expect(verifyHmac(sha512, Buffer.from('Jefe').toString('hex'), data, { 'X-Sig': b64 }, nowMs).valid).toBe(true);
    expect(verifyHmac(sha512, Buffer.from('Jefe').toString('hex'), `${data}!`, { 'X-Sig': b64 }, nowMs)).toMatchObject({ valid: false, error: 'no X-Sig signature matches' });
  });

  it('a PSP scheme: X-Signature sha256=<hex> over "<X-Timestamp>.<body>", age from the timestamp header', () => {
    const spec: HmacSignatureSpec = {
      kind: 'hmac', header: 'X-Signature', prefix: 'sha256=', content: '{timestamp}.{body}', timestamp: { in: 'header', name: 'X-Timestamp' },
    };
    const secret = randomBytes(24).toString('hex');
    const t = '1700000000';
    const sig = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const headers = { 'x-signature': `sha256=${sig}`, 'x-timestamp': t };
    expect(verifyHmac(spec, secret, body, headers, nowMs)).toEqual({ valid: true, ageSeconds: 30, error: undefined });
    expect(verifyHmac(spec, secret, body, { ...headers, 'x-timestamp': '1700000001' }, nowMs).valid).toBe(false);
    expect(verifyHmac(spec, 'other', body, headers, nowMs).valid).toBe(false);
    expect(verifyHmac(spec, secret, body, { 'x-signature': `sha256=${sig}` }, nowMs)).toEqual({ valid: false, error: 'missing timestamp (X-Timestamp header)' });
    expect(verifyHmac(spec, secret, body, { 'x-timestamp': t }, nowMs)).toEqual({ valid: false, error: 'missing X-Signature header' });
    // Through the dispatcher, with its name for sentences.
    expect(verifySignature(spec, secret, body, headers, nowMs).valid).toBe(true);
    expect(signatureSchemeName(spec)).toBe('HMAC (X-Signature)');
  });

  it('takes the timestamp (milliseconds or ISO 8601) and the id from the payload', () => {
    const spec: HmacSignatureSpec = {
      kind: 'hmac', header: 'Signature', content: '{id}:{timestamp}:{body}', encoding: 'base64', secretEncoding: 'base64', secretPrefix: 'psp_',
      timestamp: { in: 'payload', path: '$.sent_at', unit: 'iso8601' }, id: { in: 'payload', path: '$.event.id' },
    };
    const key = randomBytes(32);
    const payload = JSON.stringify({ event: { id: 'ev_9' }, sent_at: '2023-11-14T22:13:20Z' });
    const sig = createHmac('sha256', key).update(`ev_9:2023-11-14T22:13:20Z:${payload}`).digest('base64');
    const result = verifyHmac(spec, `psp_${key.toString('base64')}`, payload, { Signature: sig }, nowMs);
    expect(result).toEqual({ valid: true, ageSeconds: 30, error: undefined });
    const ms = { ...spec, timestamp: { in: 'header' as const, name: 'X-Ts', unit: 'milliseconds' as const }, content: '{timestamp}.{body}' };
    const sigMs = createHmac('sha256', key).update(`1700000000000.${payload}`).digest('base64');
    expect(verifyHmac(ms, `psp_${key.toString('base64')}`, payload, { Signature: sigMs, 'X-Ts': '1700000000000' }, nowMs).ageSeconds).toBe(30);
    expect(verifyHmac(spec, key.toString('base64'), 'not json', { Signature: sig }, nowMs).error).toBe('missing timestamp (payload field $.sent_at)');
  });

  it('expresses Standard Webhooks: deliveries signed by the standardwebhooks library verify through the declarative form', () => {
    // The library refuses timestamps more than 5 minutes from the real clock, so this delivery is signed now.
    const t = Math.floor(Date.now() / 1000);
    const secret = `whsec_${randomBytes(24).toString('base64')}`;
    const signed = new Webhook(secret).sign('msg_1', new Date(t * 1000), body);
    // Rotated keys: a second signature in the same header, space separated.
    const other = new Webhook(`whsec_${randomBytes(24).toString('base64')}`).sign('msg_1', new Date(t * 1000), body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(t), 'webhook-signature': `${other} ${signed}` };
    expect(verifyHmac(STANDARD_WEBHOOKS_HMAC, secret, body, headers, t * 1000 + 30_000)).toEqual({ valid: true, ageSeconds: 30, error: undefined });
    expect(verifyStandardWebhooks(secret, body, headers, Date.now()).valid).toBe(true);
    for (const tampered of [{ ...headers, 'webhook-id': 'msg_2' }, { ...headers, 'webhook-timestamp': String(t + 1) }, { ...headers, 'webhook-signature': other }]) {
      expect(verifyHmac(STANDARD_WEBHOOKS_HMAC, secret, body, tampered, Date.now()).valid).toBe(false);
      expect(verifyStandardWebhooks(secret, body, tampered, Date.now()).valid).toBe(false);
    }
  });

  it('expresses Stripe: the same deliveries verify through the declarative form and the built-in one', () => {
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    const t = 1_700_000_000;
    const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    const headers = { 'stripe-signature': `t=${t},v1=${'0'.repeat(64)},v1=${v1},v0=abc` };
    expect(verifyHmac(STRIPE_HMAC, secret, body, headers, nowMs)).toEqual({ valid: true, ageSeconds: 30, error: undefined });
    expect(verifyStripe(secret, body, headers, nowMs).valid).toBe(true);
    const wrongT = { 'stripe-signature': `t=${t + 1},v1=${v1}` };
    expect(verifyHmac(STRIPE_HMAC, secret, body, wrongT, nowMs).valid).toBe(false);
    expect(verifyStripe(secret, body, wrongT, nowMs).valid).toBe(false);
    expect(verifyHmac(STRIPE_HMAC, secret, body, { 'stripe-signature': `v1=${v1}` }, nowMs).error).toBe('missing timestamp ("t=" part of the signature header)');
  });
});
