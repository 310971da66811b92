/**
 * The benches' synthetic history, shaped like what `readHistory` returns for a real run: one parsed
 * object per JSONL line, operations in time order, reference listings and final reads at the end —
 * or, for the streamed bench, right after each flow (a soak run's shape: each flow settles).
 */
import type { HistoryRecord, RunStart } from '../harness/history/types.js';
import { Prng } from '../harness/workload/prng.js';

export interface SyntheticOptions {
  /** Stamp every record with this scenario (the streamed judge judges per scenario). */
  scenario?: string;
  /** The run record's meta (profile, scenarios) when the judge reads it. */
  meta?: Record<string, unknown>;
  /** List and read each payment right after its flow instead of all at the end. */
  finalPerFlow?: boolean;
}

/**
 * Payment flows (create → capture or refund → get) with lost answers, retries and retried
 * callbacks, one record at a time: the streamed bench never holds them all.
 */
export function* syntheticRecords(operations: number, options: SyntheticOptions = {}): Generator<HistoryRecord> {
  const rng = new Prng(1);
  const stamp = options.scenario === undefined ? {} : { scenario: options.scenario };
  // Until the final phase keep only each flow's amount and capture mode, not records.
  const amounts: number[] = [];
  const manualFlows: boolean[] = [];
  const run: RunStart = { kind: 'run', time: 0, target: 'default', runId: 'bench', seed: 1, startedAt: new Date(0).toISOString(), meta: options.meta ?? {} };
  yield run;
  let opId = 0;
  let time = 0;
  let ops = 0;
  let flow = 0;
  const pending: HistoryRecord[] = [];
  const op = (kind: 'create' | 'capture' | 'refund' | 'get', key: string | undefined, resourceId: string | undefined, amount: number | undefined, answer: { status?: number; body?: unknown; id?: string; paymentStatus?: string }): void => {
    const id = ++opId;
    ops++;
    time += 1;
    // Only the fields a record read back from JSONL would have (no `undefined` slots).
    pending.push({
      kind: 'invoke', time, target: 'default', ...stamp, opId: id, process: flow % 64, op: kind, logicalId: key ?? `g${id}`, attempt: 1,
      ...(key ? { idempotencyKey: key } : {}), ...(resourceId ? { resourceId } : {}), method: kind === 'get' ? 'GET' : 'POST',
      path: kind === 'create' ? '/v1/payments' : `/v1/payments/${resourceId}/${kind}`, ...(amount === undefined ? {} : { body: { amount }, amount }),
    });
    const status = answer.status;
    pending.push(status === undefined
      ? { kind: 'complete', time: time + 3, target: 'default', ...stamp, opId: id, outcome: 'info', error: 'ECONNRESET' }
      : { kind: 'complete', time: time + 3, target: 'default', ...stamp, opId: id, outcome: status < 300 ? 'ok' : 'fail', status, body: answer.body, ...(answer.id ? { resourceId: answer.id } : {}), ...(answer.paymentStatus ? { paymentStatus: answer.paymentStatus } : {}) });
  };
  const listing = (f: number, at: number): HistoryRecord => ({ kind: 'reference-count', time: at, target: 'default', ...stamp, reference: `ref-${f}`, logicalId: `k${f}`, resourceIds: [`pay_${f}`] });
  const finalRead = (f: number, at: number, amount: number, manual: boolean): HistoryRecord => ({
    kind: 'final-read', time: at, target: 'default', ...stamp, resourceId: `pay_${f}`, outcome: 'ok', status: 200, paymentStatus: manual ? 'succeeded' : 'partially_refunded',
    amount, amountCaptured: amount, amountRefunded: manual ? 0 : Math.floor(amount / 2), currency: 'EUR',
  });
  while (ops < operations) {
    flow++;
    const key = `k${flow}`;
    const pay = `pay_${flow}`;
    const amount = rng.int(100, 10_000);
    const manual = rng.chance(0.5);
    const created = { id: pay, status: manual ? 'requires_capture' : 'succeeded', amount, amount_captured: manual ? 0 : amount, amount_refunded: 0, currency: 'EUR' };
    if (rng.chance(0.1)) op('create', key, undefined, amount, {}); // lost answer, then the retry
    op('create', key, undefined, amount, { status: 201, body: created, id: pay, paymentStatus: created.status });
    let final = created;
    if (manual) {
      final = { ...created, status: 'succeeded', amount_captured: amount };
      op('capture', `${key}-c`, pay, amount, { status: 200, body: final, id: pay, paymentStatus: 'succeeded' });
    } else {
      const refund = Math.floor(amount / 2);
      final = { ...created, status: 'partially_refunded', amount_refunded: refund };
      op('refund', `${key}-r`, pay, refund, { status: 201, body: { id: `re_${flow}`, payment: final }, id: `re_${flow}` });
    }
    op('get', undefined, pay, undefined, { status: 200, body: final, id: pay, paymentStatus: final.status });
    const evt = `evt_${flow}`;
    if (rng.chance(0.2)) pending.push({ kind: 'delivery', time: time + 5, target: 'default', ...stamp, eventId: evt, eventType: 'payment.created', resourceId: pay, answeredStatus: 500, signatureValid: true, signatureAgeSeconds: 0 });
    pending.push({ kind: 'delivery', time: time + 1_005, target: 'default', ...stamp, eventId: evt, eventType: 'payment.created', resourceId: pay, answeredStatus: 200, signatureValid: true, signatureAgeSeconds: 0 });
    if (options.finalPerFlow) {
      pending.push(listing(flow, time + 4), finalRead(flow, time + 4, amount, manual));
    } else {
      amounts.push(amount);
      manualFlows.push(manual);
    }
    yield* pending;
    pending.length = 0;
  }
  if (options.finalPerFlow) return;
  // Deliveries are recorded as they arrive, up to ~1 s after the last operation; the final phase follows.
  const end = time + 2_000;
  for (let f = 1; f <= flow; f++) yield listing(f, end);
  for (let f = 1; f <= flow; f++) yield finalRead(f, end + 1, amounts[f - 1]!, manualFlows[f - 1]!);
}

/** The whole synthetic history in memory, every record parsed from its own JSON line (no objects or strings shared between records). */
export function synthesize(operations: number): HistoryRecord[] {
  const h: HistoryRecord[] = [];
  for (const r of syntheticRecords(operations)) h.push(JSON.parse(JSON.stringify(r)) as HistoryRecord);
  return h;
}
