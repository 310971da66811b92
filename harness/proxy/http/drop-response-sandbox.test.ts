import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index.js';
import { startProxyServer, type ProxyServer } from '../index.js';
import { api, createProxy } from '../test-support/index.js';

/** The fault that matters most for payments, end to end: the charge happened, its answer was lost. */
describe('http_drop_response in front of the sandbox', () => {
  let sandbox: RunningSandbox;
  let server: ProxyServer;
  let port: number;
  const headers = (key: string) => ({ authorization: 'Bearer sk_test_x', 'idempotency-key': key, 'content-type': 'application/json' });
  const payment = JSON.stringify({ amount: 1000, currency: 'EUR', reference: 'r1', capture: 'automatic' });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, quiet: true });
    server = await startProxyServer({ seed: 1 });
    port = await createProxy(server.url, 'api', `127.0.0.1:${sandbox.port}`);
    await api(server.url, 'POST', '/proxies/api/toxics', { name: 'lost', type: 'http_drop_response', attributes: { method: 'POST', path: '/v1/payments', first: 1 } });
    // Starting the sandbox (embedded PostgreSQL) takes ~20 s alone on the 2-core machine, far more when it is busy.
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it('the payment exists, the client saw a reset, and a retry with the same key replays it', async () => {
    const lost = await request(`http://127.0.0.1:${port}/v1/payments`, { method: 'POST', headers: headers('key-1'), body: payment }).then(
      () => 'answered',
      (error: { code?: string; cause?: { code?: string } }) => error.code ?? error.cause?.code ?? 'error',
    );
    expect(lost).toMatch(/UND_ERR_SOCKET|ECONNRESET/);

    const list = await request(`${sandbox.url}/v1/payments?reference=r1`, { headers: { authorization: 'Bearer sk_test_x' } });
    const { data } = (await list.body.json()) as { data: Array<{ id: string; status: string; amount: number }> };
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ status: 'succeeded', amount: 1000 });

    const events = (await api(server.url, 'GET', '/events?since=0')).body as { events: Array<Record<string, unknown>> };
    expect(events.events).toMatchObject([{ toxic: 'lost', action: 'drop_response', method: 'POST', path: '/v1/payments', idempotency_key: 'key-1' }]);

    const retry = await request(`http://127.0.0.1:${port}/v1/payments`, { method: 'POST', headers: headers('key-1'), body: payment });
    const replayed = (await retry.body.json()) as { id: string };
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(replayed.id).toBe(data[0].id);
  });
});
