import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from './index.js';
import { api, createProxy, exchange, startEchoServer, type Upstream } from './test-support/index.js';

/**
 * Input Toxiproxy accepts or chokes on: here every case is a 400/404/409/500 in Toxiproxy's error
 * shape, and afterwards the server and its other proxies still work.
 */
describe('bad input never crashes the server or disturbs other proxies', () => {
  let server: ProxyServer;
  let echo: Upstream;
  let healthyPort: number;
  const stillHealthy = async (): Promise<void> => {
    expect((await api(server.url, 'GET', '/version')).status).toBe(200);
    expect((await exchange(healthyPort, 'alive', 2_000, (d) => d.length >= 5)).data.toString()).toBe('alive');
  };

  beforeAll(async () => {
    server = await startProxyServer({ seed: 5 });
    echo = await startEchoServer();
    healthyPort = await createProxy(server.url, 'healthy', echo.address);
    await createProxy(server.url, 'target', echo.address);
  });
  afterAll(async () => {
    await server.close();
    await echo.close();
  });

  const toxicCases: Array<[string, unknown, RegExp]> = [
    ['negative latency', { type: 'latency', attributes: { latency: -5 } }, /latency of latency must be ≥ 0/],
    ['non-numeric attribute', { type: 'latency', attributes: { latency: 'fast' } }, /must be an integer, got "fast"/],
    ['fractional integer attribute', { type: 'limit_data', attributes: { bytes: 1.5 } }, /must be an integer/],
    ['misspelt attribute', { type: 'latency', attributes: { lattency: 5 } }, /unknown attribute lattency for toxic type latency \(known: latency, jitter\)/],
    ['unknown field', { type: 'latency', attribute: { latency: 5 } }, /unknown field attribute/],
    ['toxicity above 1', { type: 'latency', toxicity: 2 }, /toxicity must be a number from 0 to 1/],
    ['attributes not an object', { type: 'latency', attributes: [1] }, /attributes must be a JSON object/],
    ['http_status without status', { type: 'http_status', attributes: {} }, /missing required field: attributes.status/],
    ['probability above 1', { type: 'http_status', attributes: { status: 503, probability: 1.5 } }, /must be ≤ 1/],
    ['backwards window', { type: 'http_delay', attributes: { delay_ms: 1, window: { from_ms: 10, to_ms: 5 } } }, /from_ms.*to_ms/],
    ['bad phase', { type: 'http_delay', attributes: { delay_ms: 1, phase: 'later' } }, /must be one of request, response/],
    ['a body that is an array', [{ type: 'latency' }], /expected a JSON object/],
  ];
  it.each(toxicCases)('toxic with %s → 400', async (_label, body, message) => {
    const answer = await api(server.url, 'POST', '/proxies/target/toxics', body);
    expect([answer.status, answer.contentType]).toEqual([400, 'text/plain; charset=utf-8']);
    expect(answer.body).toMatchObject({ status: 400, error: expect.stringMatching(message) });
    await stillHealthy();
  });

  it('an update with nonsense is refused and leaves the toxic as it was', async () => {
    await api(server.url, 'POST', '/proxies/target/toxics', { name: 'lat', type: 'latency', attributes: { latency: 1 } });
    expect((await api(server.url, 'PATCH', '/proxies/target/toxics/lat', { attributes: { latency: -1 } })).status).toBe(400);
    expect((await api(server.url, 'PATCH', '/proxies/target/toxics/lat', { type: 'bandwidth' })).status).toBe(400);
    expect((await api(server.url, 'GET', '/proxies/target/toxics/lat')).body).toMatchObject({ attributes: { latency: 1, jitter: 0 } });
    await api(server.url, 'DELETE', '/proxies/target/toxics/lat');
  });

  const proxyCases: Array<[string, unknown, number, RegExp]> = [
    ['invalid JSON', '{"name": ', 400, /^bad request body: /],
    ['an empty body', '', 400, /^bad request body: EOF/],
    ['unknown field', { name: 'x', upstream: '127.0.0.1:9', listn: '127.0.0.1:0' }, 400, /unknown field listn/],
    ['upstream without port', { name: 'x', upstream: 'localhost' }, 400, /upstream must be HOST:PORT/],
    ['listen with a bad port', { name: 'x', upstream: '127.0.0.1:1', listen: '127.0.0.1:99999' }, 400, /listen must be HOST:PORT/],
    ['enabled as a string', { name: 'x', upstream: '127.0.0.1:1', enabled: 'yes' }, 400, /enabled must be true or false/],
  ];
  it.each(proxyCases)('proxy with %s → %i', async (_label, body, status, message) => {
    const answer = await api(server.url, 'POST', '/proxies', body);
    expect(answer.status).toBe(status);
    expect((answer.body as { error: string }).error).toMatch(message);
    await stillHealthy();
  });

  it('a listen port in use answers 500 as Toxiproxy does and creates nothing', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as net.AddressInfo).port;
    const answer = await api(server.url, 'POST', '/proxies', { name: 'clash', listen: `127.0.0.1:${port}`, upstream: echo.address });
    expect(answer.body).toEqual({ error: `listen tcp 127.0.0.1:${port}: bind: address already in use`, status: 500 });
    expect((await api(server.url, 'GET', '/proxies/clash')).status).toBe(404);
    await new Promise((resolve) => busy.close(resolve));
    await stillHealthy();
  });

  it('an unreachable upstream closes the client connection and nothing else', async () => {
    const port = await createProxy(server.url, 'nowhere', '127.0.0.1:1');
    const result = await exchange(port, 'hello?', 2_000);
    expect(['end', 'reset', 'error']).toContain(result.outcome);
    expect(result.data.length).toBe(0);
    await stillHealthy();
  });

  it('two clients racing to create one proxy get one 201 and one 409', async () => {
    const body = { name: 'race', listen: '127.0.0.1:0', upstream: echo.address };
    const answers = await Promise.all([api(server.url, 'POST', '/proxies', body), api(server.url, 'POST', '/proxies', body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
  });

  it('a known path with the wrong method is 405; a bad since is 400', async () => {
    expect((await api(server.url, 'PUT', '/proxies')).status).toBe(405);
    expect((await api(server.url, 'GET', '/events?since=-1')).status).toBe(400);
    await stillHealthy();
  });

  it('populate with a listen port in use keeps the proxies made so far and reports the error', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as net.AddressInfo).port;
    const answer = await api(server.url, 'POST', '/populate', [
      { name: 'pop-ok', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'pop-clash', listen: `127.0.0.1:${port}`, upstream: echo.address },
    ]);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ error: expect.stringMatching(/address already in use/), status: 500, proxies: [{ name: 'pop-ok' }] });
    await new Promise((resolve) => busy.close(resolve));
    await stillHealthy();
  });

  it('junk bodies on every endpoint get 4xx answers, never a 500 or a crash', async () => {
    await api(server.url, 'POST', '/proxies/target/toxics', { name: 'fz', type: 'latency' });
    const junk: unknown[] = ['null', '[]', '1', '"x"', '{}', 'true', '{"attributes":null}', '{"toxicity":"high"}', '{"name":{"a":1}}', '{"type":["latency"]}', '{"enabled":null}', '[{"name":1}]', '[null]', '{"attributes":{"latency":1e400}}', '\u0000', '{"a":'.repeat(50)];
    const targets: Array<[string, string]> = [
      ['POST', '/proxies'], ['POST', '/populate'], ['POST', '/proxies/target'], ['PATCH', '/proxies/target'],
      ['POST', '/proxies/target/toxics'], ['POST', '/proxies/target/toxics/fz'], ['PATCH', '/proxies/target/toxics/fz'],
    ];
    for (const [method, path] of targets) {
      for (const body of junk) {
        const answer = await api(server.url, method, path, body as string);
        expect([200, 201, 400, 404, 409], `${method} ${path} ${String(body)} → ${answer.status} ${answer.text}`).toContain(answer.status);
      }
    }
    expect((await api(server.url, 'GET', '/proxies/target')).body).toMatchObject({ name: 'target', enabled: true });
    await stillHealthy();
  });
});
