/**
 * `npm run bench:k6-memory`: does the generated k6 script scale like a plain one?
 *
 * Runs one high-rate scenario (creates only, 2,000/s for 30 s by default) through real k6 twice,
 * against a trivial payment API on 127.0.0.1 (its own process, answering every create at once):
 * once with the script payharness generates, once with a plain k6 script sending the same
 * requests at the same rate. Both write `--out json` (the generated script's history needs it,
 * so the plain one pays the same output cost). For each it prints k6's peak resident memory
 * (VmHWM from /proc/<pid>/status, or the largest RSS `ps` saw) and dropped_iterations from k6's
 * `--summary-export`. The aims (issue 14): at most 2× the plain script's memory, under 1 % dropped.
 *
 * Needs a k6 binary: K6_BIN=/path/to/k6. Without it, says so and exits 0.
 * Options (env): BENCH_RATE (default 2000), BENCH_SECONDS (default 30), BENCH_MAX_VUS (default 1000).
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadProfile } from '../harness/config/profile.js';
import { OPS_METRIC, OP_METADATA } from '../harness/load/k6-history.js';
import { compileK6Script, secretHeaderEnv } from '../harness/load/k6-script.js';
import { parseLoadScenario } from '../harness/load/load-scenario.js';

const k6 = process.env.K6_BIN;
if (!k6) {
  console.log('bench:k6-memory needs a k6 binary: set K6_BIN=/path/to/k6 (k6 v1.x) and run it again. Nothing was measured.');
  process.exit(0);
}
const rate = Number(process.env.BENCH_RATE ?? 2000);
const seconds = Number(process.env.BENCH_SECONDS ?? 30);
const maxVUs = Number(process.env.BENCH_MAX_VUS ?? 1000);
const preAllocatedVUs = Math.min(maxVUs, Math.max(10, Math.ceil(rate / 10)));

/** The trivial payment API: every request is a create answered 201 at once with a fresh id. */
const SERVER = `
const http = require('node:http');
let served = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    served++;
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: 'pay_' + served, status: 'succeeded', amount: 1000, currency: 'EUR' }));
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

/** The same requests without payharness's bookkeeping: what a hand-written k6 test would send. */
function plainScript(target: string): string {
  return `import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
export const options = {
  scenarios: { create_payments: { executor: 'constant-arrival-rate', rate: ${rate}, timeUnit: '1s', duration: '${seconds}s', preAllocatedVUs: ${preAllocatedVUs}, maxVUs: ${maxVUs} } },
};
export default function () {
  const reference = 'plain-' + exec.scenario.iterationInTest;
  const res = http.post(${JSON.stringify(`${target}/v1/payments`)}, JSON.stringify({ amount: 1000, currency: 'EUR', reference: reference, capture: 'automatic' }), {
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': reference + '-create', Authorization: __ENV.PAYHARNESS_HEADER_AUTHORIZATION },
    tags: { name: 'create' },
  });
  check(res, { 'create succeeded': (r) => r.status >= 200 && r.status < 400 });
}
`;
}

interface Measured {
  peakRssMb: number;
  iterations: number;
  dropped: number;
  exitCode: number;
  /** payharness_ops points carrying a request record (generated script only). */
  records?: number;
}

/** The process's peak resident set so far, in kB: VmHWM where /proc has it, else its current RSS. */
function residentKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status) ?? /^VmRSS:\s+(\d+) kB/m.exec(status);
    return hwm ? Number(hwm[1]) : 0;
  } catch {
    try {
      return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || 0;
    } catch {
      return 0;
    }
  }
}

async function runK6(label: string, script: string, dir: string, env: Record<string, string>): Promise<Measured> {
  const scriptFile = path.join(dir, `${label}.js`);
  const ndjson = path.join(dir, `${label}.ndjson`);
  const summary = path.join(dir, `${label}-summary.json`);
  writeFileSync(scriptFile, script);
  const child = spawn(k6!, ['run', '--quiet', '--out', `json=${ndjson}`, `--summary-export=${summary}`, scriptFile], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env, K6_NO_USAGE_REPORT: 'true' },
  });
  let peakKb = 0;
  const poll = setInterval(() => (peakKb = Math.max(peakKb, residentKb(child.pid!))), 100);
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve(code ?? 1);
    });
  });
  const metrics = existsSync(summary) ? (JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, { count?: number }> }).metrics : {};
  const measured: Measured = { peakRssMb: peakKb / 1024, iterations: metrics.iterations?.count ?? 0, dropped: metrics.dropped_iterations?.count ?? 0, exitCode };
  if (label === 'generated' && existsSync(ndjson)) measured.records = await countRecords(ndjson);
  rmSync(ndjson, { force: true });
  return measured;
}

/** How many payharness_ops points carry their request record as metadata (the history's source). */
async function countRecords(file: string): Promise<number> {
  let n = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) if (line.includes(`"metric":"${OPS_METRIC}"`) && line.includes(`"${OP_METADATA}"`)) n++;
  return n;
}

async function startServer(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const file = path.join(dir, 'server.cjs');
  writeFileSync(file, SERVER);
  const child = fork(file, [], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  return { url: `http://127.0.0.1:${port}`, child };
}

const dir = mkdtempSync(path.join(tmpdir(), 'payharness-k6-memory-'));
const server = await startServer(dir);
try {
  const profile = loadProfile('sandbox');
  const plan = parseLoadScenario(
    'k6-memory.yaml',
    `name: k6-memory
scenarios:
  create_payments:
    executor: constant-arrival-rate
    rate: ${rate}
    duration: ${seconds}s
    preAllocatedVUs: ${preAllocatedVUs}
    maxVUs: ${maxVUs}
    flows: { create: 1 }
`,
  );
  const env = { ...secretHeaderEnv(profile), PAYHARNESS_TARGET: server.url, PAYHARNESS_RUN_ID: 'bench', PAYHARNESS_SEED: '1' };
  const due = rate * seconds;
  console.log(`${rate} creates/s for ${seconds} s (${due} iterations) against a trivial payment API on ${server.url}; k6: ${k6}`);
  const plain = await runK6('plain', plainScript(server.url), dir, env);
  const generated = await runK6('generated', compileK6Script(plan, profile, { target: server.url, seed: 1, runId: 'bench' }), dir, env);
  const line = (name: string, m: Measured): string =>
    `${name.padEnd(18)} peak RSS ${m.peakRssMb.toFixed(0).padStart(6)} MB · iterations ${String(m.iterations).padStart(7)} · dropped_iterations ${String(m.dropped).padStart(6)} ` +
    `(${((m.dropped / due) * 100).toFixed(2)} %) · k6 exit ${m.exitCode}${m.records === undefined ? '' : ` · ${m.records} request records`}`;
  console.log(line('plain script', plain));
  console.log(line('generated script', generated));
  const ratio = plain.peakRssMb > 0 ? generated.peakRssMb / plain.peakRssMb : Number.NaN;
  const droppedShare = generated.dropped / due;
  console.log(`memory ratio ${ratio.toFixed(2)}× (aim ≤ 2×: ${ratio <= 2 ? 'met' : 'NOT met'}) · generated dropped ${(droppedShare * 100).toFixed(2)} % (aim < 1 %: ${droppedShare < 0.01 ? 'met' : 'NOT met'})`);
} finally {
  server.child.kill();
  rmSync(dir, { recursive: true, force: true });
}
