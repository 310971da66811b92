import type { ApiProfile } from '../../config/profile-types.js';
import type { PaymentOperation } from '../../history/types.js';
import type { RequestParams } from '../../workload/request.js';
import { statesOf, type PactFile, type PactInteraction } from '../pact-file.js';

/** An interaction that moves money or state: a non-GET carrying an idempotency key. */
export interface EffectfulInteraction {
  consumer: string;
  description: string;
  op: Exclude<PaymentOperation, 'get' | 'list' | 'registerWebhook'>;
  /** Values the request carried, mapped to the profile's placeholders (amount, currency, reference…). */
  params: RequestParams;
  idempotencyKey: string;
  states: Array<{ name: string; params: Record<string, unknown> }>;
  /** The status the contract expects (a 422 mismatch, a 409 state error…), when it says. */
  expectedStatus?: number;
}

const WRITE_OPS = ['create', 'capture', 'refund', 'cancel'] as const;

function headerValue(headers: Record<string, string[] | string> | undefined, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name.toLowerCase()) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

/** The request body as JSON, whatever pact version wrote it (V4 wraps it as `{content}`). */
function bodyOf(interaction: PactInteraction): Record<string, unknown> {
  const body = interaction.request?.body as { content?: unknown } | Record<string, unknown> | undefined;
  const content = body && typeof body === 'object' && 'content' in body && 'contentType' in body ? body.content : body;
  return content && typeof content === 'object' ? (content as Record<string, unknown>) : {};
}

/** `/v1/payments/{id}/capture` → a regex for concrete paths. */
function pathPattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/** Which profile operation an interaction's request is. */
function operationOf(profile: ApiProfile, method: string, path: string): EffectfulInteraction['op'] | undefined {
  for (const op of WRITE_OPS) {
    const spec = profile.operations[op];
    if (spec && spec.method === method.toUpperCase() && pathPattern(spec.path.split('?')[0]!).test(path)) return op;
  }
  return undefined;
}

/** Reverses the profile's body template: `{amount: "{amount}"}` + `{amount: 5000}` → `{amount: 5000}`. */
function paramsFrom(profile: ApiProfile, op: EffectfulInteraction['op'], body: Record<string, unknown>): RequestParams {
  const params: Record<string, unknown> = {};
  for (const [field, template] of Object.entries(profile.operations[op]?.body ?? {})) {
    const placeholder = typeof template === 'string' ? /^\{(\w+)\}$/.exec(template)?.[1] : undefined;
    if (placeholder && body[field] !== undefined) params[placeholder] = body[field];
  }
  return params as RequestParams;
}

/**
 * The interactions of a pact worth replaying under faults: every non-GET request that carries an
 * idempotency key and maps to a write operation of the profile. Reads and key-less writes are skipped.
 */
export function effectfulInteractions(pact: PactFile, profile: ApiProfile): { effectful: EffectfulInteraction[]; skipped: string[] } {
  const effectful: EffectfulInteraction[] = [];
  const skipped: string[] = [];
  for (const interaction of pact.interactions) {
    const request = interaction.request;
    if (!request || request.method.toUpperCase() === 'GET') continue;
    const body = bodyOf(interaction);
    const key = profile.idempotency.in === 'header' ? headerValue(request.headers, profile.idempotency.name) : (body[profile.idempotency.name] as string | undefined);
    const op = operationOf(profile, request.method, request.path);
    if (!key || !op) {
      skipped.push(`${interaction.description} (${!key ? 'no idempotency key' : `${request.method} ${request.path} is no write operation of the profile`})`);
      continue;
    }
    effectful.push({
      consumer: pact.consumer,
      description: interaction.description,
      op,
      params: paramsFrom(profile, op, body),
      idempotencyKey: key,
      states: statesOf(interaction).map((s) => ({ name: s.name, params: { ...(s.params ?? {}) } })),
      ...(interaction.response?.status !== undefined ? { expectedStatus: interaction.response.status } : {}),
    });
  }
  return { effectful, skipped };
}
