import type { HistoryRecorder } from '../history/recorder.js';
import type { OperationInvoke, PaymentOperation } from '../history/types.js';
import type { K6Point } from './k6-ndjson.js';
import type { CreatedPayment } from './payment-workload.js';

/** The counter the generated script adds one point to per request. */
export const OPS_METRIC = 'payharness_ops';
/** The metadata key of that point holding the request's record (JSON); see k6-runtime.ts. */
export const OP_METADATA = 'payharness_op';
const INTENTS = new Set(['workload', 'retry', 'replay', 'concurrent-copy', 'payload-change']);
const OPERATIONS: ReadonlySet<string> = new Set<PaymentOperation>(['create', 'capture', 'refund', 'cancel', 'get', 'list', 'registerWebhook']);

/** One request as the script recorded it (strings where the script's meta holds strings). */
interface K6OpRecord {
  op: string;
  logical?: string;
  ref?: string;
  dup?: string;
  ikey?: string;
  amount?: string;
  attempt?: string;
  intent?: string;
  target_id?: string;
  /** Epoch ms the request started. */
  t0: number;
  /** k6's `res.timings.duration`. */
  ms: number;
  method?: string;
  path?: string;
  st: number;
  vu?: number;
  /** The request's fields (before encoding). */
  req?: unknown;
  /** The response body as text (left out when longer than the script's limit). */
  res?: string;
  headers?: Record<string, string>;
  rid?: string;
  pst?: string;
  err?: string;
}

export interface K6HistoryResult {
  /** The logical creates, for the end-of-run reference listing. */
  created: CreatedPayment[];
  /** payharness_ops points whose record was missing or unreadable (not rebuilt). */
  unreadable: number;
}

function parseBody(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The record a point carries in its metadata, or undefined when it has none or it is not one. */
export function opRecordOf(point: K6Point): K6OpRecord | undefined {
  const text = point.metadata?.[OP_METADATA];
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as Partial<K6OpRecord> | null;
    if (!parsed || typeof parsed.op !== 'string' || !OPERATIONS.has(parsed.op)) return undefined;
    if (typeof parsed.t0 !== 'number' || typeof parsed.st !== 'number') return undefined;
    return parsed as K6OpRecord;
  } catch {
    return undefined;
  }
}

/**
 * Turns the script's `payharness_ops` points into history records: an invoke at the request's
 * start (`t0`) and its completion at the point's time, in start order. The records have the
 * shape the built-in engine writes for the same requests (payment-workload.ts).
 */
export function rebuildK6History(points: readonly K6Point[], recorder: HistoryRecorder): K6HistoryResult {
  const records: { point: K6Point; op: K6OpRecord }[] = [];
  let unreadable = 0;
  for (const point of points) {
    const op = opRecordOf(point);
    if (op) records.push({ point, op });
    else unreadable++;
  }
  records.sort((a, b) => a.op.t0 - b.op.t0);
  const created = new Map<string, CreatedPayment>();
  let opId = 0;
  for (const { point, op: t } of records) {
    const id = ++opId;
    const amount = t.amount === undefined ? undefined : Number(t.amount);
    recorder.append({
      kind: 'invoke',
      time: t.t0 - recorder.startedAtMs,
      opId: id,
      process: Number(t.vu ?? 0),
      op: t.op as PaymentOperation,
      logicalId: t.logical ?? `k6-${id}`,
      attempt: Number(t.attempt ?? 1),
      intent: (INTENTS.has(t.intent ?? '') ? t.intent : 'workload') as NonNullable<OperationInvoke['intent']>,
      ...(t.ikey ? { idempotencyKey: t.ikey } : {}),
      ...(t.target_id ? { resourceId: t.target_id } : {}),
      method: t.method ?? 'GET',
      path: t.path ?? '',
      ...(t.req === undefined || t.req === null ? {} : { body: t.req }),
      ...(amount === undefined || Number.isNaN(amount) ? {} : { amount }),
    });
    const status = t.st;
    const outcome = status >= 200 && status < 300 ? 'ok' : status >= 400 && status < 500 ? 'fail' : 'info';
    recorder.append({
      kind: 'complete',
      time: point.timeMs - recorder.startedAtMs,
      opId: id,
      outcome,
      ...(status > 0 ? { status } : {}),
      ...(status > 0 && t.res !== undefined ? { body: parseBody(t.res) } : {}),
      ...(t.headers && Object.keys(t.headers).length ? { headers: t.headers } : {}),
      ...(t.rid ? { resourceId: t.rid } : {}),
      ...(t.pst ? { paymentStatus: t.pst } : {}),
      ...(t.err ? { error: t.err } : {}),
      latencyMs: Number(t.ms),
    });
    if (t.op === 'create' && t.logical && t.ref && !created.has(t.logical)) {
      created.set(t.logical, { logicalId: t.logical, reference: t.ref, duplicated: t.dup === '1' });
    }
  }
  return { created: [...created.values()], unreadable };
}
