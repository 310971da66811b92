import { sleep } from './sleep.js';
import { Agent, request } from 'undici';
import type { ApiProfile } from '../config/profile-types.js';
import type { ClientRetryPolicy } from '../config/scenario-types.js';
import type { OperationInvoke, Outcome, PaymentOperation } from '../history/types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { buildRequest, maskField, operationSpec, readField, type RequestParams } from './request.js';
import { classifyError, outcomeOf, type FailureClass } from './classify.js';
import { urlOnTarget } from '../safety.js';
import { DEFAULT_MERCHANT, merchantNames } from '../profile/merchants.js';

/** What the workload learns from one attempt. */
export interface AttemptResult {
  outcome: Outcome;
  status?: number;
  body?: unknown;
  resourceId?: string;
  paymentStatus?: string;
  failure?: FailureClass;
  retryAfterSeconds?: number;
  /** `METHOD url` of the request as sent (base path and query included), for error messages. */
  sent?: string;
}

/** Why this request exists and what it is about; stored on the invoke record. */
export interface RequestMeta {
  process: number;
  logicalId: string;
  intent?: OperationInvoke['intent'];
  resourceId?: string;
  amount?: number;
}

export interface PaymentClientOptions {
  baseUrl: string;
  profile: ApiProfile;
  recorder: HistoryRecorder;
  timeoutMs: number;
  /** Aborts in-flight requests when the run is interrupted. */
  signal?: AbortSignal;
}


/** The consumer's HTTP client (undici): sends profile-shaped requests, records invoke/complete, retries per policy. */
export class PaymentClient {
  private readonly agent = new Agent({ connections: 64, keepAliveTimeout: 2_000, connect: { timeout: 2_000 } });
  private nextOpId = 1;
  private readonly keepHeaders: string[];
  private timeoutMs: number;

  constructor(private readonly options: PaymentClientOptions) {
    const replayed = options.profile.idempotency.replayedHeader?.toLowerCase();
    this.keepHeaders = ['retry-after', 'content-type', ...(replayed ? [replayed] : [])];
    this.timeoutMs = options.timeoutMs;
  }

  /** The profile requests are shaped by: flows that follow the lifecycle read it. */
  get profile(): ApiProfile {
    return this.options.profile;
  }

  /** Called when a scenario starts: its consumer gives up on an answer after this long (its `client.timeoutMs`). */
  useTimeout(ms: number): void {
    this.timeoutMs = ms;
  }

  /** The merchants (credential sets) the profile declares, `default` first. */
  get merchants(): string[] {
    return merchantNames(this.options.profile);
  }

  /** Requests sent so far (every attempt), for the progress line. */
  get sent(): number {
    return this.nextOpId - 1;
  }

  /** One attempt: invoke → HTTP → complete. Never throws for HTTP or transport failures. */
  async attempt(op: PaymentOperation, params: RequestParams, meta: RequestMeta, attempt: number): Promise<AttemptResult> {
    const { profile, recorder } = this.options;
    const built = buildRequest(profile, op, params);
    // Before the invoke: a path that would leave the target is a profile mistake, not a request.
    const url = urlOnTarget(this.options.baseUrl, built.path);
    const sent = `${built.method} ${url.href}`;
    const opId = this.nextOpId++;
    const started = recorder.now();
    recorder.append({
      kind: 'invoke', opId, process: meta.process, op, logicalId: meta.logicalId, attempt, intent: meta.intent ?? 'workload',
      idempotencyKey: params.idempotencyKey, ...(params.merchant !== undefined && params.merchant !== DEFAULT_MERCHANT ? { merchant: params.merchant } : {}), resourceId: meta.resourceId, method: built.method, path: built.path,
      body: built.fields, amount: meta.amount, time: started,
    });
    const spec = operationSpec(profile, op);
    const signals = [AbortSignal.timeout(this.timeoutMs), ...(this.options.signal ? [this.options.signal] : [])];
    try {
      const res = await request(url, {
        method: built.method as 'GET', headers: built.headers, body: built.body, dispatcher: this.agent, signal: AbortSignal.any(signals),
      });
      const text = await res.body.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch { /* keep text */ }
      const headers: Record<string, string> = {};
      for (const name of this.keepHeaders) {
        const v = res.headers[name];
        if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
      }
      const success = spec.successStatus ? spec.successStatus.includes(res.statusCode) : res.statusCode >= 200 && res.statusCode < 300;
      const outcome = outcomeOf(built.method, res.statusCode, success);
      const resourceId = success ? stringOr(readField(body, profile.fields.id)) : undefined;
      const snapshot = op === 'refund' ? (profile.fields.refundPayment ? readField(body, profile.fields.refundPayment) : undefined) : body;
      const paymentStatus = success && op !== 'list' ? stringOr(readField(snapshot, profile.fields.status)) : undefined;
      const retryAfter = headers['retry-after'] !== undefined ? Number(headers['retry-after']) : undefined;
      // The signing secret a registration returns is a credential, whatever the API calls its field.
      const secretPath = op === 'registerWebhook' ? profile.webhooks?.secretPath : undefined;
      const recordedBody = secretPath ? maskField(body, secretPath) : body;
      recorder.append({
        kind: 'complete', opId, outcome, status: res.statusCode, body: recordedBody, headers, resourceId, paymentStatus, latencyMs: recorder.now() - started,
      });
      return { outcome, status: res.statusCode, body, resourceId, paymentStatus, retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined, sent };
    } catch (error) {
      const { failure, message } = classifyError(error);
      const outcome = outcomeOf(built.method, undefined, false, failure);
      recorder.append({ kind: 'complete', opId, outcome, error: message, latencyMs: recorder.now() - started });
      return { outcome, failure, sent };
    }
  }

  /** Attempts until success, a non-retryable answer, the attempt limit, or an interrupt. */
  async perform(op: PaymentOperation, params: RequestParams, meta: RequestMeta, retry: ClientRetryPolicy): Promise<AttemptResult> {
    let result: AttemptResult = { outcome: 'info' };
    for (let n = 1; n <= retry.attempts; n++) {
      result = await this.attempt(op, params, { ...meta, intent: n === 1 ? meta.intent : 'retry' }, n);
      if (result.outcome === 'ok' || this.options.signal?.aborted || n === retry.attempts || !retryable(result, retry)) return result;
      const backoff = retry.backoffMs * retry.multiplier ** (n - 1);
      const retryAfterMs = Math.min((result.retryAfterSeconds ?? 0) * 1000, 5_000);
      await sleep(Math.max(backoff, retryAfterMs), this.options.signal);
    }
    return result;
  }

  async close(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function retryable(r: AttemptResult, policy: ClientRetryPolicy): boolean {
  if (r.status === undefined) {
    const cls = r.failure === 'timeout' ? 'timeout' : 'reset';
    return policy.on.includes(cls);
  }
  if (r.status >= 500) return policy.on.includes('5xx');
  if (r.status === 409) return policy.on.includes('409');
  if (r.status === 429) return policy.on.includes('429');
  return false;
}
