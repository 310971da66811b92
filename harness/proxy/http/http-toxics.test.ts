import http from 'node:http';
import { Agent, request as undiciRequest } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, startHttpServer, type Upstream } from '../test-support/index.js';

interface Seen {
  method: string;
  url: string;
  key?: string;
  body: string;
}

/** An upstream that records every request it receives and answers `ok <n>` (chunked). */
async function countingUpstream(): Promise<Upstream & { seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = await startHttpServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method!, url: request.url!, key: request.headers['idempotency-key'] as string | undefined, body });
      response.write('ok ');
      response.end(String(seen.length));
    });
  });
  return Object.assign(server, { seen });
}

describe('http_* toxics', () => {
  let server: ProxyServer;
  let upstream: Awaited<ReturnType<typeof countingUpstream>>;
  let port: number;
  let agent: Agent;
  const base = (): string => `http://127.0.0.1:${port}`;
  const toxic = (body: unknown) => api(server.url, 'POST', '/proxies/web/toxics', body);
  /** One request on the shared keep-alive agent; a connection error is reported as status 0. */
  const send = async (method: string, path: string, body?: string, key?: string): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> => {
    try {
      const response = await undiciRequest(base() + path, { method: method as 'GET', body, dispatcher: agent, headers: key ? { 'idempotency-key': key } : {} });
      return { status: response.statusCode, text: await response.body.text(), headers: response.headers as http.IncomingHttpHeaders };
    } catch {
      return { status: 0, text: '', headers: {} };
    }
  };

  beforeEach(async () => {
    server = await startProxyServer({ seed: 42 });
    upstream = await countingUpstream();
    port = await createProxy(server.url, 'web', upstream.address);
    agent = new Agent({ connections: 1, pipelining: 1 });
  });
  afterEach(async () => {
    await agent.close();
    await server.close();
    await upstream.close();
  });

  it('first: 2 fails exactly the first two matching requests and records each decision', async () => {
    await toxic({ name: 'busy', type: 'http_status', attributes: { status: 503, retry_after: 2, first: 2, method: 'POST', path: '/v1/payments*' } });
    const statuses: number[] = [];
    statuses.push((await send('GET', '/v1/payments/x')).status); // method does not match: not counted
    for (let i = 1; i <= 4; i++) statuses.push((await send('POST', '/v1/payments', '{}', `k${i}`)).status);
    expect(statuses).toEqual([200, 503, 503, 200, 200]);
    expect(upstream.seen.map((s) => s.key)).toEqual([undefined, 'k3', 'k4']);
    const events = await api(server.url, 'GET', '/events?since=0');
    const body = events.body as { events: Array<Record<string, unknown>>; next: number };
    expect(body.events.map(({ time, ...rest }) => (expect(typeof time).toBe('number'), rest))).toEqual([
      { seq: 1, proxy: 'web', toxic: 'busy', type: 'http_status', action: 'status', method: 'POST', path: '/v1/payments', idempotency_key: 'k1', occurrence: 1 },
      { seq: 2, proxy: 'web', toxic: 'busy', type: 'http_status', action: 'status', method: 'POST', path: '/v1/payments', idempotency_key: 'k2', occurrence: 1 },
    ]);
    expect(body.next).toBe(2);
    expect((await api(server.url, 'GET', '/events?since=2')).body).toEqual({ events: [], next: 2 });
    expect((await api(server.url, 'GET', '/events?since=abc')).status).toBe(400);
  });

  it('http_status answers Retry-After and a problem body without forwarding (forward=false)', async () => {
    await toxic({ type: 'http_status', attributes: { status: 429, retry_after: 3 } });
    const answer = await send('POST', '/v1/payments', '{}');
    expect([answer.status, answer.headers['retry-after'], answer.headers['content-type']]).toEqual([429, '3', 'application/problem+json']);
    expect(JSON.parse(answer.text)).toMatchObject({ status: 429 });
    expect(upstream.seen).toHaveLength(0);
  });

  it('http_status with forward=true lets the upstream act, then answers the status', async () => {
    await toxic({ type: 'http_status', attributes: { status: 500, forward: true, body: 'boom' } });
    const answer = await send('POST', '/v1/payments', '{"a":1}');
    expect([answer.status, answer.text]).toEqual([500, 'boom']);
    expect(upstream.seen.map((s) => s.body)).toEqual(['{"a":1}']);
  });

  it('http_duplicate sends the request upstream again; the client sees one response', async () => {
    await toxic({ type: 'http_duplicate', attributes: { copies: 2, delay_ms: 20 } });
    const answer = await send('POST', '/v1/payments', '{"amount":1}', 'dup-key');
    expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream.seen.map((s) => [s.key, s.body])).toEqual([
      ['dup-key', '{"amount":1}'],
      ['dup-key', '{"amount":1}'],
      ['dup-key', '{"amount":1}'],
    ]);
    expect(answer.text).toBe('ok 1');
  });

  it('http_drop_request never forwards; http_drop_response forwards and then resets the client', async () => {
    await toxic({ name: 'dropreq', type: 'http_drop_request', attributes: { path: '/a' } });
    await toxic({ name: 'dropres', type: 'http_drop_response', attributes: { path: '/b' } });
    expect((await send('POST', '/a', 'x')).status).toBe(0);
    expect(upstream.seen).toHaveLength(0);
    expect((await send('POST', '/b', 'y')).status).toBe(0);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/b']);
    expect((await send('GET', '/c')).text).toBe('ok 2');
  });

  it('a path filter with a ?query part targets one action of an API routed by query string', async () => {
    await toxic({ name: 'captures', type: 'http_status', attributes: { status: 503, method: 'POST', path: '/payment.php?action=capt*' } });
    // Any order, beside other parameters; a value its glob does not match, or no such parameter, is left alone.
    expect((await send('POST', '/payment.php?id=7&action=capture', 'x')).status).toBe(503);
    expect((await send('POST', '/payment.php?action=capture', 'x')).status).toBe(503);
    expect((await send('POST', '/payment.php?action=refund&id=7', 'x')).text).toBe('ok 1');
    expect((await send('POST', '/payment.php?id=7', 'x')).text).toBe('ok 2');
    expect((await send('POST', '/other.php?action=capture', 'x')).text).toBe('ok 3');
    // Without a ?query part the filter still sees the path alone, whatever the query.
    await toxic({ name: 'paths', type: 'http_status', attributes: { status: 502, method: 'GET', path: '/payment.php' } });
    expect((await send('GET', '/payment.php?action=get&id=7')).status).toBe(502);
  });

  it('http_delay holds the request or the response', async () => {
    await toxic({ name: 'req', type: 'http_delay', attributes: { delay_ms: 200, path: '/slow-request' } });
    await toxic({ name: 'res', type: 'http_delay', attributes: { delay_ms: 200, phase: 'response', path: '/slow-response' } });
    for (const path of ['/slow-request', '/slow-response']) {
      const started = performance.now();
      expect((await send('GET', path)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(199);
    }
    const started = performance.now();
    await send('GET', '/fast');
    expect(performance.now() - started).toBeLessThan(190);
  });

  it('every: 3 selects the 3rd and 6th matching requests; window selects by time since creation', async () => {
    await toxic({ name: 'every', type: 'http_status', attributes: { status: 502, every: 3, path: '/e' } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send('GET', '/e')).status);
    expect(statuses).toEqual([200, 200, 502, 200, 200, 502]);
    // A wide window start, so a busy machine cannot push the first request past it.
    await toxic({ name: 'win', type: 'http_status', attributes: { status: 504, window: { from_ms: 1_000, to_ms: 100_000 }, path: '/w' } });
    expect((await send('GET', '/w')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await send('GET', '/w')).status).toBe(504);
  });

  it('keeps keep-alive and chunked request/response bodies intact', async () => {
    await toxic({ type: 'http_delay', attributes: { delay_ms: 0, path: '/nothing-matches' } });
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const text = await new Promise<string>((resolve, reject) => {
        const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/chunked/${i}`, agent: keepAlive }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve(body));
        });
        request.on('socket', (socket) => sockets.add(socket));
        request.on('error', reject);
        request.write('part-one,');
        request.end('part-two');
      });
      expect(text).toBe(`ok ${i + 1}`);
    }
    keepAlive.destroy();
    expect(sockets.size).toBe(1);
    expect(upstream.seen.map((s) => s.body)).toEqual(['part-one,part-two', 'part-one,part-two', 'part-one,part-two']);
  });

  it('the same seed gives the same probability decisions for the same request sequence', async () => {
    const pattern = async (seed: number): Promise<string> => {
      const other = await startProxyServer({ seed });
      const otherPort = await createProxy(other.url, 'p', upstream.address);
      await api(other.url, 'POST', '/proxies/p/toxics', { type: 'http_status', attributes: { status: 503, probability: 0.5 } });
      let result = '';
      for (let i = 0; i < 24; i++) {
        const response = await fetch(`http://127.0.0.1:${otherPort}/p`);
        await response.text();
        result += response.status === 503 ? 'x' : '.';
      }
      await other.close();
      return result;
    };
    const first = await pattern(7);
    expect(await pattern(7)).toBe(first);
    expect(first).toMatch(/x/);
    expect(first).toMatch(/\./);
    expect(await pattern(8)).not.toBe(first);
  });

  it('under concurrency first: 10 still faults exactly 10 requests, each recorded once', async () => {
    await toxic({ name: 'ten', type: 'http_status', attributes: { status: 503, first: 10 } });
    const pool = new Agent({ connections: 8 });
    const statuses = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const response = await undiciRequest(`${base()}/c/${i}`, { method: 'POST', body: 'x', dispatcher: pool, headers: { 'idempotency-key': `c${i}` } });
        await response.body.text();
        return response.statusCode;
      }),
    );
    await pool.close();
    expect(statuses.filter((s) => s === 503)).toHaveLength(10);
    expect(upstream.seen).toHaveLength(30);
    const { events } = (await api(server.url, 'GET', '/events?since=0')).body as { events: Array<{ idempotency_key: string }> };
    expect(new Set(events.map((e) => e.idempotency_key)).size).toBe(10);
  });
});
