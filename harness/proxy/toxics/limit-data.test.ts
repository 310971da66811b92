import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, exchange, startEchoServer, type Upstream } from '../test-support.js';

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
});
