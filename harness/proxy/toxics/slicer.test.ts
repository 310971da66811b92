import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy, startEchoServer, type Upstream } from '../test-support/index.js';

describe('slicer', () => {
  let server: ProxyServer;
  let upstream: Upstream;
  const payload = Buffer.from(Array.from({ length: 2_000 }, (_, i) => i % 251));
  beforeEach(async () => {
    server = await startProxyServer({ seed: 1 });
    upstream = await startEchoServer(payload);
  });
  afterEach(async () => {
    await server.close();
    await upstream.close();
  });

  it('delivers the same bytes in many small reads', async () => {
    const port = await createProxy(server.url, 'sl', upstream.address);
    await api(server.url, 'POST', '/proxies/sl/toxics', { type: 'slicer', attributes: { average_size: 100, size_variation: 20, delay: 2_000 } });
    const socket = net.connect({ host: '127.0.0.1', port });
    const reads: Buffer[] = [];
    await new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        reads.push(d);
        if (Buffer.concat(reads).length >= payload.length) resolve();
      });
    });
    socket.destroy();
    expect(Buffer.concat(reads).equals(payload)).toBe(true);
    expect(reads.length).toBeGreaterThanOrEqual(8);
  });
});
