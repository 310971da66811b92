import type { HistoryRecord, OperationInvoke, OperationComplete, PaymentOperation, DeliveryRecord } from '../../history/types.js';
import { SANDBOX_PROFILE } from '../../config/sandbox-profile.js';
import type { ApiProfile } from '../../config/profile-types.js';

/** Builds hand-made histories for check tests: requests, answers, deliveries, final reads. */
export class TestHistory {
  readonly records: HistoryRecord[] = [];
  private opId = 0;
  private clock = 0;

  constructor() {
    this.records.push({ kind: 'run', time: 0, target: 'default', runId: 'r', seed: 1, startedAt: new Date(0).toISOString(), meta: {} });
  }

  at(time: number): this {
    this.clock = time;
    return this;
  }

  /** A request and its answer; `answer: undefined` leaves it open, `status: undefined` makes it a transport failure (info). */
  request(
    op: PaymentOperation,
    opts: { key?: string; logicalId?: string; resourceId?: string; amount?: number; body?: unknown; intent?: OperationInvoke['intent']; process?: number; duration?: number },
    answer?: { status?: number; body?: unknown; resourceId?: string; paymentStatus?: string; outcome?: OperationComplete['outcome'] },
  ): number {
    const opId = ++this.opId;
    const time = this.clock;
    this.records.push({
      kind: 'invoke', time, target: 'default', opId, process: opts.process ?? 0, op, logicalId: opts.logicalId ?? opts.key ?? `l${opId}`, attempt: 1,
      intent: opts.intent ?? 'workload', idempotencyKey: opts.key, resourceId: opts.resourceId, method: op === 'get' ? 'GET' : 'POST',
      path: `/v1/${op}${opts.resourceId ? `/${opts.resourceId}` : ''}`, body: opts.body ?? (opts.amount !== undefined ? { amount: opts.amount } : undefined), amount: opts.amount,
    });
    if (answer) {
      const status = answer.status;
      const outcome = answer.outcome ?? (status === undefined ? 'info' : status < 300 ? 'ok' : status >= 500 ? 'info' : 'fail');
      this.records.push({
        kind: 'complete', time: time + (opts.duration ?? 10), target: 'default', opId, outcome, status, body: answer.body,
        resourceId: answer.resourceId, paymentStatus: answer.paymentStatus, ...(status === undefined ? { error: 'ECONNRESET' } : {}),
      });
    }
    this.clock = time + (opts.duration ?? 10) + 1;
    return opId;
  }

  payment(id: string, status: string, amount: number, captured: number, refunded = 0): Record<string, unknown> {
    return { id, status, amount, amount_captured: captured, amount_refunded: refunded, currency: 'EUR' };
  }

  delivery(eventId: string, time: number, answeredStatus: number, extra: Partial<DeliveryRecord> = {}): this {
    this.records.push({ kind: 'delivery', time, target: 'default', eventId, answeredStatus, signatureValid: true, signatureAgeSeconds: 0, ...extra });
    return this;
  }

  finalRead(resourceId: string, status: string, amount: number, captured: number, refunded = 0): this {
    this.records.push({
      kind: 'final-read', time: this.clock++, target: 'default', resourceId, outcome: 'ok', status: 200, paymentStatus: status,
      amount, amountCaptured: captured, amountRefunded: refunded, currency: 'EUR',
    });
    return this;
  }

  referenceCount(logicalId: string, resourceIds: string[]): this {
    this.records.push({ kind: 'reference-count', time: this.clock++, target: 'default', reference: `ref-${logicalId}`, logicalId, resourceIds });
    return this;
  }

  push(record: HistoryRecord): this {
    this.records.push(record);
    return this;
  }
}

/** The sandbox profile with a compact retry policy (time scale 1: delays 100, 200, 400 ms). */
export function testProfile(): ApiProfile {
  const p = structuredClone(SANDBOX_PROFILE);
  // Hand-built histories answer by status alone; tests of code-based error rules add their own.
  delete p.errors;
  p.webhooks!.retryPolicy = { initialIntervalMs: 100, multiplier: 2, maxIntervalMs: 1000, jitter: 0.1, maxAttempts: 4, honoursRetryAfter: true, stopOn: [410], timeScale: 1 };
  return p;
}
