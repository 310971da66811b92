import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, exchange, startEchoServer, type Upstream } from '../test-support/index.js';

describe('bandwidth', () => {
  let server: ProxyServer;
  let upstream: Upstream;
  beforeEach(async () => {
    server = await startProxyServer({ seed: 1 });
    upstream = await startEchoServer(Buffer.alloc(20_000, 'b'));
  });
  afterEach(async () => {
    await server.close();
    await upstream.close();
  });

  it('20 KB at 50 KB/s takes about 400 ms', async () => {
    const port = await createProxy(server.url, 'bw', upstream.address);
    await api(server.url, 'POST', '/proxies/bw/toxics', { type: 'bandwidth', attributes: { rate: 50 } });
    const result = await exchange(port, '', 3_000, (d) => d.length >= 20_000);
    expect(result.data.length).toBe(20_000);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(350);
  });
});
