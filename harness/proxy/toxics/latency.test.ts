import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { api, createProxy, exchange, startFixture } from '../test-support/index.js';

describe('latency', () => {
  let fx: Awaited<ReturnType<typeof startFixture>>;
  let port: number;
  beforeEach(async () => {
    fx = await startFixture();
    port = await createProxy(fx.server.url, 'lat', fx.echo.address);
  });
  afterEach(() => fx.close());

  it('a 200 ms downstream latency adds at least 200 ms', async () => {
    const baseline = await exchange(port, 'ping', 2_000, (d) => d.length >= 4);
    await api(fx.server.url, 'POST', '/proxies/lat/toxics', { type: 'latency', attributes: { latency: 200 } });
    const delayed = await exchange(port, 'ping', 2_000, (d) => d.length >= 4);
    expect(delayed.data.toString()).toBe('ping');
    expect(delayed.elapsedMs).toBeGreaterThanOrEqual(200);
    expect(baseline.elapsedMs).toBeLessThan(180);
  });

  it('applies to new data on an existing connection, and stops applying when removed', async () => {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const roundTrip = async (): Promise<number> => {
      const started = performance.now();
      socket.write('x');
      await new Promise((resolve) => socket.once('data', resolve));
      return performance.now() - started;
    };
    expect(await roundTrip()).toBeLessThan(250);
    await api(fx.server.url, 'POST', '/proxies/lat/toxics', { name: 'up', type: 'latency', stream: 'upstream', attributes: { latency: 300 } });
    expect(await roundTrip()).toBeGreaterThanOrEqual(300);
    await api(fx.server.url, 'DELETE', '/proxies/lat/toxics/up');
    expect(await roundTrip()).toBeLessThan(250);
    socket.destroy();
  });

  it('toxicity 0 never applies the toxic', async () => {
    await api(fx.server.url, 'POST', '/proxies/lat/toxics', { type: 'latency', toxicity: 0, attributes: { latency: 500 } });
    const result = await exchange(port, 'ping', 2_000, (d) => d.length >= 4);
    expect(result.elapsedMs).toBeLessThan(400);
  });

  it('an update applies to data not yet handled on existing connections', async () => {
    await api(fx.server.url, 'POST', '/proxies/lat/toxics', { name: 'l', type: 'latency', attributes: { latency: 10 } });
    expect((await exchange(port, 'a', 2_000, (d) => d.length >= 1)).elapsedMs).toBeLessThan(200);
    await api(fx.server.url, 'PATCH', '/proxies/lat/toxics/l', { attributes: { latency: 300 } });
    expect((await exchange(port, 'b', 2_000, (d) => d.length >= 1)).elapsedMs).toBeGreaterThanOrEqual(300);
  });
});
