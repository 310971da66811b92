import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { OpenModelEngine, type ExecutorPlan } from './engine.js';
import { MetricRegistry } from './metrics.js';
import { HdrTrend, type TrendSink } from './sinks.js';
import { TimedHttpClient } from './http-timing.js';
import { constantArrivals } from './schedule.js';

// The built-in engine against real local servers. The machine is shared (2 cores, other suites and
// CPU-bound processes beside this one), so every timing assertion is a bound scheduling noise
// cannot cross: noise only ever delays, so "never before it was due" and "at least the server's
// delay" hold on any machine, and upper bounds are an order of magnitude above the expected value.
// How close to the ideal the engine gets (rate within 5 %, p50 within 10 %) is a figure, printed
// by `npm run bench:load` (see docs/load.md), not a test.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function server(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ origin: string; arrivals: number[] }> {
  const arrivals: number[] = [];
  const srv = http.createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => handle(req, res));
  });
  srv.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => { srv.closeAllConnections(); srv.close(() => resolve()); }));
  return { origin: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, arrivals };
}

function arrivalPlan(rate: number, durationMs: number, maxVUs: number): ExecutorPlan {
  return { kind: 'arrival', name: 'default', arrivals: () => constantArrivals(rate, 1000, durationMs), durationMs, preAllocatedVUs: Math.min(10, maxVUs), maxVUs, startTimeMs: 0, gracefulStopMs: 5000 };
}

interface RunResult {
  metrics: MetricRegistry;
  dropped: number;
  completed: number;
  durationMs: number;
  /** performance.now() the run started, and each iteration's intended start, in start order. */
  startedAt: number;
  intended: number[];
}

async function runAgainst(origin: string, plan: ExecutorPlan, sharedConnections?: number): Promise<RunResult> {
  const metrics = new MetricRegistry(() => new HdrTrend());
  const client = new TimedHttpClient(origin, metrics, sharedConnections === undefined ? {} : { sharedConnections });
  closers.push(() => client.close());
  const intended: number[] = [];
  const engine = new OpenModelEngine([plan], metrics, async (ctx) => {
    intended.push(ctx.intendedStart);
    await client.request({ method: 'GET', path: '/', headers: {} }, { scenario: ctx.scenario, vu: ctx.vu, name: 'get', intendedStart: ctx.intendedStart, signal: ctx.signal });
  });
  const startedAt = performance.now();
  const result = await engine.run();
  return { metrics, dropped: result.dropped, completed: result.completed, durationMs: result.durationMs, startedAt, intended };
}

const trend = (metrics: MetricRegistry, key: string): TrendSink => metrics.get(key)!.sink as TrendSink;

describe('built-in engine accuracy', () => {
  it('starts every iteration on its schedule and never sends a request before it is due', async () => {
    const target = await server((req, res) => res.end('ok'));
    const { completed, dropped, intended, startedAt } = await runAgainst(target.origin, arrivalPlan(200, 2000, 50));
    expect(completed + dropped).toBe(400);
    expect(target.arrivals).toHaveLength(completed);
    // The schedule itself is exact: iterations are due every 5 ms from the start, however late they ran.
    const due = [...intended].sort((a, b) => a - b);
    const offsets = due.map((t) => t - due[0]!);
    for (const offset of offsets) expect(offset / 5).toBeCloseTo(Math.round(offset / 5), 6);
    expect(new Set(offsets.map((o) => Math.round(o / 5))).size).toBe(completed);
    if (dropped === 0) expect(Math.round(offsets.at(-1)! / 5)).toBe(399);
    // Noise can only delay a send, never advance it: the k-th arrival at the server comes no
    // earlier than the k-th due time (0.5 ms for the clock's rounding).
    const arrived = [...target.arrivals].sort((a, b) => a - b);
    arrived.forEach((at, k) => expect(at).toBeGreaterThanOrEqual(due[k]! - 0.5));
    expect(due[0]!).toBeGreaterThanOrEqual(startedAt);
  });

  it('measures durations from the intended start: never below a server delay of 50 ms', async () => {
    const target = await server((req, res) => setTimeout(() => res.end('ok'), 50));
    const { metrics, completed } = await runAgainst(target.origin, arrivalPlan(40, 2000, 20));
    const duration = trend(metrics, 'http_req_duration');
    expect(duration.count).toBe(completed);
    expect(completed).toBeGreaterThan(0);
    // libuv may fire a 50 ms timer up to 1 ms early; nothing on a busy machine makes it shorter.
    expect(duration.min).toBeGreaterThanOrEqual(49);
    // An order of magnitude of headroom: a unit or origin mistake (seconds, run start) lands far outside.
    expect(duration.percentile(50)).toBeLessThan(500);
    expect(trend(metrics, 'http_req_waiting').min).toBeGreaterThanOrEqual(49);
  });

  it('shows a 1 s mid-run stall in p99 even when few connections hide it from send-time timing', async () => {
    let stallUntil = 0;
    let stallFrom = Infinity;
    const target = await server((req, res) => {
      const now = performance.now();
      if (stallFrom === Infinity) {
        stallFrom = now + 800;
        stallUntil = stallFrom + 1000;
      }
      const wait = now >= stallFrom && now < stallUntil ? stallUntil - now : 2;
      setTimeout(() => res.end('ok'), wait);
    });
    // Two connections: while the server stalls, requests queue in the client. Timing from the
    // actual send would see ~2 slow requests; timing from the intended start sees all of them.
    const { metrics, dropped } = await runAgainst(target.origin, arrivalPlan(50, 2500, 200), 2);
    expect(dropped).toBe(0);
    // Lower bounds only: a busy machine can make requests slower, not faster.
    const duration = trend(metrics, 'http_req_duration');
    expect(duration.percentile(99)).toBeGreaterThan(700);
    // Not just the two requests on the wire: everything due during the stall waited for it.
    expect(duration.percentile(90)).toBeGreaterThan(400);
  });

  it('drops iterations over maxVUs instead of delaying them (dropped_iterations)', async () => {
    const target = await server((req, res) => setTimeout(() => res.end('ok'), 200));
    const { dropped, completed, durationMs, metrics } = await runAgainst(target.origin, arrivalPlan(50, 1000, 2));
    // Two VUs, each busy at least 199 ms per iteration, over however long the run really took
    // (a stalled machine stretches it): the rest of the 50 due were dropped, not queued.
    expect(completed + dropped).toBe(50);
    expect(completed).toBeLessThanOrEqual(2 * (Math.floor(durationMs / 199) + 1));
    expect(dropped).toBeGreaterThan(0);
    expect(metrics.get('dropped_iterations')!.sink).toMatchObject({ count: dropped });
  });

  it('runs scenarios side by side, each from its startTime, with its own VUs', async () => {
    const seen: { scenario: string; at: number; vu: number }[] = [];
    const metrics = new MetricRegistry(() => new HdrTrend());
    const origin = performance.now();
    const plans: ExecutorPlan[] = [
      { ...arrivalPlan(20, 600, 5), name: 'early' } as ExecutorPlan,
      { ...arrivalPlan(20, 300, 5), name: 'late', startTimeMs: 300 } as ExecutorPlan,
    ];
    const engine = new OpenModelEngine(plans, metrics, async (ctx) => {
      seen.push({ scenario: ctx.scenario, at: ctx.intendedStart - origin, vu: ctx.vu });
    });
    await engine.run();
    const late = seen.filter((s) => s.scenario === 'late');
    expect(seen.filter((s) => s.scenario === 'early')).toHaveLength(12);
    expect(late).toHaveLength(6);
    expect(Math.min(...late.map((s) => s.at))).toBeGreaterThanOrEqual(295);
    const vusOf = (name: string): Set<number> => new Set(seen.filter((s) => s.scenario === name).map((s) => s.vu));
    expect([...vusOf('early')].some((vu) => vusOf('late').has(vu))).toBe(false);
  });

  it('runs constant-vus as a closed loop with exactly that many in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const target = await server((req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 20);
    });
    const { completed } = await runAgainst(target.origin, { kind: 'vus', name: 'vus', vus: 3, durationMs: 600, startTimeMs: 0, gracefulStopMs: 1000 });
    expect(peak).toBe(3);
    // Each VU loops back to back: at least once, and at most once per 20 ms answer (plus the one
    // under way at the end) — a busy machine can only lower the count.
    expect(completed).toBeGreaterThanOrEqual(3);
    expect(completed).toBeLessThanOrEqual(3 * (600 / 20 + 1));
  });
});
