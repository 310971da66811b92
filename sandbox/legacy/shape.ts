/**
 * The legacy flavour's API shape (`payharness sandbox --flavour legacy`): the same payments, the
 * same idempotency and the same callbacks as the sandbox, written the way an older service would —
 * `/api/charges` paths, decimal amounts (`"12.50"`), upper-case state names, event types of its own,
 * `X-Request-Id` as the idempotency key and `{error: {code, message}}` errors. Only the words change:
 * every request is served by the sandbox's own handlers, so both shapes must agree on every meaning.
 */

export const LEGACY_STATES: Readonly<Record<string, string>> = {
  requires_capture: 'AUTHORISED', succeeded: 'SETTLED', partially_refunded: 'PART_REFUNDED', refunded: 'REFUNDED', canceled: 'VOIDED',
};

export const LEGACY_EVENTS: Readonly<Record<string, string>> = {
  'payment.created': 'charge.created', 'payment.captured': 'charge.settled', 'payment.refunded': 'charge.refunded', 'payment.canceled': 'charge.voided',
};

/** The service's own exponent table (it shares nothing with the harness). */
const EXPONENTS: Readonly<Record<string, number>> = { JPY: 0, KRW: 0, KWD: 3, BHD: 3 };
const exponentOf = (currency: unknown): number => EXPONENTS[String(currency).toUpperCase()] ?? 2;

export function toDecimal(minor: unknown, currency: unknown): unknown {
  if (typeof minor !== 'number' || !Number.isInteger(minor)) return minor;
  const e = exponentOf(currency);
  const digits = String(Math.abs(minor)).padStart(e + 1, '0');
  return `${minor < 0 ? '-' : ''}${e === 0 ? digits : `${digits.slice(0, -e)}.${digits.slice(-e)}`}`;
}

/** `"12.50"` EUR → 1250; anything else is passed on unchanged, for the sandbox's validation to refuse. */
export function fromDecimal(text: unknown, currency: unknown): unknown {
  if (typeof text !== 'string') return text;
  const e = exponentOf(currency);
  const m = (e === 0 ? /^(\d{1,15})$/ : new RegExp(`^(\\d{1,15})\\.(\\d{${e}})$`)).exec(text);
  return m ? Number(`${m[1]}${m[2] ?? ''}`) : text;
}

const reverse = (map: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k]));
const SANDBOX_EVENTS = reverse(LEGACY_EVENTS);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A sandbox payment as the legacy service shows a charge. */
export function chargeView(p: Json): Json {
  return {
    charge_id: p.id, state: LEGACY_STATES[String(p.status)] ?? p.status, total: toDecimal(p.amount, p.currency), ccy: p.currency,
    settled_total: toDecimal(p.amount_captured, p.currency), refunded_total: toDecimal(p.amount_refunded, p.currency),
    merchant_ref: p.reference, created: p.created_at,
  };
}

const isPayment = (v: unknown): boolean => isObject(v) && 'amount_captured' in v && 'status' in v;

/** Any sandbox answer body in the legacy shape (payments, lists, refunds, webhook endpoints, errors). */
export function toLegacyAnswer(body: unknown, problem: boolean): unknown {
  if (!isObject(body)) return body;
  if (problem) return { error: { code: body.code, message: body.detail } };
  if (Array.isArray(body.data)) return { charges: body.data.map((p: unknown) => (isPayment(p) ? chargeView(p as Json) : p)) };
  if (isPayment(body)) return chargeView(body);
  if (isObject(body.payment) && 'payment_id' in body) {
    const payment = body.payment;
    return { refund_id: body.id, total: toDecimal(body.amount, payment.currency), charge: isPayment(payment) ? chargeView(payment) : payment };
  }
  if ('secret' in body && 'url' in body) {
    const events = Array.isArray(body.events) ? body.events.map((e) => LEGACY_EVENTS[String(e)] ?? e) : body.events;
    return { hook_id: body.id, callback_url: body.url, events, signing_secret: body.secret };
  }
  return body;
}

/** A legacy request body as the sandbox's handlers take it; `route` is the sandbox path it was routed to. */
export function toSandboxRequest(route: string, body: unknown): unknown {
  if (!isObject(body)) return body;
  if (route === '/v1/payments') {
    const capture = body.settle === 'auto' ? 'automatic' : body.settle === 'manual' ? 'manual' : body.settle;
    return { amount: fromDecimal(body.total, body.ccy), currency: body.ccy, reference: body.merchant_ref, ...(capture === undefined ? {} : { capture }) };
  }
  if (route === '/v1/webhook_endpoints') {
    const events = Array.isArray(body.events) ? body.events.map((e) => SANDBOX_EVENTS[String(e)] ?? e) : body.events;
    return { url: body.callback_url, events };
  }
  if (/\/(capture|refunds)$/.test(route)) return body.total === undefined ? {} : { amount: fromDecimal(body.total, body.ccy ?? 'EUR') };
  return body;
}

/** A webhook payload in the legacy shape: `{event_id, event_type, occurred_at, charge}`. */
export function toLegacyEvent(payload: string): string {
  const event = JSON.parse(payload) as Json;
  const object = isObject(event.data) ? event.data.object : undefined;
  return JSON.stringify({
    event_id: event.id, event_type: LEGACY_EVENTS[String(event.type)] ?? event.type, occurred_at: event.created_at,
    charge: isPayment(object) ? chargeView(object as Json) : object,
  });
}

/** Legacy path → sandbox path (with the query renamed); undefined: not a legacy route. */
export function toSandboxUrl(method: string, url: string): string | undefined {
  const [path = '', query = ''] = url.split('?', 2);
  const q = query.replace(/(^|&)merchant_ref=/g, '$1reference=');
  const withQuery = (p: string): string => (q ? `${p}?${q}` : p);
  if (path === '/api/charges') return withQuery('/v1/payments');
  if (path === '/api/hooks' && method === 'POST') return '/v1/webhook_endpoints';
  if (path === '/api/hook_policy') return '/v1/webhook_policy';
  const m = /^\/api\/charges\/([^/]+)(?:\/(settle|refund|void))?$/.exec(path);
  if (!m) return undefined;
  const action = m[2] ? { settle: 'capture', refund: 'refunds', void: 'cancel' }[m[2]] : undefined;
  return `/v1/payments/${m[1]}${action ? `/${action}` : ''}`;
}
