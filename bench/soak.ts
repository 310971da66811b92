/**
 * `npm run bench:soak`: the built-in engine creating payments at 2,000/s for 10 minutes against a
 * trivial local API (bench/trivial-api.cjs, its own process), the history written as a soak run
 * writes it (not held in memory, evidence-only bodies). Prints the peak RSS of each minute (aim:
 * flat after warm-up, ≤ 300 MB), the peak while judging, and the history's bytes per request
 * (aim ≤ 200). Options: --duration 1m (any k6 duration), --rate 2000, --gzip, --full-bodies.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDuration } from '../harness/load/duration.js';
import { runLoad } from '../harness/load/run-load.js';
import { historyFileIn } from '../harness/history/history-file.js';
import { judgeHistoryFile } from '../harness/checks/stream-file.js';
import { comparableVerdict } from '../harness/checks/stream-compare.js';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10m' }, rate: { type: 'string', default: '2000' }, gzip: { type: 'boolean', default: false }, 'full-bodies': { type: 'boolean', default: false } } });
const durationMs = parseDuration(values.duration!);
const rate = Number(values.rate);
if (!durationMs || !(rate > 0)) throw new Error('usage: bench:soak [--duration 10m] [--rate 2000] [--gzip] [--full-bodies]');

const here = path.dirname(fileURLToPath(import.meta.url));
const child = fork(path.join(here, 'trivial-api.cjs'), [], { stdio: 'inherit' });
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
finalReads: none
`);

// Peak RSS per interval: a minute, or a fifth of a short run so it still shows a curve.
const intervalMs = Math.min(60_000, Math.max(5_000, durationMs / 5));
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
let peak = 0;
let overall = 0;
const started = Date.now();
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  peak = Math.max(peak, rss);
  overall = Math.max(overall, rss);
}, 100);
let interval = 0;
const reporter = setInterval(() => {
  interval++;
  // Heap in use beside RSS tells a leak (heap grows) from V8 keeping freed pages (RSS grows, heap does not).
  process.stdout.write(`  ${((interval * intervalMs) / 60_000).toFixed(2).padStart(6)} min  peak RSS ${mb(peak)}  heap used ${mb(process.memoryUsage().heapUsed)}\n`);
  peak = 0;
}, intervalMs);

process.stdout.write(`bench:soak — ${rate} creates/s for ${values.duration} against a trivial local API (Node ${process.version})\n`);
try {
  const result = await runLoad({
    scenarioFile, target: `http://127.0.0.1:${port}`, outDir: path.join(work, 'run'), print: false,
    history: { gzip: values.gzip, bodies: values['full-bodies'] ? 'all' : 'evidence', retain: false },
  });
  clearInterval(reporter);
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
  const rejudged = await judgeHistoryFile(file);
  const same = JSON.stringify(comparableVerdict(rejudged.verdict)) === JSON.stringify(comparableVerdict(result.verdict));
  process.stdout.write(`  re-judged from ${path.basename(file)} in ${((Date.now() - t) / 1000).toFixed(1)} s: ${same ? 'the same verdict' : 'A DIFFERENT VERDICT'} (${rejudged.verdict.verdict})\n`);
} finally {
  clearInterval(sampler);
  clearInterval(reporter);
  child.kill();
  if (!process.env.KEEP) rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`kept ${work}\n`);
}
