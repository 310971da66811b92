import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DeliveryValueSource, HmacSignatureSpec } from '../config/profile-types.js';
import { readField } from '../workload/request.js';
import type { SignatureResult } from './signature.js';

/**
 * A declared HMAC signature scheme: the same maths most providers use (an HMAC of the body, often
 * with a timestamp and an id), described instead of coded. Standard Webhooks and Stripe are two
 * instances (below); a PSP's `X-Signature: sha256=<hex>` over `<X-Timestamp>.<body>` is a third.
 */

export type DeliveryHeaders = Record<string, string | string[] | undefined>;

/** Standard Webhooks as a declared scheme: `webhook-signature: v1,<base64> …` over `id.timestamp.body`, `whsec_` base64 secret. */
export const STANDARD_WEBHOOKS_HMAC: HmacSignatureSpec = {
  kind: 'hmac', header: 'webhook-signature', separator: ' ', prefix: 'v1,', content: '{id}.{timestamp}.{body}',
  timestamp: { in: 'header', name: 'webhook-timestamp' }, id: { in: 'header', name: 'webhook-id' },
  algorithm: 'sha256', encoding: 'base64', secretEncoding: 'base64', secretPrefix: 'whsec_',
};

/** Stripe as a declared scheme: `Stripe-Signature: t=<unix>,v1=<hex>` over `t.body`, the secret used as text. */
export const STRIPE_HMAC: HmacSignatureSpec = {
  kind: 'hmac', header: 'stripe-signature', separator: ',', prefix: 'v1=', content: '{timestamp}.{body}',
  timestamp: { in: 'signature', prefix: 't=' }, algorithm: 'sha256', encoding: 'hex', secretEncoding: 'utf8',
};

function headerValue(headers: DeliveryHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === wanted) return Array.isArray(v) ? v.join(', ') : v;
  }
  return undefined;
}

function signatureParts(spec: HmacSignatureSpec, raw: string): string[] {
  return (spec.separator ? raw.split(spec.separator) : [raw]).map((p) => p.trim()).filter((p) => p !== '');
}

/** Where a value was looked for, for error sentences. */
function describeSource(source: DeliveryValueSource): string {
  if (source.in === 'header') return `${source.name} header`;
  if (source.in === 'payload') return `payload field ${source.path}`;
  return `"${source.prefix}" part of the signature header`;
}

function readSource(spec: HmacSignatureSpec, source: DeliveryValueSource, body: string, headers: DeliveryHeaders): string | undefined {
  if (source.in === 'header') return headerValue(headers, source.name);
  if (source.in === 'signature') {
    const raw = headerValue(headers, spec.header);
    const part = raw === undefined ? undefined : signatureParts(spec, raw).find((p) => p.startsWith(source.prefix));
    return part?.slice(source.prefix.length);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return undefined;
  }
  const v = readField(payload, source.path);
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** The signing key's bytes: prefix stripped, then decoded as declared. */
export function secretBytes(spec: HmacSignatureSpec, secret: string): Buffer {
  const bare = spec.secretPrefix && secret.startsWith(spec.secretPrefix) ? secret.slice(spec.secretPrefix.length) : secret;
  return Buffer.from(bare, spec.secretEncoding ?? 'utf8');
}

/** Seconds since the epoch a timestamp stands for, given its unit. */
function timestampSeconds(text: string, unit: 'seconds' | 'milliseconds' | 'iso8601' = 'seconds'): number | undefined {
  const n = unit === 'iso8601' ? Date.parse(text) / 1000 : unit === 'milliseconds' ? Number(text) / 1000 : Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The values the content template may name, read from the delivery; the first one missing is an error. */
function contentValues(spec: HmacSignatureSpec, body: string, headers: DeliveryHeaders): { values: Record<string, string> } | { error: string } {
  const values: Record<string, string> = { body };
  const template = spec.content ?? '{body}';
  for (const [name, source] of [['timestamp', spec.timestamp], ['id', spec.id]] as const) {
    if (!template.includes(`{${name}}`) && !(name === 'timestamp' && source)) continue;
    if (!source) return { error: `the signed content names {${name}} but the scheme does not say where the ${name} is` };
    const value = readSource(spec, source, body, headers);
    if (value === undefined) return { error: `missing ${name} (${describeSource(source)})` };
    values[name] = value;
  }
  return { values };
}

/** The HMAC of a delivery under the scheme, as the raw digest (tests and fixtures sign with it). */
export function hmacDigest(spec: HmacSignatureSpec, secret: string, values: Record<string, string>): Buffer {
  const content = (spec.content ?? '{body}').replace(/\{(body|timestamp|id)\}/g, (m, name: string) => values[name] ?? m);
  return createHmac(spec.algorithm ?? 'sha256', secretBytes(spec, secret)).update(content).digest();
}

/** Verifies one delivery against a declared HMAC scheme: any one matching signature in the header passes. */
export function verifyHmac(spec: HmacSignatureSpec, secret: string, body: string, headers: DeliveryHeaders, nowMs: number): SignatureResult {
  const raw = headerValue(headers, spec.header);
  if (raw === undefined) return { valid: false, error: `missing ${spec.header} header` };
  const read = contentValues(spec, body, headers);
  if ('error' in read) return { valid: false, error: read.error };
  const seconds = read.values.timestamp === undefined ? undefined : timestampSeconds(read.values.timestamp, spec.timestamp?.unit);
  const ageSeconds = seconds === undefined ? undefined : nowMs / 1000 - seconds;
  const prefix = spec.prefix ?? '';
  const candidates = signatureParts(spec, raw).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  if (candidates.length === 0) return { valid: false, ageSeconds, error: `${spec.header} holds no signature starting with "${prefix}"` };
  const expected = hmacDigest(spec, secret, read.values);
  const valid = candidates.some((c) => {
    const given = Buffer.from(c, spec.encoding ?? 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return { valid, ageSeconds, error: valid ? undefined : `no ${spec.header} signature matches` };
}
