import type { ApiProfile, OperationSpec } from '../config/profile-types.js';
import type { PaymentOperation } from '../history/types.js';
import { UsageError } from '../errors.js';
import { encodeAmount } from '../profile/amount-format.js';
import { mapPlaceholder } from '../profile/value-maps.js';
import { expandEnvText } from '../profile/env-values.js';
import { merchantHeaders } from '../profile/merchants.js';

/** Values a request template's `{placeholders}` may take. */
export interface RequestParams {
  id?: string;
  amount?: number;
  currency?: string;
  reference?: string;
  captureMode?: 'automatic' | 'manual';
  idempotencyKey?: string;
  /** The profile's merchant (credential set) to send as; default the profile's `headers`. */
  merchant?: string;
  /** Webhook registration: the sink URL and the events to subscribe to. */
  url?: string;
  events?: string[];
}

/** A concrete HTTP request, ready for undici; `path` includes the query string. */
export interface BuiltRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  contentType?: string;
  /** The body as structured data (before encoding), for the history. */
  fields?: Record<string, unknown>;
}

const WHOLE_PLACEHOLDER = /^\{(\w+)\}$/;
const PLACEHOLDER = /\{(\w+)\}/g;

/** The template for one operation, or a clear error when the profile does not define it. */
export function operationSpec(profile: ApiProfile, op: PaymentOperation): OperationSpec {
  const spec = op === 'registerWebhook' ? profile.webhooks?.register : profile.operations[op];
  if (!spec) {
    throw new UsageError('E_PROFILE_OPERATION', `profile "${profile.name}" does not define operation "${op}"`, {
      hint: op === 'registerWebhook' ? 'add webhooks.register to the profile' : `add operations.${op} to the profile, or remove "${op}" from the scenario's mix`,
    });
  }
  return spec;
}

/**
 * Every placeholder's value as this operation writes it: currency defaults to the profile's in every
 * operation, placeholder maps apply (`captureMode` → `true`, `currency` → `eur`), and `{amount}` takes
 * the profile's amount format (minor units, a decimal with the currency's exponent, or an object).
 */
export function placeholderValues(profile: ApiProfile, spec: OperationSpec, params: RequestParams): Record<string, unknown> {
  const currency = params.currency ?? profile.currency;
  const values: Record<string, unknown> = {};
  const { merchant: _merchant, ...placeholders } = params;
  for (const [name, value] of Object.entries({ ...placeholders, currency })) values[name] = mapPlaceholder(profile, name, value);
  if (params.amount !== undefined) values.amount = encodeAmount(profile, params.amount, currency, spec.amountFormat, values.currency);
  return values;
}

/** A placeholder's value inside longer text: scalars as written, lists comma-joined, objects as JSON. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(textOf).join(',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Replaces placeholders; a value that is exactly one placeholder keeps the value's type; unset → undefined. */
function fill(template: unknown, values: Record<string, unknown>): unknown {
  if (typeof template === 'string') {
    const whole = WHOLE_PLACEHOLDER.exec(template);
    if (whole) return values[whole[1]!];
    return template.replace(PLACEHOLDER, (m, name: string) => textOf(values[name]));
  }
  if (Array.isArray(template)) return template.map((t) => fill(t, values)).filter((v) => v !== undefined);
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(template)) {
      const filled = fill(v, values);
      if (filled !== undefined) out[k] = filled;
    }
    return out;
  }
  return template;
}

function fillPath(template: string, values: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (m, name: string) => encodeURIComponent(textOf(values[name])));
}

/**
 * `${VAR}` / `${VAR:-default}` in header values, resolved per request so credentials stay out of
 * profiles written to run directories. Loading a profile already refused unset variables; one that
 * was built in code and names an unset variable is refused here, never sent as an empty header.
 */
function expandEnv(header: string, value: string): string {
  return expandEnvText(value, process.env, (variable) => {
    throw new UsageError('E_PROFILE_ENV', `header ${header} uses \${${variable}}, which is not set`, {
      hint: `set ${variable} in the environment, or write \${${variable}:-default} in the profile`,
    });
  });
}

/** The headers every request as `merchant` (default: the profile's `headers`) carries, `${VAR}`s resolved. */
export function requestHeaders(profile: ApiProfile, merchant?: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(merchantHeaders(profile, merchant))) headers[k] = expandEnv(k, v);
  return headers;
}

/** Rails/Stripe-style form encoding: nested objects as a[b], arrays as a[]. */
export function formEncode(fields: Record<string, unknown>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((v) => walk(`${prefix}[]`, v));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${prefix}[${k}]`, v);
    else pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`);
  };
  for (const [k, v] of Object.entries(fields)) walk(k, v);
  return pairs.join('&');
}

/** Builds the request a profile prescribes for `op`: placeholders, JSON or form body, key in a header or a body field. */
export function buildRequest(profile: ApiProfile, op: PaymentOperation, params: RequestParams): BuiltRequest {
  const spec = operationSpec(profile, op);
  const values = placeholderValues(profile, spec, params);
  let path = fillPath(spec.path, values);
  if (spec.query) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query)) {
      const filled = textOf(fill(v, values));
      if (filled !== '') query.set(k, filled);
    }
    const qs = query.toString();
    if (qs) path += `${path.includes('?') ? '&' : '?'}${qs}`;
  }
  const headers = requestHeaders(profile, params.merchant);
  let fields = spec.body ? (fill(spec.body, values) as Record<string, unknown>) : undefined;
  if (params.idempotencyKey !== undefined && spec.method !== 'GET') {
    if (profile.idempotency.in === 'header') headers[profile.idempotency.name] = params.idempotencyKey;
    else fields = { ...(fields ?? {}), [profile.idempotency.name]: params.idempotencyKey };
  }
  if (fields === undefined || spec.method === 'GET') return { method: spec.method, path, headers };
  const contentType = profile.encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  const body = profile.encoding === 'form' ? formEncode(fields) : JSON.stringify(fields);
  headers['content-type'] = contentType;
  return { method: spec.method, path, headers, body, contentType, fields };
}

/** Reads a simple JSON path (`$.id`, `$.data[0].id`, `$.amounts.captured`); undefined when absent. */
const parsedPaths = new Map<string, string[]>();

export function readField(json: unknown, path: string): unknown {
  // Checks read a few paths millions of times: parse each path once.
  let steps = parsedPaths.get(path);
  if (!steps) {
    steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
    parsedPaths.set(path, steps);
  }
  let cur: unknown = json;
  for (const step of steps) {
    if (cur === null || cur === undefined) return undefined;
    if (step.startsWith('[')) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[Number(step.slice(1, -1))];
    } else {
      if (typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

/** A copy of `json` with the value at `path` replaced (for secrets a profile points at, e.g. the webhook signing secret). */
export function maskField(json: unknown, path: string, mask = '[REDACTED]'): unknown {
  const steps = path.replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  if (steps.length === 0 || json === null || typeof json !== 'object') return json;
  const copy: unknown = Array.isArray(json) ? [...json] : { ...(json as Record<string, unknown>) };
  const [head, ...rest] = steps;
  const key: string | number = head!.startsWith('[') ? Number(head!.slice(1, -1)) : head!;
  const container = copy as Record<string | number, unknown>;
  if (!(key in container)) return json;
  container[key] = rest.length === 0 ? mask : maskField(container[key], `$.${rest.join('.').replace(/\.\[/g, '[')}`, mask);
  return copy;
}
