import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createProxy, exchange, startFixture } from '../test-support/index.js';

describe('noop', () => {
  let fx: Awaited<ReturnType<typeof startFixture>>;
  beforeEach(async () => {
    fx = await startFixture();
  });
  afterEach(() => fx.close());

  it('passes data through unchanged', async () => {
    const port = await createProxy(fx.server.url, 'n', fx.echo.address);
    const created = await api(fx.server.url, 'POST', '/proxies/n/toxics', { type: 'noop', stream: 'upstream' });
    expect(created.body).toEqual({ attributes: {}, name: 'noop_upstream', type: 'noop', stream: 'upstream', toxicity: 1 });
    const result = await exchange(port, 'unchanged bytes', 2_000, (d) => d.length >= 15);
    expect(result.data.toString()).toBe('unchanged bytes');
  });
});
