import type { HistoryRecorder } from '../history/recorder.js';
import type { OperationInvoke, PaymentOperation } from '../history/types.js';
import type { K6Point } from './k6-ndjson.js';
import type { CreatedPayment } from './payment-workload.js';

/** The counter the generated script tags with each request's outcome. */
export const OPS_METRIC = 'payharness_ops';
const INTENTS = new Set(['workload', 'retry', 'replay', 'concurrent-copy', 'payload-change']);

function json(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Turns the script's `payharness_ops` points into history records: an invoke at the request's
 * start (`t0` tag) and its completion at the point's time, in start order. Returns the logical
 * creates so the end-of-run reference listing covers them.
 */
export function appendK6History(points: readonly K6Point[], recorder: HistoryRecorder): CreatedPayment[] {
  const sorted = [...points].sort((a, b) => Number(a.tags.t0) - Number(b.tags.t0));
  const created = new Map<string, CreatedPayment>();
  let opId = 0;
  for (const p of sorted) {
    const t = p.tags;
    const op = t.op as PaymentOperation;
    const status = Number(t.st);
    const id = ++opId;
    const amount = t.amount === undefined ? undefined : Number(t.amount);
    const requestBody = json(t.req);
    recorder.append({
      kind: 'invoke',
      time: Number(t.t0) - recorder.startedAtMs,
      opId: id,
      process: Number(t.vu ?? 0),
      op,
      logicalId: t.logical ?? `k6-${id}`,
      attempt: Number(t.attempt ?? 1),
      intent: (INTENTS.has(t.intent ?? '') ? t.intent : 'workload') as NonNullable<OperationInvoke['intent']>,
      ...(t.ikey ? { idempotencyKey: t.ikey } : {}),
      ...(t.target_id ? { resourceId: t.target_id } : {}),
      method: t.method ?? 'GET',
      path: t.path ?? '',
      ...(requestBody === null || requestBody === undefined ? {} : { body: requestBody }),
      ...(amount === undefined || Number.isNaN(amount) ? {} : { amount }),
    });
    const outcome = status >= 200 && status < 300 ? 'ok' : status >= 400 && status < 500 ? 'fail' : 'info';
    recorder.append({
      kind: 'complete',
      time: p.timeMs - recorder.startedAtMs,
      opId: id,
      outcome,
      ...(status > 0 ? { status } : {}),
      ...(status > 0 && t.res ? { body: json(t.res) } : {}),
      ...(t.replayed ? { headers: { 'idempotent-replayed': t.replayed } } : {}),
      ...(t.rid ? { resourceId: t.rid } : {}),
      ...(t.pst ? { paymentStatus: t.pst } : {}),
      ...(t.err ? { error: t.err } : {}),
      latencyMs: Number(t.ms),
    });
    if (op === 'create' && t.logical && t.ref && !created.has(t.logical)) {
      created.set(t.logical, { logicalId: t.logical, reference: t.ref, duplicated: t.dup === '1' });
    }
  }
  return [...created.values()];
}
