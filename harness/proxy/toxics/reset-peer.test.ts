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

  it('resets the connection (ECONNRESET, no data) once data flows', async () => {
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
});
