/**
 * `npm run bench:load`: the built-in engine's top request rate against autocannon's, on the same
 * local keep-alive HTTP server (in its own process) with the same number of connections.
 * Both run closed-loop at full speed (the engine as `constant-vus`, one VU per connection);
 * the ratio engine/autocannon is the figure recorded in docs/load.md (aim ≥ 0.9).
 *
 * Rounds alternate the two tools so background load hits both alike; the figures are the best
 * round of each and the median of the per-round ratios.
 *
 * Then the engine's accuracy, the figures engine.test.ts cannot assert on a shared machine: the
 * arrival rate a local server sees for 200/s (aim within 5 %), and the p50 it reports for a server
 * that answers after 50 ms (aim within 10 %).
 *
 * Options (env): BENCH_CONNECTIONS (default 50), BENCH_SECONDS per round (default 5), BENCH_ROUNDS (default 3).
 */
import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { OpenModelEngine } from '../harness/load/engine.js';
import { TimedHttpClient } from '../harness/load/http-timing.js';
import { MetricRegistry } from '../harness/load/metrics.js';
import { HdrTrend, type TrendSink } from '../harness/load/sinks.js';
import { constantArrivals } from '../harness/load/schedule.js';

const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ id: 'pay_1', status: 'succeeded', amount: 1000, currency: 'EUR' });
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

async function startServer(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'payharness-bench-'));
  const file = path.join(dir, 'server.cjs');
  writeFileSync(file, SERVER);
  const child = fork(file, [], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  return { url: `http://127.0.0.1:${port}`, child, dir };
}

interface RoundResult {
  rate: number;
  p99: number;
  /** CPU time this process spent per request, µs: the generator's cost, much less sensitive to background load than the rate. */
  cpuPerRequestUs: number;
}

function cpuUs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

async function autocannonRate(url: string): Promise<RoundResult> {
  const cpu = process.cpuUsage();
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  return { rate: result.requests.total / (result.duration || seconds), p99: result.latency.p99, cpuPerRequestUs: cpuUs(cpu) / result.requests.total };
}

async function engineRate(url: string): Promise<RoundResult> {
  const cpu = process.cpuUsage();
  const metrics = new MetricRegistry(() => new HdrTrend());
  metrics.ensure('http_req_duration{expected_response:true}');
  const client = new TimedHttpClient(url, metrics, { connectionsPerVu: 1 });
  const engine = new OpenModelEngine([{ kind: 'vus', name: 'bench', vus: connections, durationMs: seconds * 1000, startTimeMs: 0, gracefulStopMs: 5000 }], metrics, async (ctx) => {
    await client.request({ method: 'GET', path: '/', headers: {} }, { scenario: ctx.scenario, vu: ctx.vu, name: 'get', intendedStart: ctx.intendedStart, signal: ctx.signal });
  });
  const result = await engine.run();
  await client.close();
  const duration = metrics.get('http_req_duration')!.sink as TrendSink;
  return { rate: result.completed / (result.durationMs / 1000), p99: duration.percentile(99), cpuPerRequestUs: cpuUs(cpu) / result.completed };
}

/** Runs `rate`/s for `ms` against an in-process server answering after `delayMs`; what the server saw and the engine measured. */
async function accuracy(rate: number, ms: number, delayMs: number): Promise<{ achieved: number; p50: number }> {
  const arrivals: number[] = [];
  const srv = http.createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => setTimeout(() => res.end('ok'), delayMs));
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const metrics = new MetricRegistry(() => new HdrTrend());
  const client = new TimedHttpClient(`http://127.0.0.1:${(srv.address() as AddressInfo).port}`, metrics);
  const plan = { kind: 'arrival' as const, name: 'accuracy', arrivals: () => constantArrivals(rate, 1000, ms), durationMs: ms, preAllocatedVUs: 10, maxVUs: 100, startTimeMs: 0, gracefulStopMs: 5000 };
  const engine = new OpenModelEngine([plan], metrics, async (ctx) => {
    await client.request({ method: 'GET', path: '/', headers: {} }, { scenario: ctx.scenario, vu: ctx.vu, name: 'get', intendedStart: ctx.intendedStart, signal: ctx.signal });
  });
  await engine.run();
  await client.close();
  srv.closeAllConnections();
  srv.close();
  const span = arrivals.at(-1)! - arrivals[0]!;
  return { achieved: ((arrivals.length - 1) / span) * 1000, p50: (metrics.get('http_req_duration')!.sink as TrendSink).percentile(50) };
}

const server = await startServer();
try {
  // Warm both up once so JIT and connection setup are out of the figures.
  await autocannon({ url: server.url, connections, duration: 1 });
  const ours: number[] = [];
  const theirs: number[] = [];
  const ourCpu: number[] = [];
  const theirCpu: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const a = await autocannonRate(server.url);
    const e = await engineRate(server.url);
    theirs.push(a.rate);
    ours.push(e.rate);
    theirCpu.push(a.cpuPerRequestUs);
    ourCpu.push(e.cpuPerRequestUs);
    console.log(
      `round ${round}: autocannon ${a.rate.toFixed(0)} req/s (p99 ${a.p99} ms, ${a.cpuPerRequestUs.toFixed(1)} µs CPU/req) · ` +
        `payharness built-in ${e.rate.toFixed(0)} req/s (p99 ${e.p99.toFixed(1)} ms, ${e.cpuPerRequestUs.toFixed(1)} µs CPU/req)`,
    );
  }
  const best = (xs: number[]): number => Math.max(...xs);
  const ratios = ours.map((o, i) => o / theirs[i]!).sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  console.log('');
  console.log(`connections ${connections}, ${seconds} s per round, ${rounds} alternating rounds, local keep-alive HTTP server in its own process, Node ${process.version}`);
  console.log(`autocannon          ${best(theirs).toFixed(0).padStart(8)} req/s (best round)`);
  console.log(`payharness built-in ${best(ours).toFixed(0).padStart(8)} req/s (best round)`);
  console.log(`ratio               ${(best(ours) / best(theirs)).toFixed(2).padStart(8)}  best/best; median of per-round ratios ${median.toFixed(2)} (aim ≥ 0.90)`);
  const least = (xs: number[]): number => Math.min(...xs);
  console.log(`CPU per request     autocannon ${least(theirCpu).toFixed(1)} µs · built-in ${least(ourCpu).toFixed(1)} µs (least of the rounds)`);
  const rateRun = await accuracy(200, 2000, 0);
  const delayRun = await accuracy(40, 2000, 50);
  console.log(`accuracy            200/s arrives at ${rateRun.achieved.toFixed(1)}/s (${(((rateRun.achieved - 200) / 200) * 100).toFixed(1)} %, aim ±5 %) · ` +
    `p50 of a 50 ms server ${delayRun.p50.toFixed(1)} ms (${(((delayRun.p50 - 50) / 50) * 100).toFixed(1)} %, aim ±10 %)`);
} finally {
  server.child.kill();
  rmSync(server.dir, { recursive: true, force: true });
}
