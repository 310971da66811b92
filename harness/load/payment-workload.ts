import { performance } from 'node:perf_hooks';
import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { PaymentOperation, OperationInvoke } from '../history/types.js';
import { buildRequest, readField, type RequestParams } from '../workload/request.js';
import type { IterationContext, IterationFn } from './engine.js';
import { DEFAULT_EXPECTED, isExpected, type ExpectedStatus, type TimedHttpClient, type TimedResponse } from './http-timing.js';
import type { CompiledExecutor } from './load-scenario.js';
import type { FlowName } from './scenario-types.js';
import { iterationRandom, pickWeighted } from './random.js';
import type { CheckTally } from './summary.js';
import type { MetricRegistry } from './metrics.js';

/** What one logical create left behind, for the end-of-run reference listing. */
export interface CreatedPayment {
  logicalId: string;
  reference: string;
  duplicated: boolean;
  /** A request of the iteration got no answer or a 5xx: the API may still be working on it. */
  unanswered?: boolean;
}

export interface PaymentWorkloadOptions {
  profile: ApiProfile;
  client: TimedHttpClient;
  recorder: HistoryRecorder;
  checks: CheckTally;
  metrics: MetricRegistry;
  seed: number;
  runId: string;
  /** performance.now() at the recorder's time 0. */
  perfOrigin: number;
  expected?: readonly ExpectedStatus[];
  /**
   * Which logical creates `created` remembers for the end-of-run listing: all (default), only those
   * sent twice, or none. A soak run without final reads must not hold one entry per payment.
   */
  remember?: 'all' | 'duplicates' | 'none';
  /**
   * Called with each remembered create once its iteration ended, instead of keeping it in
   * `created` (a soak run reads payments back as it goes: rolling-reads.ts).
   */
  onIterationEnd?: (payment: CreatedPayment) => void;
}

interface Step {
  op: PaymentOperation;
  params: RequestParams;
  logicalId: string;
  attempt: number;
  intent: NonNullable<OperationInvoke['intent']>;
  resourceId?: string;
  amount?: number;
  /** This request's key is sent twice: the checks compare both bodies, so the history keeps them whole. */
  keepBody?: boolean;
}

/** Response headers the history keeps, on both engines (the k6 script gets this list too). */
export const KEPT_HEADERS: readonly string[] = ['idempotent-replayed', 'retry-after', 'location'];

/**
 * The payment flows of a load scenario as engine iterations: each iteration is one logical
 * payment (create, then capture/refund/get by flow), every POST with a fresh idempotency key; a
 * seeded share of creates is sent twice with the same key. Everything is recorded in the history
 * the chaos checks judge.
 */
export class PaymentWorkload {
  private opId = 0;
  readonly created: CreatedPayment[] = [];

  constructor(private readonly options: PaymentWorkloadOptions) {}

  iterationFor(executor: CompiledExecutor): IterationFn {
    return (ctx) => this.iterate(executor, ctx);
  }

  private async iterate(executor: CompiledExecutor, ctx: IterationContext): Promise<void> {
    const { runId, seed } = this.options;
    const random = iterationRandom(seed, executor.name, ctx.iteration);
    const flow = pickWeighted(random, executor.flows);
    const roll = random();
    const concurrentCopy = roll < executor.concurrentDuplicates;
    const retryCopy = !concurrentCopy && roll < executor.concurrentDuplicates + executor.retryDuplicates;
    const amount = executor.amount.min + Math.floor(random() * (executor.amount.max - executor.amount.min + 1));
    const logicalId = `${executor.name}-${ctx.iteration}`;
    const reference = `${runId}-${logicalId}`;
    const duplicated = concurrentCopy || retryCopy;
    const payment: CreatedPayment = { logicalId, reference, duplicated };
    const remember = this.options.remember ?? 'all';
    const remembered = remember === 'all' || (remember === 'duplicates' && duplicated);
    const { onIterationEnd } = this.options;
    if (remembered && !onIterationEnd) this.created.push(payment);
    try {
      await this.steps(executor, ctx, { flow, amount, concurrentCopy, retryCopy, payment });
    } finally {
      if (remembered && onIterationEnd) onIterationEnd(payment);
    }
  }

  /** The iteration's requests; a request unanswered or answered 5xx marks `payment.unanswered`. */
  private async steps(
    executor: CompiledExecutor,
    ctx: IterationContext,
    it: { flow: FlowName; amount: number; concurrentCopy: boolean; retryCopy: boolean; payment: CreatedPayment },
  ): Promise<void> {
    const { profile } = this.options;
    const { flow, amount, concurrentCopy, retryCopy, payment } = it;
    const { logicalId, reference, duplicated } = payment;
    const captureMode = flow === 'authorize-capture' ? 'manual' : 'automatic';
    const note = (r: TimedResponse): TimedResponse => {
      if (r.status === 0 || r.status >= 500) payment.unanswered = true;
      return r;
    };
    const create: Step = {
      op: 'create',
      params: { amount, currency: profile.currency, reference, captureMode, idempotencyKey: `${reference}-create` },
      logicalId,
      attempt: 1,
      intent: 'workload',
      amount,
      keepBody: duplicated,
    };
    const inFlight = [...DEFAULT_EXPECTED, ...profile.idempotency.inFlightStatus];
    const first = this.send(executor, ctx, create, ctx.intendedStart).then(note);
    let created: TimedResponse;
    if (concurrentCopy) {
      const copy = this.send(executor, ctx, { ...create, attempt: 2, intent: 'concurrent-copy' }, ctx.intendedStart, inFlight, 'duplicate answered once').then(note);
      [created] = await Promise.all([first, copy]);
    } else {
      created = await first;
      if (retryCopy) note(await this.send(executor, ctx, { ...create, attempt: 2, intent: 'retry' }, performance.now(), undefined, 'retry replayed'));
    }
    const id = created.status >= 200 && created.status < 300 ? this.idOf(created) : undefined;
    if (id === undefined || flow === 'create' || ctx.signal.aborted) return;
    const follow: Step =
      flow === 'authorize-capture'
        ? { op: 'capture', params: { id, amount, idempotencyKey: `${reference}-capture` }, logicalId, attempt: 1, intent: 'workload', resourceId: id, amount }
        : flow === 'create-refund'
          ? { op: 'refund', params: { id, amount: Math.max(1, Math.floor(amount / 2)), idempotencyKey: `${reference}-refund` }, logicalId, attempt: 1, intent: 'workload', resourceId: id, amount: Math.max(1, Math.floor(amount / 2)) }
          : { op: 'get', params: { id }, logicalId, attempt: 1, intent: 'workload', resourceId: id };
    note(await this.send(executor, ctx, follow, performance.now()));
  }

  private idOf(response: TimedResponse): string | undefined {
    const json = parseJson(response.body);
    const id = readField(json, this.options.profile.fields.id);
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  }

  private async send(
    executor: CompiledExecutor,
    ctx: IterationContext,
    step: Step,
    intendedStart: number,
    expected: readonly ExpectedStatus[] = this.options.expected ?? DEFAULT_EXPECTED,
    checkName = `${step.op} succeeded`,
  ): Promise<TimedResponse> {
    const { profile, recorder, client, perfOrigin } = this.options;
    const built = buildRequest(profile, step.op, step.params);
    const opId = ++this.opId;
    recorder.append({
      kind: 'invoke',
      time: intendedStart - perfOrigin,
      opId,
      process: ctx.vu,
      op: step.op,
      logicalId: step.logicalId,
      attempt: step.attempt,
      intent: step.intent,
      ...(step.params.idempotencyKey === undefined ? {} : { idempotencyKey: step.params.idempotencyKey }),
      ...(step.resourceId === undefined ? {} : { resourceId: step.resourceId }),
      method: built.method,
      path: built.path,
      ...(built.fields === undefined ? {} : { body: built.fields }),
      ...(step.amount === undefined ? {} : { amount: step.amount }),
    }, { keepBody: step.keepBody === true });
    const response = await client.request(
      { method: built.method, path: built.path, headers: built.headers, body: built.body },
      { scenario: executor.name, vu: ctx.vu, name: step.op, intendedStart, expected, signal: ctx.signal },
    );
    const json = parseJson(response.body);
    const status = response.status;
    const outcome = status >= 200 && status < 300 ? 'ok' : status >= 400 && status < 500 ? 'fail' : 'info';
    const resourceId = status >= 200 && status < 300 ? readField(json, profile.fields.id) : undefined;
    const paymentStatus = readField(json, profile.fields.status);
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const v = response.headers[name];
      if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
    }
    recorder.append({
      kind: 'complete',
      time: performance.now() - perfOrigin,
      opId,
      outcome,
      ...(status > 0 ? { status, body: json ?? response.body } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(typeof resourceId === 'string' || typeof resourceId === 'number' ? { resourceId: String(resourceId) } : {}),
      ...(typeof paymentStatus === 'string' ? { paymentStatus } : {}),
      ...(response.error === undefined ? {} : { error: response.error }),
      latencyMs: response.durationMs,
    });
    const passed = status > 0 && isExpected(status, expected);
    this.options.checks.add(checkName, passed);
    this.options.metrics.add('checks', passed ? 1 : 0, { scenario: executor.name, check: checkName, group: '' });
    return response;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
