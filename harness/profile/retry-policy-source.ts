import { request } from 'undici';
import { Ajv } from 'ajv';
import type { ApiProfile, RetryPolicy, RetryPolicyKey } from '../config/profile-types.js';
import { RETRY_POLICY_SCHEMA } from '../config/profile-schema.js';
import { readField, requestHeaders } from '../workload/request.js';
import { answerMessage } from '../workload/answer-message.js';
import { urlOnTarget } from '../safety.js';
import { InfraError, UsageError } from '../errors.js';

const validatePolicy = new Ajv({ allErrors: true, strict: false }).compile(RETRY_POLICY_SCHEMA);

/** The keys whose published value is a list of statuses; the rest are numbers or, for honoursRetryAfter, a boolean. */
const STATUS_LISTS: ReadonlySet<RetryPolicyKey> = new Set(['stopOn', 'retryAfterStatuses']);

/** A published value as the policy wants it: numbers and booleans may come as text ("1000", "true"). */
function coerce(key: RetryPolicyKey, value: unknown): unknown {
  if (STATUS_LISTS.has(key)) {
    const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
    return list.map((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v));
  }
  if (key === 'honoursRetryAfter' && typeof value === 'string') return /^(true|1|yes)$/i.test(value.trim()) ? true : /^(false|0|no)$/i.test(value.trim()) ? false : value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/**
 * The policy a webhook spec promises once its `from` endpoint is read: the endpoint's values at the
 * declared JSON paths, the keys the profile gives beside `from` over them, then the defaults a file
 * may leave out (honoursRetryAfter false, stopOn [], timeScale 1). A policy without `from` is as it is.
 * An endpoint that does not answer 2xx, or whose values do not make a complete policy, is an error
 * naming the URL and each missing or bad key.
 */
export async function resolveRetryPolicy(profile: ApiProfile, baseUrl: string, signal?: AbortSignal): Promise<RetryPolicy | undefined> {
  const declared = profile.webhooks?.retryPolicy;
  if (!declared?.from) return declared;
  const { from, ...given } = declared;
  const url = urlOnTarget(baseUrl, from.path);
  const headers = requestHeaders(profile);
  let status: number;
  let body: unknown;
  try {
    const answer = await request(url, { method: 'GET', headers, signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(10_000)]) : AbortSignal.timeout(10_000) });
    status = answer.statusCode;
    const text = await answer.body.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } catch (error) {
    throw new InfraError('E_RETRY_POLICY_SOURCE', `could not read the retry policy from GET ${url.href}: ${(error as Error).message}`, {
      hint: 'check webhooks.retryPolicy.from.path and that the target is up',
    });
  }
  if (status < 200 || status >= 300) {
    const said = answerMessage(body);
    throw new InfraError('E_RETRY_POLICY_SOURCE', `could not read the retry policy: GET ${url.href} answered ${status}${said ? `: ${said}` : ''}`, {
      hint: 'check webhooks.retryPolicy.from.path (it is under the base path) and the profile\'s credentials',
    });
  }
  const published: Partial<Record<RetryPolicyKey, unknown>> = {};
  const absent: string[] = [];
  for (const [key, path] of Object.entries(from.fields) as [RetryPolicyKey, string][]) {
    const value = readField(body, path);
    if (value === undefined || value === null) absent.push(`${key} (${path})`);
    else published[key] = coerce(key, value);
  }
  const policy = { ...published, ...given } as Partial<RetryPolicy>;
  policy.honoursRetryAfter ??= false;
  policy.stopOn ??= [];
  policy.timeScale ??= 1;
  if (!validatePolicy(policy)) {
    const problems = (validatePolicy.errors ?? []).map((e) => (e.keyword === 'required' ? `${String(e.params.missingProperty)} is missing` : `${e.instancePath.slice(1)} ${e.message ?? 'is not valid'}`));
    throw new UsageError('E_RETRY_POLICY_SOURCE', `the retry policy read from GET ${url.href} is incomplete or wrong: ${problems.join('; ')}${absent.length ? `; not in the answer: ${absent.join(', ')}` : ''}`, {
      hint: 'map each key to the JSON path where the endpoint publishes it under retryPolicy.from.fields, or give it beside from:',
    });
  }
  return policy as RetryPolicy;
}

/** Replaces a profile's `from` policy by the one its endpoint publishes (in place); keeps `from` for the record. */
export async function applyRetryPolicySource(profile: ApiProfile, baseUrl: string, signal?: AbortSignal): Promise<void> {
  const webhooks = profile.webhooks;
  if (!webhooks?.retryPolicy.from) return;
  const resolved = await resolveRetryPolicy(profile, baseUrl, signal);
  webhooks.retryPolicy = { ...resolved!, from: webhooks.retryPolicy.from };
}
