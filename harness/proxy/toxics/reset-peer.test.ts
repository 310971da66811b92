import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createProxy, exchange, startFixture } from '../test-support/index.js';

describe('reset_peer', () => {
  let fx: Awaited<ReturnType<typeof startFixture>>;
  let port: number;
  beforeEach(async () => {
    fx = await startFixture();
    port = await createProxy(fx.server.url, 'rp', fx.echo.address);
  });
  afterEach(() => fx.close());

  it('resets a connection that started while it was present (ECONNRESET, no data) once data flows', async () => {
    await api(fx.server.url, 'POST', '/proxies/rp/toxics', { type: 'reset_peer', attributes: { timeout: 0 } });
    const result = await exchange(port, 'hello', 2_000);
    expect(result.outcome).toBe('reset');
    expect(result.data.length).toBe(0);
  });

  it('waits timeout ms before resetting', async () => {
    await api(fx.server.url, 'POST', '/proxies/rp/toxics', { type: 'reset_peer', stream: 'upstream', attributes: { timeout: 150 } });
    const result = await exchange(port, 'hello', 2_000);
    expect(result.outcome).toBe('reset');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(149);
  });

  it('added to a connection already open, closes it with FIN (Toxiproxy sets linger 0 only at the start)', async () => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const outcome = new Promise<string>((resolve) => {
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      socket.on('end', () => resolve('end'));
    });
    socket.write('warm');
    await new Promise((resolve) => socket.once('data', resolve));
    await api(fx.server.url, 'POST', '/proxies/rp/toxics', { type: 'reset_peer', attributes: { timeout: 0 } });
    socket.write('again');
    expect(await outcome).toBe('end');
    socket.destroy();
  });
});
