import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { WebhookSpec } from '../config/profile-types.js';
import { verifyHmac } from './hmac-signature.js';

/** What verifying one delivery's signature found. */
export interface SignatureResult {
  valid: boolean;
  /** Seconds between the signed timestamp and now (positive: in the past). */
  ageSeconds?: number;
  error?: string;
}

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 hmac>` over `id.timestamp.body`. */
export function verifyStandardWebhooks(secret: string, body: string, headers: Record<string, string | string[] | undefined>, nowMs: number): SignatureResult {
  const timestamp = Number(header(headers, 'webhook-timestamp'));
  const ageSeconds = Number.isFinite(timestamp) ? nowMs / 1000 - timestamp : undefined;
  try {
    // The library also rejects timestamps older than 5 minutes; freshness is judged separately by the check.
    new Webhook(secret).verify(body, {
      'webhook-id': header(headers, 'webhook-id') ?? '',
      'webhook-timestamp': header(headers, 'webhook-timestamp') ?? '',
      'webhook-signature': header(headers, 'webhook-signature') ?? '',
    });
    return { valid: true, ageSeconds };
  } catch (error) {
    return { valid: false, ageSeconds, error: (error as Error).message };
  }
}

/** Stripe style: `Stripe-Signature: t=<unix>,v1=<hex hmac-sha256 of "t.body">`. */
export function verifyStripe(secret: string, body: string, headers: Record<string, string | string[] | undefined>, nowMs: number): SignatureResult {
  const raw = header(headers, 'stripe-signature');
  if (!raw) return { valid: false, error: 'missing Stripe-Signature header' };
  const parts = raw.split(',').map((p) => p.split('=', 2) as [string, string]);
  const t = parts.find(([k]) => k === 't')?.[1];
  const candidates = parts.filter(([k]) => k === 'v1').map(([, v]) => v);
  if (!t || candidates.length === 0) return { valid: false, error: 'Stripe-Signature lacks t= or v1=' };
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const valid = candidates.some((c) => {
    const given = Buffer.from(c, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return { valid, ageSeconds: nowMs / 1000 - Number(t), error: valid ? undefined : 'no v1 signature matches' };
}

export function verifySignature(
  scheme: WebhookSpec['signature'], secret: string | undefined, body: string, headers: Record<string, string | string[] | undefined>, nowMs = Date.now(),
): SignatureResult {
  if (scheme === 'none') return { valid: true };
  if (!secret) return { valid: false, error: 'no signing secret (the endpoint registration did not return one)' };
  if (typeof scheme === 'object') return verifyHmac(scheme, secret, body, headers, nowMs);
  return scheme === 'stripe' ? verifyStripe(secret, body, headers, nowMs) : verifyStandardWebhooks(secret, body, headers, nowMs);
}

/** A scheme's name for sentences: `stripe`, `standard-webhooks`, `none`, or `HMAC (X-Signature)`. */
export function signatureSchemeName(scheme: WebhookSpec['signature']): string {
  return typeof scheme === 'object' ? `HMAC (${scheme.header})` : scheme;
}
