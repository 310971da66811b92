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

  it('a client that half-closes closes the connection; what the upstream answered at once still arrives', async () => {
    const port = await createProxy(server.url, 'tcp', echo.address);
    expect(await halfClosedExchange(port, 'request then FIN')).toBe('request then FIN');
  });

  it('an HTTP client that half-closes through the HTTP front still gets its answer, however late (an extra)', async () => {
    const port = await createProxy(server.url, 'http', web.address);
    await api(server.url, 'POST', '/proxies/http/toxics', { type: 'http_delay', attributes: { delay_ms: 10 } });
    const answer = await halfClosedExchange(port, 'GET /half HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.endsWith('ok GET /half')).toBe(true);
  });

  it('moves 8 MB each way byte-exact, with and without toxics in the chain', async () => {
    const payload = Buffer.from(Array.from({ length: 8 * 1024 * 1024 }, (_, i) => (i * 31) % 256));
    const port = await createProxy(server.url, 'bulk', echo.address);
    const roundTrip = (): Promise<Buffer> =>
      new Promise((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1' });
        const chunks: Buffer[] = [];
        let size = 0;
        socket.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= payload.length) {
            socket.destroy();
            resolve(Buffer.concat(chunks));
          }
        });
        socket.on('error', reject);
        socket.write(payload);
      });
    expect((await roundTrip()).equals(payload)).toBe(true);
    await api(server.url, 'POST', '/proxies/bulk/toxics', { type: 'latency', attributes: { latency: 1, jitter: 1 } });
    await api(server.url, 'POST', '/proxies/bulk/toxics', { type: 'slicer', stream: 'upstream', attributes: { average_size: 65536, size_variation: 1000, delay: 0 } });
    expect((await roundTrip()).equals(payload)).toBe(true);
  });

  it('stops reading a client whose data a toxic is holding, instead of buffering without bound', async () => {
    const port = await createProxy(server.url, 'held', echo.address);
    await api(server.url, 'POST', '/proxies/held/toxics', { type: 'latency', stream: 'upstream', attributes: { latency: 10_000 } });
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(Buffer.alloc(64 * 1024 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The proxy holds at most ~4 MB; kernel buffers take a few more; the rest waits in the client.
    expect(socket.writableLength).toBeGreaterThan(32 * 1024 * 1024);
    socket.destroy();
  });
});
