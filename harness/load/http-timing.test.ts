import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TimedHttpClient, type TimedRequest } from './http-timing.js';
import { MetricRegistry } from './metrics.js';
import { ExactTrend, type CounterSink, type TrendSink } from './sinks.js';
import { attachThresholds, compileThresholds } from './threshold-set.js';
import { loadProfile } from '../config/profile.js';
import { HistoryRecorder } from '../history/recorder.js';
import { runBuiltin } from './builtin-runner.js';
import { parseLoadScenario } from './load-scenario.js';
import { BUILTIN_METRICS } from './metric-types.js';
import { CheckTally } from './summary.js';
import { KeyedPaymentApi } from './test-support/keyed-payment-api.js';

// k6's per-phase HTTP metrics on real sockets. Each assertion is either structural (which
// requests opened a connection, how many bytes crossed) or a lower bound a busy machine can only
// make larger (time spent queued behind a 150 ms answer), so scheduling noise cannot fail it.

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A trend that also keeps its samples in arrival order, to tell requests apart. */
class RecordingTrend extends ExactTrend {
  readonly added: number[] = [];
  override add(value: number): void {
    super.add(value);
    this.added.push(value);
  }
}

function client(origin: string, options: ConstructorParameters<typeof TimedHttpClient>[2] = {}): { client: TimedHttpClient; metrics: MetricRegistry } {
  const metrics = new MetricRegistry(() => new RecordingTrend());
  const c = new TimedHttpClient(origin, metrics, options);
  closers.push(() => c.close());
  return { client: c, metrics };
}

const request = (path = '/'): TimedRequest => ({ method: 'GET', path, headers: {} });
const meta = { scenario: 'pay', vu: 1, name: 'get' };
const values = (metrics: MetricRegistry, name: string): number[] => [...(metrics.get(name)!.sink as RecordingTrend).added];
const trend = (metrics: MetricRegistry, name: string): TrendSink => metrics.get(name)!.sink as TrendSink;
const count = (metrics: MetricRegistry, name: string): number => (metrics.get(name)!.sink as CounterSink).count;

describe('k6 HTTP phase metrics on the built-in engine', () => {
  it('counts time queued for a busy connection as http_req_blocked', async () => {
    const server = http.createServer((req, res) => setTimeout(() => res.end('ok'), 150));
    server.keepAliveTimeout = 30_000;
    const origin = await listen(server);
    closers.push(() => server.closeAllConnections());
    const { client: c, metrics } = client(origin, { sharedConnections: 1 });
    await Promise.all([0, 1, 2].map(() => c.request(request(), { ...meta, intendedStart: performance.now() })));
    const blocked = values(metrics, 'http_req_blocked').sort((a, b) => a - b);
    expect(blocked).toHaveLength(3);
    // The third waited for two 150 ms answers on the one connection, the second for one.
    expect(blocked[2]).toBeGreaterThan(250);
    expect(blocked[1]).toBeGreaterThan(120);
    // A threshold on it now judges a real figure instead of passing at 0.
    const compiled = compileThresholds({ http_req_blocked: ['max<100'] });
    attachThresholds(metrics, compiled.set);
    expect(metrics.evaluate(1000)).toMatchObject([{ metric: 'http_req_blocked', ok: false }]);
  });

  it('reports connecting (and no TLS) for the request that opened a connection, 0 for requests that reused it', async () => {
    let connections = 0;
    const server = http.createServer((req, res) => res.end('ok'));
    server.on('connection', () => connections++);
    server.keepAliveTimeout = 30_000;
    const origin = await listen(server);
    closers.push(() => server.closeAllConnections());
    const { client: c, metrics } = client(origin);
    for (let i = 0; i < 5; i++) await c.request(request(), { ...meta, intendedStart: performance.now() });
    // Two at once on the same VU: the second needs a second connection.
    await Promise.all([0, 1].map(() => c.request(request(), { ...meta, intendedStart: performance.now() })));
    const connecting = values(metrics, 'http_req_connecting');
    expect(connecting).toHaveLength(7);
    expect(connections).toBe(2);
    expect(connecting.filter((v) => v > 0)).toHaveLength(connections);
    expect(connecting[0]).toBeGreaterThan(0);
    expect(connecting.slice(1, 5)).toEqual([0, 0, 0, 0]);
    expect(values(metrics, 'http_req_tls_handshaking')).toEqual(Array(7).fill(0));
    expect(trend(metrics, 'http_req_sending').count).toBe(7);
    expect(trend(metrics, 'http_req_waiting').count).toBe(7);
  });

  it('counts the bytes on the wire, heads included, as data_sent and data_received', async () => {
    const answer = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{"id":"pay_1","status":"s"}';
    let received = 0;
    const server = net.createServer((socket) => {
      let pending = '';
      socket.on('data', (d: Buffer) => {
        received += d.length;
        pending += d.toString('latin1');
        // Answer each complete request (head plus its Content-Length body).
        for (;;) {
          const end = pending.indexOf('\r\n\r\n');
          if (end < 0) return;
          const length = Number(/content-length: (\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
          if (pending.length < end + 4 + length) return;
          pending = pending.slice(end + 4 + length);
          socket.write(answer);
        }
      });
    });
    const origin = await listen(server);
    const { client: c, metrics } = client(origin);
    // Tagged like k6's: by scenario, so data_received{scenario:pay} works.
    attachThresholds(metrics, compileThresholds({ 'data_received{scenario:pay}': ['count>0'] }).set);
    const body = JSON.stringify({ amount: 1000, currency: 'EUR' });
    for (let i = 0; i < 4; i++) {
      const response = await c.request({ method: 'POST', path: '/v1/payments', headers: { 'content-type': 'application/json' }, body }, { ...meta, intendedStart: performance.now() });
      expect(response.status).toBe(201);
    }
    expect(count(metrics, 'data_received')).toBe(4 * Buffer.byteLength(answer));
    expect(count(metrics, 'data_sent')).toBe(received);
    expect(received).toBeGreaterThan(4 * body.length);
    expect(metrics.evaluate(1000)).toMatchObject([{ metric: 'data_received{scenario:pay}', ok: true, observed: 4 * Buffer.byteLength(answer) }]);
  });

  it('measures http_req_sending as the time to hand a large body to a slow reader', async () => {
    const server = net.createServer((socket) => {
      // Read nothing for 300 ms: the request cannot be written out before.
      socket.pause();
      setTimeout(() => {
        socket.resume();
        let seen = 0;
        socket.on('data', (d: Buffer) => {
          seen += d.length;
          if (seen >= 32 * 1024 * 1024) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
        });
      }, 300);
    });
    const origin = await listen(server);
    const { client: c, metrics } = client(origin);
    const body = 'x'.repeat(32 * 1024 * 1024);
    const response = await c.request({ method: 'POST', path: '/upload', headers: {}, body }, { ...meta, intendedStart: performance.now() });
    expect(response.error).toBeUndefined();
    expect(values(metrics, 'http_req_sending')[0]).toBeGreaterThan(150);
    expect(count(metrics, 'data_sent')).toBeGreaterThan(32 * 1024 * 1024);
  });

  it('samples every metric a threshold may name (dropped_iterations when an iteration is dropped)', async () => {
    const api = await new KeyedPaymentApi().serve();
    closers.push(api.close);
    const plan = parseLoadScenario(
      'all.yaml',
      'name: all\nscenarios:\n  pay: { executor: constant-arrival-rate, rate: 20, duration: 500ms, preAllocatedVUs: 2, maxVUs: 20, flows: { create: 1, create-get: 1 } }\n',
    );
    const metrics = new MetricRegistry(() => new ExactTrend());
    await runBuiltin({ plan, profile: loadProfile('sandbox'), origin: api.url, recorder: new HistoryRecorder(), metrics, checks: new CheckTally(), seed: 1, runId: 'all', signal: new AbortController().signal, progress: false });
    // dropped_iterations has a sample only when one was dropped (as in k6): engine.test.ts covers it.
    const untouched = Object.keys(BUILTIN_METRICS).filter((name) => name !== 'dropped_iterations' && !metrics.get(name)?.touched);
    expect(untouched).toEqual([]);
    expect(count(metrics, 'data_received')).toBeGreaterThan(0);
  });
});
