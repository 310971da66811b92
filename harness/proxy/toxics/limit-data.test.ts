import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, exchange, startEchoServer, type Upstream } from '../test-support/index.js';

describe('limit_data', () => {
  let server: ProxyServer;
  let upstream: Upstream;
  beforeEach(async () => {
    server = await startProxyServer({ seed: 1 });
    upstream = await startEchoServer(Buffer.alloc(5_000, 'a'));
  });
  afterEach(async () => {
    await server.close();
    await upstream.close();
  });

  it('cuts the connection at exactly the byte count', async () => {
    const port = await createProxy(server.url, 'ld', upstream.address);
    await api(server.url, 'POST', '/proxies/ld/toxics', { type: 'limit_data', attributes: { bytes: 1234 } });
    const result = await exchange(port, '', 2_000);
    expect(result.data.length).toBe(1234);
    expect(result.outcome).toBe('end');
  });

  it('on the upstream stream it cuts what the upstream receives and closes the connection', async () => {
    let received = '';
    const recorder = net.createServer((socket) => {
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', () => resolve()));
    const port = await createProxy(server.url, 'up', `127.0.0.1:${(recorder.address() as net.AddressInfo).port}`);
    await api(server.url, 'POST', '/proxies/up/toxics', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 5 } });
    const result = await exchange(port, 'abcdefghij', 2_000);
    expect(result.outcome).not.toBe('open');
    for (let i = 0; i < 50 && received.length < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toBe('abcde');
    await new Promise((resolve) => recorder.close(resolve));
  });

  it('on the upstream stream an echo server still returns the bytes let through, then the connection closes', async () => {
    const echo = await startEchoServer();
    const port = await createProxy(server.url, 'echo', echo.address);
    await api(server.url, 'POST', '/proxies/echo/toxics', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } });
    const result = await exchange(port, 'abcdefghijklmnopqrst', 2_000);
    expect(result.data.toString()).toBe('abcdefghij');
    expect(result.outcome).toBe('end');
    await echo.close();
  });
});
