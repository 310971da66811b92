/**
 * `npm run bench:checks`: a synthetic 1,000,000-operation history judged by every check.
 * Prints the time the checks took and the peak memory of the process. Aim: ≤ 5 s, ≤ 1 GB.
 * `npm run bench:checks` then runs bench/checks-stream.ts in its own process: 10M operations judged streaming.
 */
import { CHECKS, judge } from '../harness/checks/index.js';
import { SANDBOX_PROFILE } from '../harness/config/sandbox-profile.js';
import { synthesize } from './synthetic-history.js';

const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 1_000_000);

let peakRss = 0;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 20);

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
  // The synthetic history has no merchants, no thresholds and no overlapping or forbidden writes: those checks have nothing to judge.
  const why = verdict!.verdict === 'unknown' ? ` — the synthetic history gave it nothing to judge: ${verdict!.error ?? 'no reason given'}` : verdict!.error ? ` (${verdict!.error})` : '';
  const judged = verdict!.judged ? ` (${verdict!.judged.toLocaleString('en')} ${verdict!.unit ?? ''})` : '';
  perCheck.push(`  ${check.name.padEnd(28)} ${(performance.now() - start).toFixed(0).padStart(6)} ms  ${verdict!.verdict}${judged}${why}`);
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
