import http from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, startHttpServer, type Upstream } from '../test-support/index.js';

/** Sends one request on `agent` and reports the status, body and the client socket it used. */
function get(port: number, agent: http.Agent, path: string): Promise<{ status: number; text: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, agent }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, text, socket: request.socket! }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('HTTP parsing on live and new connections', () => {
  let server: ProxyServer;
  let upstream: Upstream;
  let port: number;
  let agent: http.Agent;

  beforeEach(async () => {
    server = await startProxyServer({ seed: 11 });
    // Answers chunked (write + end), the harder framing to find the end of.
    upstream = await startHttpServer((request, response) => {
      request.resume();
      response.write('chunk-a,');
      setTimeout(() => response.end('chunk-b'), request.url?.includes('slow') ? 150 : 5);
    });
    port = await createProxy(server.url, 'web', upstream.address);
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(async () => {
    agent.destroy();
    await server.close();
    await upstream.close();
  });

  it('an http_* toxic added mid-run reaches an idle keep-alive connection opened before it', async () => {
    const before = await get(port, agent, '/one');
    expect([before.status, before.text]).toEqual([200, 'chunk-a,chunk-b']);
    await api(server.url, 'POST', '/proxies/web/toxics', { type: 'http_status', attributes: { status: 503, path: '/two' } });
    const after = await get(port, agent, '/two');
    expect(after.status).toBe(503);
    expect(after.socket).toBe(before.socket);
    const third = await get(port, agent, '/three');
    expect([third.status, third.text]).toEqual([200, 'chunk-a,chunk-b']);
    expect(third.socket).toBe(before.socket);
  });

  it('a connection with a request in flight switches when its next request starts, after the whole answer', async () => {
    const first = await get(port, agent, '/one');
    const inFlight = get(port, agent, '/busy-1-slow');
    await new Promise((resolve) => setTimeout(resolve, 40));
    await api(server.url, 'POST', '/proxies/web/toxics', { type: 'http_status', attributes: { status: 503, path: '/busy*' } });
    const during = await inFlight;
    const after = await get(port, agent, '/busy-2');
    expect([during.status, during.text]).toEqual([200, 'chunk-a,chunk-b']); // answered in full, not cut
    expect(after.status).toBe(503);
    expect(new Set([first.socket, during.socket, after.socket]).size).toBe(1);
  });

  it('TCP toxics still apply to connections parsed as HTTP', async () => {
    await api(server.url, 'POST', '/proxies/web/toxics', { type: 'http_delay', attributes: { delay_ms: 1, path: '/never' } });
    await api(server.url, 'POST', '/proxies/web/toxics', { type: 'latency', attributes: { latency: 200 } });
    const started = performance.now();
    const answer = await get(port, agent, '/slow');
    expect(answer.text).toBe('chunk-a,chunk-b');
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
    await api(server.url, 'POST', '/proxies/web/toxics', { type: 'reset_peer', attributes: { timeout: 0 } });
    await expect(get(port, agent, '/reset')).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('HTTP framing through the HTTP front', () => {
  it('HEAD keeps the upstream length, 204 has no body, bodies of any size arrive intact', async () => {
    const server = await startProxyServer({ seed: 1 });
    const big = 'x'.repeat(300_000);
    const upstream = await startHttpServer((request, response) => {
      request.resume();
      if (request.url === '/empty') return void response.writeHead(204).end();
      if (request.url === '/big') return void response.end(big);
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5 }).end(request.method === 'HEAD' ? undefined : 'hello');
    });
    const port = await createProxy(server.url, 'framing', upstream.address);
    await api(server.url, 'POST', '/proxies/framing/toxics', { type: 'http_delay', attributes: { delay_ms: 1 } });
    const head = await fetch(`http://127.0.0.1:${port}/x`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '5']);
    const empty = await fetch(`http://127.0.0.1:${port}/empty`);
    expect([empty.status, await empty.text(), empty.headers.get('content-length')]).toEqual([204, '', null]);
    expect((await (await fetch(`http://127.0.0.1:${port}/big`)).text()).length).toBe(big.length);
    await server.close();
    await upstream.close();
  });
});
