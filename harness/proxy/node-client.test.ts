import { Toxiproxy, ToxiproxyError, type ICreateToxicBody } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from './index.js';
import { exchange, startEchoServer, startHttpServer, type Upstream } from './test-support/index.js';

/** toxiproxy-node-client (what users' test suites use) drives every endpoint and toxic of the embedded server. */
describe('toxiproxy-node-client against the embedded server', () => {
  let server: ProxyServer;
  let echo: Upstream;
  let web: Upstream;
  let toxiproxy: Toxiproxy;
  const portOf = (listen: string): number => Number(/:(\d+)$/.exec(listen)![1]);

  beforeAll(async () => {
    server = await startProxyServer({ seed: 3 });
    echo = await startEchoServer();
    web = await startHttpServer();
    toxiproxy = new Toxiproxy(server.url);
  });
  afterAll(async () => {
    await server.close();
    await echo.close();
    await web.close();
  });

  it('version, create, get, getAll, update (down/up), remove', async () => {
    expect(JSON.parse(await toxiproxy.getVersion())).toEqual({ version: '2.12.0' });
    const proxy = await toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address });
    expect(proxy.toJson()).toMatchObject({ name: 'echo', upstream: echo.address, enabled: true });
    await expect(toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: echo.address })).rejects.toBeInstanceOf(ToxiproxyError);
    expect((await toxiproxy.get('echo')).listen).toBe(proxy.listen);
    expect(Object.keys(await toxiproxy.getAll())).toEqual(['echo']);

    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(down.enabled).toBe(false);
    expect((await exchange(portOf(proxy.listen), 'x', 1_000)).outcome).toBe('error');
    const up = await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(up.enabled).toBe(true);
    expect((await exchange(portOf(proxy.listen), 'hi', 1_000, (d) => d.length >= 2)).data.toString()).toBe('hi');

    await up.remove();
    await expect(toxiproxy.get('echo')).rejects.toThrow(/404/);
  });

  it('populate and reset', async () => {
    const proxies = await toxiproxy.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: echo.address },
      { name: 'b', listen: '127.0.0.1:0', upstream: echo.address, enabled: false },
    ]);
    expect(Object.keys(proxies)).toEqual(['a', 'b']);
    expect(proxies.b.enabled).toBe(false);
    await proxies.a.addToxic({ name: 'lat', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 10, jitter: 0 } });
    await toxiproxy.reset();
    const all = await toxiproxy.getAll();
    expect(all.b.enabled).toBe(true);
    expect((await all.a.toJson()).enabled).toBe(true);
    await expect(all.a.getToxic('lat')).rejects.toThrow(/404/);
    await all.a.remove();
    await all.b.remove();
  });

  const toxicBodies: Array<ICreateToxicBody<unknown>> = [
    { name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5, jitter: 1 } },
    { name: 'bandwidth', type: 'bandwidth', stream: 'upstream', toxicity: 1, attributes: { rate: 1000 } },
    { name: 'slow_close', type: 'slow_close', stream: 'downstream', toxicity: 1, attributes: { delay: 5 } },
    { name: 'timeout', type: 'timeout', stream: 'downstream', toxicity: 0, attributes: { timeout: 10 } },
    { name: 'reset_peer', type: 'reset_peer', stream: 'downstream', toxicity: 0, attributes: { timeout: 10 } },
    { name: 'slicer', type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 64, size_variation: 8, delay: 10 } },
    { name: 'limit_data', type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 100_000 } },
    { name: 'noop', type: 'noop' as never, stream: 'downstream', toxicity: 1, attributes: {} },
  ];

  it('adds, gets, updates and removes every TCP toxic type', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'all', listen: '127.0.0.1:0', upstream: echo.address });
    for (const body of toxicBodies) {
      const toxic = await proxy.addToxic(body);
      expect(toxic.toJson()).toEqual({ ...body });
      const fetched = await proxy.getToxic(body.name);
      expect(fetched.toJson()).toEqual(toxic.toJson());
      const updated = await fetched.update({ ...body, toxicity: body.toxicity === 0 ? 0 : 0.5 });
      expect(updated.toxicity).toBe(body.toxicity === 0 ? 0 : 0.5);
    }
    // Everything above at once still passes data (timeout and reset_peer were given toxicity 0).
    const result = await exchange(portOf(proxy.listen), 'through all toxics', 2_000, (d) => d.length >= 18);
    expect(result.data.toString()).toBe('through all toxics');
    for (const body of toxicBodies) await (await proxy.getToxic(body.name)).remove();
    await proxy.remove();
  });

  it('adds every http_* toxic type through the same client', async () => {
    const proxy = await toxiproxy.createProxy({ name: 'web', listen: '127.0.0.1:0', upstream: web.address });
    const bodies = [
      { name: 'dup', type: 'http_duplicate', attributes: { copies: 1, first: 1 } },
      { name: 'dropres', type: 'http_drop_response', attributes: { path: '/never' } },
      { name: 'dropreq', type: 'http_drop_request', attributes: { method: 'DELETE' } },
      { name: 'status', type: 'http_status', attributes: { status: 503, retry_after: 1, path: '/busy' } },
      { name: 'delay', type: 'http_delay', attributes: { delay_ms: 1, phase: 'response' } },
    ];
    for (const body of bodies) {
      const toxic = await proxy.addToxic({ stream: 'downstream', toxicity: 1, ...body } as unknown as ICreateToxicBody<unknown>);
      expect(toxic.type as string).toBe(body.type);
      expect(toxic.attributes).toMatchObject(body.attributes);
    }
    const busy = await fetch(`http://${proxy.listen}/busy`);
    expect([busy.status, busy.headers.get('retry-after')]).toEqual([503, '1']);
    await busy.text();
    expect(await (await fetch(`http://${proxy.listen}/fine`)).text()).toBe('ok GET /fine');
    await proxy.remove();
  });

  it('accepts what the Go client (toxiproxy-cli) sends: the whole proxy back, and empty strings for unset toxic fields', async () => {
    const created = await fetch(`${server.url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'go', listen: '127.0.0.1:0', upstream: echo.address, enabled: true, toxics: null }),
    });
    const proxy = (await created.json()) as Record<string, unknown>;
    expect(created.status).toBe(201);
    const saved = await fetch(`${server.url}/proxies/go`, { method: 'POST', body: JSON.stringify({ ...proxy, enabled: false }) });
    expect([saved.status, ((await saved.json()) as { enabled: boolean }).enabled]).toEqual([200, false]);
    await fetch(`${server.url}/proxies/go/toxics`, { method: 'POST', body: JSON.stringify({ name: 'l', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1 } }) });
    const updated = await fetch(`${server.url}/proxies/go/toxics/l`, { method: 'POST', body: JSON.stringify({ name: '', type: '', stream: '', toxicity: 0.5, attributes: { latency: 2 } }) });
    expect(await updated.json()).toMatchObject({ name: 'l', toxicity: 0.5, attributes: { latency: 2, jitter: 0 } });
    await fetch(`${server.url}/proxies/go`, { method: 'DELETE' });
  });
});
