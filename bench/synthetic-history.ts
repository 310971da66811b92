/**
 * The benches' synthetic history, shaped like what `readHistory` returns for a real run of the
 * sandbox: one parsed object per JSONL line, operations in time order, reference listings and final
 * reads at the end — or, for the streamed bench, right after each flow (a soak run's shape: each
 * flow settles). Answers are valid for contracts/schemas, and some keys are replayed or reused with
 * a changed payload, so every check the benches run has something to judge.
 */
import type { HistoryRecord, OperationInvoke, PaymentOperation, RunStart } from '../harness/history/types.js';
import { Prng } from '../harness/workload/prng.js';

export interface SyntheticOptions {
  /** Stamp every record with this scenario (the streamed judge judges per scenario). */
  scenario?: string;
  /** The run record's meta (profile, scenarios) when the judge reads it. */
  meta?: Record<string, unknown>;
  /** List and read each payment right after its flow instead of all at the end. */
  finalPerFlow?: boolean;
}

/** Share of flows whose create answer is lost (then retried), replayed, or whose key is reused with a changed amount. */
const LOST = 0.1;
const REPLAYED = 0.05;
const CHANGED = 0.02;
const EPOCH = Date.UTC(2026, 0, 1);
const KEY_REUSED = {
  type: 'https://payharness.dev/problems/idempotency-key-reused', title: 'Idempotency key reused with a different payload', status: 422, code: 'idempotency_key_reused',
};
const PROBLEM_HEADERS = { 'content-type': 'application/problem+json' };
const REPLAY_HEADERS = { 'idempotent-replayed': 'true' };
const NO_ANSWER: Answer = {};

interface Answer {
  status?: number;
  body?: unknown;
  id?: string;
  paymentStatus?: string;
  headers?: Record<string, string>;
}

/**
 * Payment flows (create → capture or refund → get) with lost answers, retries, replays, changed
 * payloads and retried callbacks, one record at a time: the streamed bench never holds them all.
 * Records are built with their fields in one fixed order per kind (as JSON.parse gives them); the
 * only `undefined` slot is `scenario` when none is given (synthesize's JSON round trip drops it).
 */
export function* syntheticRecords(operations: number, options: SyntheticOptions = {}): Generator<HistoryRecord> {
  for (const records of syntheticFlows(operations, options)) yield* records;
}

/**
 * The same records a flow at a time (the run record first, then each flow's records; the final
 * phase, when not per flow, as one more group): one generator step per flow instead of per record.
 * Each array is reused for the next flow, so read it before asking for the next.
 */
export function* syntheticFlows(operations: number, options: SyntheticOptions = {}): Generator<readonly HistoryRecord[]> {
  const rng = new Prng(1);
  const { scenario } = options;
  // Until the final phase keep only each flow's amount and capture mode, not records.
  const amounts: number[] = [];
  const manualFlows: boolean[] = [];
  const run: RunStart = { kind: 'run', time: 0, target: 'default', runId: 'bench', seed: 1, startedAt: new Date(EPOCH).toISOString(), meta: options.meta ?? {} };
  yield [run];
  let lastOpId = 0;
  let time = 0;
  let ops = 0;
  let flow = 0;
  let second = -1;
  let createdAt = '';
  const pending: HistoryRecord[] = [];
  const stamp = (r: HistoryRecord): void => {
    pending.push(r);
  };
  // Each record is one object literal with all its fields (a field added afterwards costs each record a second allocation).
  const op = (kind: PaymentOperation, key: string | undefined, resourceId: string | undefined, path: string, body: unknown, amount: number | undefined,
    answer: Answer, intent?: OperationInvoke['intent']): void => {
    const opId = ++lastOpId;
    ops++;
    time += 1;
    const process = flow % 64;
    if (kind === 'get') {
      stamp({ kind: 'invoke', time, target: 'default', scenario, opId, process, op: kind, logicalId: `g${opId}`, attempt: 1, resourceId: resourceId!, method: 'GET', path });
    } else if (intent) {
      stamp({ kind: 'invoke', time, target: 'default', scenario, opId, process, op: kind, logicalId: key!, attempt: 2, intent, idempotencyKey: key!,
        method: 'POST', path, body, amount: amount! });
    } else if (resourceId) {
      stamp({ kind: 'invoke', time, target: 'default', scenario, opId, process, op: kind, logicalId: key!, attempt: 1, idempotencyKey: key!, resourceId,
        method: 'POST', path, body, amount: amount! });
    } else {
      stamp({ kind: 'invoke', time, target: 'default', scenario, opId, process, op: kind, logicalId: key!, attempt: 1, idempotencyKey: key!,
        method: 'POST', path, body, amount: amount! });
    }
    const at = time + 3;
    const { status, body: answered, id, paymentStatus, headers } = answer;
    if (status === undefined) {
      stamp({ kind: 'complete', time: at, target: 'default', scenario, opId, outcome: 'info', error: 'ECONNRESET' });
      return;
    }
    const outcome = status < 300 ? 'ok' : 'fail';
    if (headers && id) stamp({ kind: 'complete', time: at, target: 'default', scenario, opId, outcome, status, body: answered, headers, resourceId: id, paymentStatus: paymentStatus! });
    else if (headers) stamp({ kind: 'complete', time: at, target: 'default', scenario, opId, outcome, status, body: answered, headers });
    else if (paymentStatus) stamp({ kind: 'complete', time: at, target: 'default', scenario, opId, outcome, status, body: answered, resourceId: id!, paymentStatus });
    else stamp({ kind: 'complete', time: at, target: 'default', scenario, opId, outcome, status, body: answered, resourceId: id! });
  };
  // A flow's own id strings when it has them at hand (the streamed bench), instead of building each again.
  const listing = (f: number, at: number, reference = `ref-${f}`, key = `k${f}`, pay = `pay_${f}`): HistoryRecord => ({
    kind: 'reference-count', time: at, target: 'default', scenario, reference, logicalId: key, resourceIds: [pay],
  });
  const finalRead = (f: number, at: number, amount: number, manual: boolean, pay = `pay_${f}`): HistoryRecord => ({
    kind: 'final-read', time: at, target: 'default', scenario, resourceId: pay, outcome: 'ok', status: 200, paymentStatus: manual ? 'succeeded' : 'partially_refunded',
    amount, amountCaptured: amount, amountRefunded: manual ? 0 : Math.floor(amount / 2), currency: 'EUR',
  });
  while (ops < operations) {
    flow++;
    const key = `k${flow}`;
    const pay = `pay_${flow}`;
    const reference = `ref-${flow}`;
    const payPath = `/v1/payments/${pay}`;
    const amount = rng.int(100, 10_000);
    const manual = rng.chance(0.5);
    if (Math.floor(time / 1000) !== second) {
      second = Math.floor(time / 1000);
      createdAt = new Date(EPOCH + second * 1000).toISOString();
    }
    const request = { amount, currency: 'EUR', reference, capture: manual ? 'manual' : 'automatic' };
    const created = { id: pay, status: manual ? 'requires_capture' : 'succeeded', amount, currency: 'EUR', amount_captured: manual ? 0 : amount, amount_refunded: 0, reference, created_at: createdAt };
    const createdAnswer: Answer = { status: 201, body: created, id: pay, paymentStatus: created.status };
    if (rng.chance(LOST)) op('create', key, undefined, '/v1/payments', request, amount, NO_ANSWER); // lost answer, then the retry
    op('create', key, undefined, '/v1/payments', request, amount, createdAnswer);
    // A replay or a changed payload is sent once the stored answer is back (the answer comes 3 ms after the request).
    if (rng.chance(REPLAYED)) {
      time += 3;
      op('create', key, undefined, '/v1/payments', request, amount, { ...createdAnswer, headers: REPLAY_HEADERS }, 'replay');
    }
    if (rng.chance(CHANGED)) {
      time += 3;
      op('create', key, undefined, '/v1/payments', { ...request, amount: amount + 1 }, amount + 1, { status: 422, body: KEY_REUSED, headers: PROBLEM_HEADERS }, 'payload-change');
    }
    let final = created;
    if (manual) {
      final = { ...created, status: 'succeeded', amount_captured: amount };
      op('capture', `${key}-c`, pay, `${payPath}/capture`, { amount }, amount, { status: 200, body: final, id: pay, paymentStatus: 'succeeded' });
    } else {
      const refund = Math.floor(amount / 2);
      final = { ...created, status: 'partially_refunded', amount_refunded: refund };
      op('refund', `${key}-r`, pay, `${payPath}/refunds`, { amount: refund }, refund,
        { status: 201, body: { id: `re_${flow}`, payment_id: pay, amount: refund, status: 'succeeded', payment: final }, id: `re_${flow}` });
    }
    op('get', undefined, pay, payPath, undefined, undefined, { status: 200, body: final, id: pay, paymentStatus: final.status });
    const evt = `evt_${flow}`;
    if (rng.chance(0.2)) stamp({ kind: 'delivery', time: time + 5, target: 'default', scenario, eventId: evt, eventType: 'payment.created', resourceId: pay, answeredStatus: 500, signatureValid: true, signatureAgeSeconds: 0 });
    stamp({ kind: 'delivery', time: time + 1_005, target: 'default', scenario, eventId: evt, eventType: 'payment.created', resourceId: pay, answeredStatus: 200, signatureValid: true, signatureAgeSeconds: 0 });
    if (options.finalPerFlow) {
      stamp(listing(flow, time + 4, reference, key, pay));
      stamp(finalRead(flow, time + 4, amount, manual, pay));
    } else {
      amounts.push(amount);
      manualFlows.push(manual);
    }
    yield pending;
    pending.length = 0;
  }
  if (options.finalPerFlow) return;
  // Deliveries are recorded as they arrive, up to ~1 s after the last operation; the final phase follows.
  const end = time + 2_000;
  const final: HistoryRecord[] = [];
  for (let f = 1; f <= flow; f++) final.push(listing(f, end));
  for (let f = 1; f <= flow; f++) final.push(finalRead(f, end + 1, amounts[f - 1]!, manualFlows[f - 1]!));
  yield final;
}

/** The whole synthetic history in memory, every record parsed from its own JSON line (no objects or strings shared between records). */
export function synthesize(operations: number): HistoryRecord[] {
  const h: HistoryRecord[] = [];
  for (const r of syntheticRecords(operations)) h.push(JSON.parse(JSON.stringify(r)) as HistoryRecord);
  return h;
}
