/**
 * `npm run bench:checks`: a synthetic 1,000,000-operation history judged by every check.
 * Prints the time the checks took and the peak memory of the process. Aim: ≤ 5 s, ≤ 1 GB.
 */
import { CHECKS, judge } from '../harness/checks/index.js';
import { SANDBOX_PROFILE } from '../harness/config/sandbox-profile.js';
import type { HistoryRecord } from '../harness/history/types.js';
import { Prng } from '../harness/workload/prng.js';

const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 1_000_000);

let peakRss = 0;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 20);

/** Payment flows (create → capture or refund → get) with lost answers, retries and retried callbacks. */
function synthesize(operations: number): HistoryRecord[] {
  const rng = new Prng(1);
  const h: HistoryRecord[] = [{ kind: 'run', time: 0, target: 'default', runId: 'bench', seed: 1, startedAt: new Date(0).toISOString(), meta: {} }];
  let opId = 0;
  let time = 0;
  let ops = 0;
  let flow = 0;
  const op = (kind: 'create' | 'capture' | 'refund' | 'get', key: string | undefined, resourceId: string | undefined, amount: number | undefined, answer: { status?: number; body?: unknown; id?: string; paymentStatus?: string }): void => {
    const id = ++opId;
    ops++;
    time += 1;
    // Only the fields a record read back from JSONL would have (no `undefined` slots).
    h.push({
      kind: 'invoke', time, target: 'default', opId: id, process: flow % 64, op: kind, logicalId: key ?? `g${id}`, attempt: 1,
      ...(key ? { idempotencyKey: key } : {}), ...(resourceId ? { resourceId } : {}), method: kind === 'get' ? 'GET' : 'POST',
      path: kind === 'create' ? '/v1/payments' : `/v1/payments/${resourceId}/${kind}`, ...(amount === undefined ? {} : { body: { amount }, amount }),
    });
    const status = answer.status;
    h.push(status === undefined
      ? { kind: 'complete', time: time + 3, target: 'default', opId: id, outcome: 'info', error: 'ECONNRESET' }
      : { kind: 'complete', time: time + 3, target: 'default', opId: id, outcome: status < 300 ? 'ok' : 'fail', status, body: answer.body, ...(answer.id ? { resourceId: answer.id } : {}), ...(answer.paymentStatus ? { paymentStatus: answer.paymentStatus } : {}) });
  };
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
    if (rng.chance(0.2)) h.push({ kind: 'delivery', time: time + 5, target: 'default', eventId: evt, eventType: 'payment.created', resourceId: pay, answeredStatus: 500, signatureValid: true, signatureAgeSeconds: 0 });
    h.push({ kind: 'delivery', time: time + 1_005, target: 'default', eventId: evt, eventType: 'payment.created', resourceId: pay, answeredStatus: 200, signatureValid: true, signatureAgeSeconds: 0 });
    h.push({ kind: 'reference-count', time, target: 'default', reference: `ref-${flow}`, logicalId: key, resourceIds: [pay] });
    h.push({ kind: 'final-read', time, target: 'default', resourceId: pay, outcome: 'ok', status: 200, paymentStatus: final.status, amount, amountCaptured: final.amount_captured, amountRefunded: final.amount_refunded, currency: 'EUR' });
  }
  return h;
}

const t0 = performance.now();
const history = synthesize(OPERATIONS);
const generated = performance.now() - t0;
(globalThis as { gc?: () => void }).gc?.();
sample();
const before = process.memoryUsage().rss;
const profile = structuredClone(SANDBOX_PROFILE);
profile.webhooks!.retryPolicy.timeScale = 1;

const cpu0 = process.cpuUsage();
const t1 = performance.now();
const perCheck: string[] = [];
for (const check of CHECKS) {
  const start = performance.now();
  const [verdict] = judge(history, { profile }, [check.name]);
  perCheck.push(`  ${check.name.padEnd(28)} ${(performance.now() - start).toFixed(0).padStart(6)} ms  ${verdict!.verdict}${verdict!.error ? ` (${verdict!.error})` : ''}`);
}
const checksMs = performance.now() - t1;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
sample();
clearInterval(sampler);
// Live memory with the history and every check index still referenced (garbage collected first).
(globalThis as { gc?: () => void }).gc?.();
const liveHeap = process.memoryUsage().heapUsed;
const historyRetained = history.length; // keeps the history (and the indexes keyed on it) alive up to here

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
process.stdout.write(`bench:checks — ${OPERATIONS.toLocaleString('en')} operations, ${history.length.toLocaleString('en')} history records (generated in ${(generated / 1000).toFixed(1)} s)\n`);
process.stdout.write(`${perCheck.join('\n')}\n`);
process.stdout.write(`all ${CHECKS.length} checks: ${(checksMs / 1000).toFixed(2)} s wall, ${(cpuMs / 1000).toFixed(2)} s CPU (wall time suffers on a busy machine); peak RSS ${mb(peakRss)} (history alone ${mb(before)}); live heap after judging ${mb(liveHeap)} for ${historyRetained.toLocaleString('en')} records\n`);
process.stdout.write(`targets: ≤ 5 s ${checksMs <= 5_000 ? 'met' : 'MISSED'}, ≤ 1 GB ${peakRss <= 1024 ** 3 ? 'met' : 'MISSED'}\n`);
