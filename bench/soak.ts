/**
 * `npm run bench:soak`: the built-in engine creating payments at 2,000/s for 10 minutes against a
 * trivial local API (bench/trivial-api.cjs, its own process), the history written as a `--soak`
 * run writes it by default (not held in memory, evidence-only bodies, gzip, flows judged once
 * quiet for 2 s). Prints, for each minute (each fifth of a short run), the peak RSS, the peak heap
 * and the live heap (after a full collection: what a leak would grow), then the achieved rate,
 * the history's bytes per request (aim ≤ 200), the peak RSS (aim: flat after warm-up, ≤ 300 MB) and
 * whether re-judging the saved history gives the live verdict. Options: --duration 10m (any k6
 * duration), --rate 2000, --plain (history.jsonl instead of .gz), --full-bodies, --settle-after 2s,
 * --final-reads none|duplicates|all (none by default: reads as the run goes add a listing and a
 * read per payment read, which this machine cannot add at 2,000/s).
 * SOAK_HEAPSNAPSHOTS=20,50 writes heap snapshots at those seconds into the temp directory.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseDuration } from '../harness/load/duration.js';
import { runLoad } from '../harness/load/run-load.js';
import { historyFileIn } from '../harness/history/history-file.js';
import { judgeHistoryFile } from '../harness/checks/stream-file.js';
import { comparableVerdict } from '../harness/checks/stream-compare.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10m' }, rate: { type: 'string', default: '2000' }, plain: { type: 'boolean', default: false }, 'full-bodies': { type: 'boolean', default: false }, 'settle-after': { type: 'string' }, 'final-reads': { type: 'string', default: 'none' } } });
const durationMs = parseDuration(values.duration!);
const rate = Number(values.rate);
const finalReads = values['final-reads']!;
if (!durationMs || !(rate > 0) || !['none', 'duplicates', 'all'].includes(finalReads)) {
  throw new Error('usage: bench:soak [--duration 10m] [--rate 2000] [--plain] [--full-bodies] [--settle-after 2s] [--final-reads none|duplicates|all]');
}

const here = path.dirname(fileURLToPath(import.meta.url));
const child = fork(path.join(here, 'trivial-api.cjs'), finalReads === 'none' ? [] : ['--list'], { stdio: 'inherit' });
const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
const work = mkdtempSync(path.join(tmpdir(), 'payharness-soak-'));
const scenarioFile = path.join(work, 'soak.yaml');
writeFileSync(scenarioFile, `name: soak
seed: 17
scenarios:
  soak:
    executor: constant-arrival-rate
    rate: ${rate}
    duration: ${values.duration}
    preAllocatedVUs: 200
    maxVUs: 2000
    flows: { create: 1 }
    duplicates: { retry: 0.01, concurrent: 0.01 }
finalReads: ${finalReads}
`);

// Peak RSS per interval: a minute, or a fifth of a short run so it still shows a curve.
const intervalMs = Math.min(60_000, Math.max(5_000, durationMs / 5));
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
let peak = 0;
let peakHeap = 0;
let overall = 0;
const started = Date.now();
const sampler = setInterval(() => {
  const { rss, heapUsed } = process.memoryUsage();
  peak = Math.max(peak, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
  overall = Math.max(overall, rss);
}, 100);
// The heap still reachable after a full collection is what a leak grows; heap used at any instant
// also counts garbage not yet collected. The bench collects once per interval to read it.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const report = (): void => {
  collect();
  const live = process.memoryUsage().heapUsed;
  process.stdout.write(`  ${((Date.now() - started) / 60_000).toFixed(2).padStart(6)} min  peak RSS ${mb(peak)}  peak heap ${mb(peakHeap)}  live heap ${mb(live)}\n`);
  peak = 0;
  peakHeap = 0;
};
const reporter = setInterval(report, intervalMs);

// SOAK_HEAPSNAPSHOTS=20,50: write heap snapshots at those seconds into the temp directory (diagnosis).
for (const at of (process.env.SOAK_HEAPSNAPSHOTS ?? '').split(',').filter(Boolean)) {
  setTimeout(() => process.stdout.write(`  heap snapshot ${writeHeapSnapshot(path.join(tmpdir(), `soak-${at}s.heapsnapshot`))}\n`), Number(at) * 1000).unref();
}
process.stdout.write(`bench:soak — ${rate} creates/s for ${values.duration} against a trivial local API, final reads ${finalReads} (Node ${process.version})\n`);
try {
  const result = await runLoad({
    scenarioFile, target: `http://127.0.0.1:${port}`, outDir: path.join(work, 'run'), print: false,
    history: { ...(values.plain ? { gzip: false } : {}), bodies: values['full-bodies'] ? 'all' : 'evidence', retain: false, ...(values['settle-after'] ? { settleAfterMs: parseDuration(values['settle-after']) } : {}) },
  });
  clearInterval(reporter);
  report();
  const loadEnd = Date.now();
  const file = historyFileIn(result.runDir);
  const bytes = statSync(file).size;
  const requests = result.summary.metrics.http_reqs?.values.count ?? 0;
  const checks = result.verdicts.map((v) => `${v.name} ${v.verdict}${v.judged !== undefined ? ` (${v.judged} ${v.unit ?? ''})` : ''}`).join(', ');
  process.stdout.write(`  load ${((loadEnd - started) / 1000).toFixed(0)} s, ${requests} requests (${(requests / (durationMs / 1000)).toFixed(0)}/s achieved)\n`);
  process.stdout.write(`  history ${path.basename(file)}: ${mb(bytes)}, ${(bytes / Math.max(1, requests)).toFixed(0)} bytes per request (aim ≤ 200)\n`);
  process.stdout.write(`  peak RSS overall ${mb(overall)} (aim: flat after warm-up, ≤ 300 MB)\n`);
  process.stdout.write(`  verdict ${result.verdict.verdict}: ${checks}\n`);
  // The done-when of a soak run: its live verdict is the verdict of re-judging its saved history.
  const t = Date.now();
  peak = 0;
  const rejudged = await judgeHistoryFile(file);
  const same = JSON.stringify(comparableVerdict(rejudged.verdict)) === JSON.stringify(comparableVerdict(result.verdict));
  process.stdout.write(`  re-judged from ${path.basename(file)} in ${((Date.now() - t) / 1000).toFixed(1)} s: ${same ? 'the same verdict' : 'A DIFFERENT VERDICT'} (${rejudged.verdict.verdict}), peak RSS ${mb(peak)}\n`);
} finally {
  clearInterval(sampler);
  clearInterval(reporter);
  child.kill();
  if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept ${work}\n`);
}
