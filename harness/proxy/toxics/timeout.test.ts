import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createProxy, exchange, startFixture } from '../test-support/index.js';

describe('timeout', { timeout: 10_000 }, () => {
  let fx: Awaited<ReturnType<typeof startFixture>>;
  let port: number;
  beforeEach(async () => {
    fx = await startFixture();
    port = await createProxy(fx.server.url, 'to', fx.echo.address);
  });
  afterEach(() => fx.close());

  it('timeout 0 holds the connection open with no data, and removing it releases the held data', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { name: 'hold', type: 'timeout', attributes: { timeout: 0 } });
    const socket = net.connect({ host: '127.0.0.1', port });
    const received: Buffer[] = [];
    let ended = false;
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('close', () => (ended = true));
    socket.write('held');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(received).toHaveLength(0);
    expect(ended).toBe(false);
    const released = new Promise((resolve) => socket.once('data', resolve));
    expect((await api(fx.server.url, 'DELETE', '/proxies/to/toxics/hold')).status).toBe(204);
    await released;
    expect(Buffer.concat(received).toString()).toBe('held');
    socket.destroy();
  });

  it('timeout N closes the connection after N ms without passing data', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { type: 'timeout', attributes: { timeout: 150 } });
    const result = await exchange(port, 'lost', 2_000);
    expect(result.outcome).toBe('end');
    expect(result.data.length).toBe(0);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(145);
  });

  it('POST /reset heals: the held connection gets its data and the toxic is gone', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { type: 'timeout', attributes: { timeout: 0 } });
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.write('healed');
    const released = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await api(fx.server.url, 'POST', '/reset')).status).toBe(204);
    expect((await released).toString()).toBe('healed');
    expect((await api(fx.server.url, 'GET', '/proxies/to/toxics')).body).toEqual([]);
    socket.destroy();
  });
});
