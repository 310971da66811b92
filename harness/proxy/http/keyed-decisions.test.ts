import { Agent, request as undiciRequest } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../random.js';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, startHttpServer, type Upstream } from '../test-support/index.js';

interface Attempt {
  key: string;
  /** The request's body and headers (besides the key), per encoding. */
  body: string;
  headers: Record<string, string>;
}

interface RecordedEvent {
  toxic: string;
  idempotency_key?: string;
  occurrence?: number;
  seq: number;
}

const KEYS = Array.from({ length: 12 }, (_, i) => `k${i + 1}`);

/** Each key is sent twice, the second time only after the first answered (a retry). */
const headerAttempt = (key: string): Attempt => ({ key, body: '{"amount":100}', headers: { 'content-type': 'application/json', 'idempotency-key': key } });

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = mulberry32(seed);
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

describe('keyed http_* decisions replay with any concurrency', { timeout: 30_000 }, () => {
  let upstream: Upstream;
  const servers: ProxyServer[] = [];
  beforeEach(async () => {
    upstream = await startHttpServer();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await upstream.close();
  });

  /** A fresh server seeded `seed` with one proxy carrying `toxic`; returns its API URL and proxy port. */
  async function proxyWith(seed: number, toxic: Record<string, unknown>): Promise<{ url: string; port: number }> {
    const server = await startProxyServer({ seed });
    servers.push(server);
    const port = await createProxy(server.url, 'api', upstream.address);
    const answer = await api(server.url, 'POST', '/proxies/api/toxics', toxic);
    expect(answer.status).toBe(200);
    return { url: server.url, port };
  }

  /**
   * Sends every key twice through `clients` concurrent clients (each its own connection), keys
   * dealt out in an order shuffled by `orderSeed`; returns the selected (key, occurrence) pairs.
   */
  async function run(target: { url: string; port: number }, attempts: (key: string) => Attempt, clients: number, orderSeed: number): Promise<string[]> {
    const order = shuffled(KEYS, orderSeed);
    const lanes = Array.from({ length: clients }, (_, lane) => order.filter((_, i) => i % clients === lane));
    await Promise.all(
      lanes.map(async (keys) => {
        const agent = new Agent({ connections: 1 });
        for (const key of keys) {
          for (let attempt = 0; attempt < 2; attempt++) {
            const { body, headers } = attempts(key);
            const response = await undiciRequest(`http://127.0.0.1:${target.port}/v1/payments`, { method: 'POST', body, headers, dispatcher: agent });
            await response.body.text();
          }
        }
        await agent.close();
      }),
    );
    const { events } = (await api(target.url, 'GET', '/events?since=0')).body as { events: RecordedEvent[] };
    expect(events.every((event) => typeof event.seq === 'number' && typeof event.occurrence === 'number')).toBe(true);
    return events.map((event) => `${event.idempotency_key}#${event.occurrence}`).sort();
  }

  const coinFlip = { name: 'flaky', type: 'http_status', attributes: { status: 503, probability: 0.5, method: 'POST' } };

  it('the same seed selects the same (key, occurrence) set with 1 client in order and 4 clients in two shuffled orders', async () => {
    const sequential = await run(await proxyWith(11, coinFlip), headerAttempt, 1, 0);
    const concurrentA = await run(await proxyWith(11, coinFlip), headerAttempt, 4, 1);
    const concurrentB = await run(await proxyWith(11, coinFlip), headerAttempt, 4, 2);
    expect(sequential.length).toBeGreaterThan(0);
    expect(sequential.length).toBeLessThan(KEYS.length * 2);
    expect(concurrentA).toEqual(sequential);
    expect(concurrentB).toEqual(sequential);
    expect(await run(await proxyWith(12, coinFlip), headerAttempt, 4, 1)).not.toEqual(sequential);
  });

  it('an explicit seed equal to the server seed changes nothing; another scope draws other decisions', async () => {
    const byDefault = await run(await proxyWith(11, coinFlip), headerAttempt, 4, 3);
    const explicitSeed = { ...coinFlip, attributes: { ...coinFlip.attributes, seed: 11 } };
    expect(await run(await proxyWith(99, explicitSeed), headerAttempt, 4, 4)).toEqual(byDefault);
    const otherScope = { ...coinFlip, attributes: { ...coinFlip.attributes, scope: 'elsewhere' } };
    expect(await run(await proxyWith(11, otherScope), headerAttempt, 4, 5)).not.toEqual(byDefault);
  });

  it('first_per_key finds the key in a JSON body field and selects only each key\'s first request', async () => {
    const target = await proxyWith(5, { name: 'first', type: 'http_status', attributes: { status: 503, first_per_key: 1, key_path: '$.payment.reference' } });
    const jsonAttempt = (key: string): Attempt => ({ key, body: JSON.stringify({ payment: { reference: key, amount: 1 } }), headers: { 'content-type': 'application/json' } });
    expect(await run(target, jsonAttempt, 4, 6)).toEqual(KEYS.map((key) => `${key}#1`).sort());
  });

  it('finds the key in a form body field with a bracket name (metadata[key])', async () => {
    const target = await proxyWith(5, { name: 'form', type: 'http_status', attributes: { status: 503, first_per_key: 1, key_path: 'metadata[key]' } });
    const formAttempt = (key: string): Attempt => ({
      key,
      body: `amount=100&currency=eur&metadata%5Bkey%5D=${key}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await run(target, formAttempt, 4, 7)).toEqual(KEYS.map((key) => `${key}#1`).sort());
  });

  it('key_prefix: two runs whose keys carry different prefixes draw the same decisions', async () => {
    const prefixed = (prefix: string) => (key: string): Attempt => headerAttempt(`${prefix}${key}`);
    const withPrefix = (prefix: string) => ({ ...coinFlip, attributes: { ...coinFlip.attributes, key_prefix: prefix } });
    const strip = (pairs: string[], prefix: string): string[] => pairs.map((pair) => pair.slice(prefix.length)).sort();
    const runA = strip(await run(await proxyWith(11, withPrefix('run-a-')), prefixed('run-a-'), 4, 8), 'run-a-');
    const runB = strip(await run(await proxyWith(11, withPrefix('run-b-')), prefixed('run-b-'), 4, 9), 'run-b-');
    expect(runA.length).toBeGreaterThan(0);
    expect(runB).toEqual(runA);
    // Without stripping, the prefixes are part of the identity and the draws differ.
    const unstripped = strip(await run(await proxyWith(11, coinFlip), prefixed('run-c-'), 4, 10), 'run-c-');
    expect(unstripped).not.toEqual(runA);
  });

  it('keyless requests keep the arrival-order draws and are never selected by first_per_key', async () => {
    const target = await proxyWith(5, { name: 'nokey', type: 'http_status', attributes: { status: 503, first_per_key: 1 } });
    const response = await fetch(`http://127.0.0.1:${target.port}/v1/payments`, { method: 'POST', body: '{}' });
    await response.text();
    expect(response.status).toBe(200);
    expect(((await api(target.url, 'GET', '/events?since=0')).body as { events: unknown[] }).events).toEqual([]);
  });
});
