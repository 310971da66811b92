import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, exchange, type Upstream } from '../test-support/index.js';

describe('slow_close', () => {
  let server: ProxyServer;
  let upstream: net.Server;
  let address: string;
  beforeEach(async () => {
    server = await startProxyServer({ seed: 1 });
    // Says hello and hangs up at once.
    upstream = net.createServer((socket) => socket.end('bye'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
    address = `127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  });
  afterEach(async () => {
    await server.close();
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('passes data at once and holds the close for delay ms', async () => {
    const port = await createProxy(server.url, 'sc', address);
    const quick = await exchange(port, '', 2_000);
    await api(server.url, 'POST', '/proxies/sc/toxics', { type: 'slow_close', attributes: { delay: 300 } });
    const slow = await exchange(port, '', 2_000);
    expect(quick.elapsedMs).toBeLessThan(200);
    expect(slow.data.toString()).toBe('bye');
    expect(slow.outcome).toBe('end');
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(295);
  });
});
