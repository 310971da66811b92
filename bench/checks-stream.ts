/**
 * The streamed half of `npm run bench:checks`: a synthetic 10,000,000-operation history shaped like
 * a soak run's (each flow listed and read right after it ends), generated one record at a time and
 * judged by the streaming judge as it goes, flows judged once quiet for 2 s of history time.
 * Prints time and peak RSS every 1M operations. Aim: ≤ 60 s, ≤ 1 GB.
 * Option (env): BENCH_STREAM_OPERATIONS (default 10,000,000).
 */
import { CHECKS } from '../harness/checks/index.js';
import { flowNeedOf, streamNeedOf } from '../harness/checks/stream-needs.js';
import { StreamJudge } from '../harness/checks/stream-judge.js';
import { SANDBOX_PROFILE } from '../harness/config/sandbox-profile.js';
import { syntheticRecords } from './synthetic-history.js';

const OPERATIONS = Number(process.env.BENCH_STREAM_OPERATIONS ?? 10_000_000);
const SETTLE_MS = 2_000;

const profile = structuredClone(SANDBOX_PROFILE);
profile.webhooks!.retryPolicy.timeScale = 1;
// The checks a soak run can judge flow by flow (the load defaults among them); the callback and payment-write checks need the whole history (docs/load.md).
const streamed = CHECKS.filter((c) => flowNeedOf(c) !== undefined).map((c) => c.name);
const whole = CHECKS.filter((c) => streamNeedOf(c) === 'whole').map((c) => c.name);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const judge = new StreamJudge({ settleAfterMs: SETTLE_MS, ...(process.env.BENCH_BATCH ? { batchFlows: Number(process.env.BENCH_BATCH) } : {}) });
const meta = { profile, scenarios: [{ name: 'soak', checks: streamed.map((name) => ({ name })) }] };
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let records = 0;
let operations = 0;
let nextReport = 1_000_000;
process.stdout.write(`bench:checks (streamed) — ${OPERATIONS.toLocaleString('en')} operations judged as they are generated, flows settled after ${SETTLE_MS} ms quiet\n`);
for (const r of syntheticRecords(OPERATIONS, { scenario: 'soak', meta, finalPerFlow: true })) {
  judge.push(r);
  records++;
  if (r.kind === 'invoke' && ++operations >= nextReport) {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    process.stdout.write(`  ${(operations / 1e6).toFixed(0).padStart(3)}M operations  ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  peak RSS ${mb(peakRss)}  flows held ${judge.heldFlows}\n`);
    nextReport += 1_000_000;
  }
}
const verdict = judge.end();
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
for (const c of verdict.scenarios[0]!.checks) process.stdout.write(`  ${c.name.padEnd(28)} ${c.verdict}${c.judged !== undefined ? ` (${c.judged.toLocaleString('en')} ${c.unit ?? ''})` : ''}${c.error ? ` — ${c.error}` : ''}\n`);
process.stdout.write(`streamed: ${records.toLocaleString('en')} records, ${(wallMs / 1000).toFixed(1)} s wall (generation included), ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; peak RSS ${mb(peakRss)}\n`);
process.stdout.write(`checks judged flow by flow: ${streamed.join(', ')}; needing the whole history (not in this figure): ${whole.join(', ')}\n`);
process.stdout.write(`targets: ≤ 60 s ${wallMs <= 60_000 ? 'met' : 'MISSED'}, ≤ 1 GB ${peakRss <= 1024 ** 3 ? 'met' : 'MISSED'} (wall time suffers on a busy machine)\n`);
