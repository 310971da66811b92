import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from './index.js';
import { api, exchange, startEchoServer, startHttpServer, type Upstream } from './test-support/index.js';

/**
 * Pins the API's status codes and shapes with raw HTTP. The same cases run against a real Toxiproxy
 * when TOXIPROXY_URL is set (its proxies must be able to reach 127.0.0.1 of this machine).
 */
const TOXIPROXY_URL = process.env.TOXIPROXY_URL?.replace(/\/$/, '');

const errorOf = (status: number, error: string) => ({ error, status });
const TEXT_PLAIN = 'text/plain; charset=utf-8';

function apiSuite(label: string, target: () => Promise<{ url: string; close(): Promise<void> }>): void {
  describe(label, () => {
    let url: string;
    let closeTarget: () => Promise<void>;
    let echo: Upstream;
    let greeter: Upstream;
    const prefix = `ph${process.pid}_${Math.floor(Math.random() * 1e6)}_`;
    const n = (name: string): string => prefix + name;
    const listenPort = (proxy: unknown): number => Number(/:(\d+)$/.exec((proxy as { listen: string }).listen)![1]);
    const withoutLogger = (proxy: unknown): Record<string, unknown> => {
      const { Logger: _ignored, ...rest } = proxy as Record<string, unknown>;
      return rest;
    };

    beforeAll(async () => {
      ({ url, close: closeTarget } = await target());
      echo = await startEchoServer();
      greeter = await startEchoServer(Buffer.alloc(3_000, 'g'));
    });
    afterAll(async () => {
      const all = (await api(url, 'GET', '/proxies')).body as Record<string, unknown>;
      for (const name of Object.keys(all).filter((k) => k.startsWith(prefix))) await api(url, 'DELETE', `/proxies/${name}`);
      await closeTarget();
      await echo.close();
      await greeter.close();
    });

    it('GET /version answers a version', async () => {
      const answer = await api(url, 'GET', '/version');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    });

    it('creates, shows, lists and deletes proxies with Toxiproxy codes', async () => {
      const created = await api(url, 'POST', '/proxies', { name: n('p'), listen: '127.0.0.1:0', upstream: echo.address });
      expect(created.status).toBe(201);
      expect(created.contentType).toBe('application/json');
      expect(Object.keys(withoutLogger(created.body))).toEqual(['name', 'listen', 'upstream', 'enabled', 'toxics']);
      expect(withoutLogger(created.body)).toMatchObject({ name: n('p'), upstream: echo.address, enabled: true, toxics: [] });
      expect(listenPort(created.body)).toBeGreaterThan(0);

      const again = await api(url, 'POST', '/proxies', { name: n('p'), listen: '127.0.0.1:0', upstream: echo.address });
      expect([again.status, again.contentType, again.body]).toEqual([409, TEXT_PLAIN, errorOf(409, 'proxy already exists')]);
      expect((await api(url, 'POST', '/proxies', { listen: '127.0.0.1:0', upstream: echo.address })).body).toEqual(errorOf(400, 'missing required field: name'));
      expect((await api(url, 'POST', '/proxies', { name: n('x'), listen: '127.0.0.1:0' })).body).toEqual(errorOf(400, 'missing required field: upstream'));
      expect((await api(url, 'POST', '/proxies', 'not json')).status).toBe(400);

      expect(withoutLogger((await api(url, 'GET', `/proxies/${n('p')}`)).body)).toEqual(withoutLogger(created.body));
      expect((await api(url, 'GET', `/proxies/${n('missing')}`)).body).toEqual(errorOf(404, 'proxy not found'));
      const all = (await api(url, 'GET', '/proxies')).body as Record<string, unknown>;
      expect(withoutLogger(all[n('p')])).toEqual(withoutLogger(created.body));

      expect((await api(url, 'DELETE', `/proxies/${n('p')}`)).status).toBe(204);
      expect((await api(url, 'DELETE', `/proxies/${n('p')}`)).body).toEqual(errorOf(404, 'proxy not found'));
    });

    it('adds, lists, updates and removes toxics with Toxiproxy defaults and codes', async () => {
      await api(url, 'POST', '/proxies', { name: n('t'), listen: '127.0.0.1:0', upstream: echo.address });
      const path = `/proxies/${n('t')}/toxics`;
      const latency = await api(url, 'POST', path, { type: 'latency', attributes: { latency: 100, jitter: 10 } });
      expect([latency.status, latency.body]).toEqual([200, { attributes: { latency: 100, jitter: 10 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 }]);
      expect((await api(url, 'POST', path, { type: 'latency', attributes: { latency: 1 } })).body).toEqual(errorOf(409, 'toxic already exists'));
      expect((await api(url, 'POST', path, { name: 'x', type: 'nosuch' })).body).toEqual(errorOf(400, 'invalid toxic type'));
      expect((await api(url, 'POST', path, { name: 'x', type: 'latency', stream: 'sideways' })).body).toEqual(
        errorOf(400, 'stream was invalid, can be either upstream or downstream'),
      );
      expect((await api(url, 'POST', `/proxies/${n('missing')}/toxics`, { type: 'latency' })).body).toEqual(errorOf(404, 'proxy not found'));
      await api(url, 'POST', path, { name: 'up', type: 'bandwidth', stream: 'upstream', toxicity: 0.5, attributes: { rate: 100 } });
      const list = (await api(url, 'GET', path)).body as Array<{ name: string }>;
      expect(list.map((t) => t.name)).toEqual(['up', 'latency_downstream']);

      const patched = await api(url, 'PATCH', `${path}/latency_downstream`, { attributes: { latency: 250 } });
      expect(patched.body).toMatchObject({ attributes: { latency: 250, jitter: 10 }, toxicity: 1 });
      const posted = await api(url, 'POST', `${path}/latency_downstream`, { attributes: { jitter: 1 }, toxicity: 0.25 });
      expect(posted.body).toMatchObject({ attributes: { latency: 250, jitter: 1 }, toxicity: 0.25 });
      expect((await api(url, 'GET', `${path}/latency_downstream`)).body).toEqual(posted.body);
      expect((await api(url, 'GET', `${path}/missing`)).body).toEqual(errorOf(404, 'toxic not found'));
      expect((await api(url, 'PATCH', `${path}/missing`, { attributes: {} })).body).toEqual(errorOf(404, 'toxic not found'));
      expect((await api(url, 'DELETE', `${path}/up`)).status).toBe(204);
      expect((await api(url, 'DELETE', `${path}/up`)).body).toEqual(errorOf(404, 'toxic not found'));
    });

    it('populate answers {proxies} and 400 with proxies null for a non-array', async () => {
      const answer = await api(url, 'POST', '/populate', [{ name: n('pop'), listen: '127.0.0.1:0', upstream: echo.address }]);
      expect(answer.status).toBe(201);
      expect((answer.body as { proxies: unknown[] }).proxies.map(withoutLogger)).toMatchObject([{ name: n('pop'), enabled: true, toxics: [] }]);
      const bad = await api(url, 'POST', '/populate', { not: 'an array' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ status: 400, proxies: null });
    });

    it('listen on localhost:0 is reachable on 127.0.0.1, as with Go', async () => {
      const answer = await api(url, 'POST', '/proxies', { name: n('local'), listen: 'localhost:0', upstream: echo.address });
      expect((answer.body as { listen: string }).listen).toMatch(/^127\.0\.0\.1:\d+$/);
      expect((await exchange(listenPort(answer.body), 'hi', 2_000, (d) => d.length >= 2)).data.toString()).toBe('hi');
    });

    it('unknown routes answer 404 page not found', async () => {
      const answer = await api(url, 'GET', '/nosuchroute');
      expect([answer.status, answer.text]).toEqual([404, '404 page not found\n']);
    });

    describe('effects on real sockets', () => {
      const proxyTo = async (name: string, upstream: string): Promise<number> =>
        listenPort((await api(url, 'POST', '/proxies', { name: n(name), listen: '127.0.0.1:0', upstream })).body);

      it('200 ms latency adds ≥ 200 ms', async () => {
        const port = await proxyTo('lat', echo.address);
        await api(url, 'POST', `/proxies/${n('lat')}/toxics`, { type: 'latency', attributes: { latency: 200 } });
        const result = await exchange(port, 'ping', 3_000, (d) => d.length >= 4);
        expect(result.data.toString()).toBe('ping');
        expect(result.elapsedMs).toBeGreaterThanOrEqual(199);
      });

      it('limit_data cuts at the byte count', async () => {
        const port = await proxyTo('ld', greeter.address);
        await api(url, 'POST', `/proxies/${n('ld')}/toxics`, { type: 'limit_data', attributes: { bytes: 1000 } });
        const result = await exchange(port, '', 3_000);
        expect([result.data.length, result.outcome]).toEqual([1000, 'end']);
      });

      it('reset_peer resets', async () => {
        const port = await proxyTo('rp', echo.address);
        await api(url, 'POST', `/proxies/${n('rp')}/toxics`, { type: 'reset_peer', attributes: { timeout: 0 } });
        expect((await exchange(port, 'hello', 3_000)).outcome).toBe('reset');
      });

      it('timeout 0 holds the connection', async () => {
        const port = await proxyTo('to', echo.address);
        await api(url, 'POST', `/proxies/${n('to')}/toxics`, { type: 'timeout', attributes: { timeout: 0 } });
        const result = await exchange(port, 'hello', 500);
        expect([result.outcome, result.data.length]).toEqual(['open', 0]);
      });

      it('a disabled proxy ("down") closes live connections and refuses new ones; enabling it restores them', async () => {
        const port = await proxyTo('down', echo.address);
        const live = net.connect({ host: '127.0.0.1', port });
        await new Promise((resolve) => live.once('connect', resolve));
        const liveClosed = new Promise((resolve) => live.once('close', resolve));
        live.on('error', () => undefined);
        const disabled = await api(url, 'PATCH', `/proxies/${n('down')}`, { enabled: false });
        expect((disabled.body as { enabled: boolean }).enabled).toBe(false);
        await liveClosed;
        const refused = await exchange(port, 'x', 1_000);
        expect(refused.outcome).toBe('error');
        await api(url, 'POST', `/proxies/${n('down')}`, { enabled: true });
        expect((await exchange(port, 'back', 2_000, (d) => d.length >= 4)).data.toString()).toBe('back');
      });

      it('forwards HTTP keep-alive traffic unchanged with no toxics', async () => {
        const web = await startHttpServer();
        const port = await proxyTo('web', web.address);
        for (let i = 0; i < 3; i++) {
          expect(await (await fetch(`http://127.0.0.1:${port}/r${i}`)).text()).toBe(`ok GET /r${i}`);
        }
        await web.close();
      });
    });
  });
}

apiSuite('Toxiproxy API: embedded server', async () => {
  const server: ProxyServer = await startProxyServer({ seed: 7 });
  return { url: server.url, close: () => server.close() };
});

describe.skipIf(!TOXIPROXY_URL)('Toxiproxy API: real Toxiproxy (skipped: set TOXIPROXY_URL to run)', () => {
  apiSuite(`at ${TOXIPROXY_URL}`, async () => ({ url: TOXIPROXY_URL!, close: async () => undefined }));
});
