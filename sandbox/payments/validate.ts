import { ProblemError } from '../problem.js';

/** Largest amount the sandbox accepts, in minor units: far below 2^53 so JSON numbers stay exact. */
export const MAX_AMOUNT = 100_000_000_000;

export type CaptureMode = 'automatic' | 'manual';

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  reference: string | null;
  capture: CaptureMode;
}

function invalid(detail: string): never {
  throw new ProblemError(400, 'invalid_request', detail);
}

/** The JSON body as an object; a missing body counts as `{}` for routes whose fields are all optional. */
export function bodyObject(body: unknown, required: boolean): Record<string, unknown> {
  if (body === undefined || body === null) {
    if (required) invalid('a JSON object body is required');
    return {};
  }
  if (typeof body !== 'object' || Array.isArray(body)) invalid('the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** A positive integer amount in minor units (no strings, fractions, negatives or zero). */
export function amountField(body: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const value = body[name];
  if (value === undefined || (value === null && !required)) {
    if (required) invalid(`${name} is required: a positive integer in minor units, e.g. 1250 for 12.50`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) invalid(`${name} must be an integer in minor units, e.g. 1250 for 12.50`);
  if (value <= 0) invalid(`${name} must be greater than 0`);
  if (value > MAX_AMOUNT) invalid(`${name} must be at most ${MAX_AMOUNT}`);
  return value;
}

/** PostgreSQL text cannot hold NUL, so it is refused here rather than failing in the database. */
export function isReference(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 255 && !value.includes('\u0000');
}

export function parseCreatePayment(raw: unknown): CreatePaymentInput {
  const body = bodyObject(raw, true);
  const amount = amountField(body, 'amount', true) as number;
  const { currency, reference, capture } = body;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    invalid('currency must be a three-letter upper-case ISO 4217 code, e.g. "EUR"');
  }
  if (reference !== undefined && reference !== null && !isReference(reference)) {
    invalid('reference must be a string of 1 to 255 characters, without NUL');
  }
  if (capture !== undefined && capture !== 'automatic' && capture !== 'manual') {
    invalid('capture must be "automatic" or "manual"');
  }
  return {
    amount,
    currency,
    reference: typeof reference === 'string' ? reference : null,
    capture: (capture ?? 'automatic') as CaptureMode,
  };
}

/** Webhook endpoint registration: an http(s) URL and the event types it wants (`["*"]` for all). */
export function parseWebhookEndpoint(raw: unknown, eventTypes: readonly string[]): { url: string; events: string[] } {
  const body = bodyObject(raw, true);
  const { url, events } = body;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) invalid('url must be an absolute http(s) URL');
  const list = events === undefined ? ['*'] : events;
  if (!Array.isArray(list) || list.length === 0 || !list.every((e) => typeof e === 'string')) {
    invalid(`events must be a non-empty array of event types (${eventTypes.join(', ')}) or ["*"]`);
  }
  const unknown = (list as string[]).filter((e) => e !== '*' && !eventTypes.includes(e));
  if (unknown.length > 0) invalid(`unknown event types: ${unknown.join(', ')}; valid: ${eventTypes.join(', ')} or "*"`);
  return { url: url as string, events: list as string[] };
}
