import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from './index.js';
import { api, createProxy, startEchoServer, startHttpServer, type Upstream } from './test-support/index.js';

/** Writes `payload`, half-closes (FIN), and collects the answer until the other side closes. */
function halfClosedExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => {
      socket.end();
      resolve(answer);
    });
    socket.on('error', (error) => resolve(`error: ${error.message}`));
    socket.on('connect', () => socket.end(payload));
  });
}

describe('link', () => {
  let server: ProxyServer;
  let echo: Upstream;
  let web: Upstream;
  beforeEach(async () => {
    server = await startProxyServer({ seed: 2 });
    echo = await startEchoServer();
    web = await startHttpServer();
  });
  afterEach(async () => {
    await server.close();
    await echo.close();
    await web.close();
  });

  it('a client that half-closes after its request still gets the whole answer', async () => {
    const port = await createProxy(server.url, 'tcp', echo.address);
    expect(await halfClosedExchange(port, 'request then FIN')).toBe('request then FIN');
  });

  it('so does an HTTP client when the proxy parses HTTP', async () => {
    const port = await createProxy(server.url, 'http', web.address);
    await api(server.url, 'POST', '/proxies/http/toxics', { type: 'http_delay', attributes: { delay_ms: 10 } });
    const answer = await halfClosedExchange(port, 'GET /half HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.endsWith('ok GET /half')).toBe(true);
  });
});
