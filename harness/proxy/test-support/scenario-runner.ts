/**
 * Runs one toxic scenario (toxic-scenarios.ts) against any Toxiproxy-compatible API over real
 * sockets on 127.0.0.1, and reports what the client saw. Not part of the library.
 */
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { api, createProxy } from './index.js';
import type { CloseKind, ScenarioExpectation, ScenarioStep, ToxicScenario } from './toxic-scenarios.js';

/** Timing tolerance of the comparison (the issue's ±100 ms), widened by the run's measured event-loop lag. */
export const TIMING_TOLERANCE_MS = 100;

/** At most this much lag widens the tolerance: beyond it the timings would no longer tell behaviours apart. */
const MAX_LAG_ALLOWANCE_MS = 150;

/** Runs of a scenario whose only mismatch is timing, on a lagging event loop, before it counts as failed. */
const TIMING_ATTEMPTS = 3;

/** What the client saw, times in ms after t0. */
export interface ScenarioObservation {
  bytes: string;
  lastByteAt?: number;
  close: CloseKind;
  closeAt?: number;
}

/**
 * An echo server that, on data containing `QUIT`, echoes it and closes its side: the upstream every
 * scenario talks to. Connections are destroyed on close so nothing outlives a test.
 */
export async function startQuitEchoServer(): Promise<{ address: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (data: Buffer) => {
      if (data.includes('QUIT')) socket.end(data);
      else socket.write(data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const TOXIC_NAME = 'differential';

async function expectStatus(answer: Promise<{ status: number; text: string }>, status: number, what: string): Promise<void> {
  const { status: got, text } = await answer;
  if (got !== status) throw new Error(`${what}: expected ${status}, got ${got} ${text}`);
}

function addToxic(baseUrl: string, proxy: string, scenario: ToxicScenario): Promise<void> {
  const body = { name: TOXIC_NAME, type: scenario.toxic.type, stream: scenario.toxic.stream, toxicity: 1, attributes: scenario.toxic.attributes };
  return expectStatus(api(baseUrl, 'POST', `/proxies/${proxy}/toxics`, body), 200, `adding ${scenario.toxic.type}`);
}

function runStep(baseUrl: string, proxy: string, socket: net.Socket, step: ScenarioStep): Promise<void> {
  if ('write' in step) {
    socket.write(step.write);
    return Promise.resolve();
  }
  if ('halfClose' in step) {
    socket.end();
    return Promise.resolve();
  }
  if ('remove' in step) return expectStatus(api(baseUrl, 'DELETE', `/proxies/${proxy}/toxics/${TOXIC_NAME}`), 204, 'removing the toxic');
  return expectStatus(api(baseUrl, 'POST', '/reset'), 204, 'POST /reset');
}

/** Connects through a fresh proxy on `baseUrl`, plays the scenario, and returns what the client saw. */
export async function runScenario(baseUrl: string, upstream: string, scenario: ToxicScenario, proxyName: string): Promise<ScenarioObservation> {
  const port = await createProxy(baseUrl, proxyName, upstream);
  let socket: net.Socket | undefined;
  try {
    if (scenario.added === 'before') await addToxic(baseUrl, proxyName, scenario);
    socket = await new Promise<net.Socket>((resolve, reject) => {
      const connecting = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      connecting.once('connect', () => resolve(connecting));
      connecting.once('error', reject);
    });
    const client = socket;
    if (scenario.added === 'during') {
      client.write('warm');
      await new Promise<void>((resolve) => {
        let seen = 0;
        const onData = (data: Buffer): void => {
          seen += data.length;
          if (seen < 4) return;
          client.off('data', onData);
          resolve();
        };
        client.on('data', onData);
      });
      await addToxic(baseUrl, proxyName, scenario);
    }
    return await observe(baseUrl, proxyName, client, scenario);
  } finally {
    socket?.destroy();
    await api(baseUrl, 'DELETE', `/proxies/${proxyName}`).catch(() => undefined);
  }
}

function observe(baseUrl: string, proxy: string, socket: net.Socket, scenario: ToxicScenario): Promise<ScenarioObservation> {
  const t0 = performance.now();
  const since = (): number => Math.round(performance.now() - t0);
  const chunks: Buffer[] = [];
  let lastByteAt: number | undefined;
  const stepErrors: Error[] = [];
  const timers = scenario.steps.map((step) =>
    setTimeout(() => runStep(baseUrl, proxy, socket, step).catch((error: Error) => stepErrors.push(error)), step.at),
  );
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (close: CloseKind): void => {
      if (done) return;
      done = true;
      const closeAt = close === 'open' ? undefined : since();
      clearTimeout(deadline);
      // Steps still due run anyway (their API calls must not leak into the next scenario).
      setTimeout(() => {
        timers.forEach(clearTimeout);
        if (stepErrors.length > 0) return reject(stepErrors[0]);
        const bytes = Buffer.concat(chunks).toString();
        resolve({ bytes, ...(bytes === '' ? {} : { lastByteAt }), close, ...(closeAt === undefined ? {} : { closeAt }) });
      }, 50);
    };
    const deadline = setTimeout(() => finish('open'), scenario.observeFor);
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      lastByteAt = since();
    });
    socket.on('end', () => finish('fin'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNRESET' ? 'rst' : 'fin'));
    socket.on('close', () => finish('fin'));
  });
}

/**
 * The observation with each time replaced by the expected one when within the tolerance, so a
 * test compares the whole thing with one `toEqual` and a failure shows the real figures.
 */
export function againstExpectation(observed: ScenarioObservation, expected: ScenarioExpectation, toleranceMs = TIMING_TOLERANCE_MS): ScenarioObservation {
  const snap = (actual: number | undefined, wanted: number | undefined): number | undefined =>
    actual !== undefined && wanted !== undefined && Math.abs(actual - wanted) <= toleranceMs ? wanted : actual;
  const result: ScenarioObservation = { bytes: observed.bytes, close: observed.close };
  const lastByteAt = snap(observed.lastByteAt, expected.lastByteAt);
  const closeAt = snap(observed.closeAt, expected.closeAt);
  if (lastByteAt !== undefined) result.lastByteAt = lastByteAt;
  if (closeAt !== undefined) result.closeAt = closeAt;
  return result;
}

/** The outcome of a scenario compared with its expectation, and the noise it was judged under. */
export interface ScenarioVerdict {
  /** The observation, times snapped to the expected ones where within tolerance: equal to `expect` when it matched. */
  observed: ScenarioObservation;
  /** Largest event-loop delay measured during the last attempt, ms. */
  lagMs: number;
  toleranceMs: number;
  attempts: number;
}

function sameExceptTiming(a: ScenarioObservation, b: ScenarioExpectation): boolean {
  return a.bytes === b.bytes && a.close === b.close;
}

/**
 * Plays the scenario and compares it with its expectation. Bytes and close kind must match at once;
 * timing within ±100 ms plus the event-loop lag measured meanwhile (capped), and a run whose only
 * miss is timing while the loop lagged is repeated (up to 3 runs): a busy machine delays timers of
 * the proxy and of the client alike, which says nothing about the proxy's semantics.
 */
export async function judgeScenario(baseUrl: string, upstream: string, scenario: ToxicScenario, proxyName: string): Promise<ScenarioVerdict> {
  let verdict: ScenarioVerdict | undefined;
  for (let attempt = 1; attempt <= TIMING_ATTEMPTS; attempt++) {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const raw = await runScenario(baseUrl, upstream, scenario, `${proxyName}_${attempt}`);
    lag.disable();
    const lagMs = Math.round(lag.max / 1e6);
    const toleranceMs = TIMING_TOLERANCE_MS + Math.min(lagMs, MAX_LAG_ALLOWANCE_MS);
    const observed = againstExpectation(raw, scenario.expect, toleranceMs);
    verdict = { observed, lagMs, toleranceMs, attempts: attempt };
    const matched = JSON.stringify(observed) === JSON.stringify(scenario.expect);
    if (matched || !sameExceptTiming(observed, scenario.expect) || lagMs < 20) return verdict;
  }
  return verdict!;
}
