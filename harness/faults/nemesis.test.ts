import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../proxy/index.js';
import { api } from '../proxy/test-support/index.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { FaultDecision, FaultRecord } from '../history/types.js';
import type { FaultSpec } from '../config/scenario-types.js';
import { Nemesis } from './nemesis.js';

const RUN = 'ph-test';

interface Server {
  url: string;
  host: string;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<Server> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** An HTTP upstream that answers 200 to everything. */
const startUpstream = (): Promise<Server> => listen(http.createServer((req, res) => req.resume().on('end', () => res.end('{}'))));

/**
 * A Toxiproxy API in front of the real one that holds every toxic creation until `hold` settles:
 * a busy machine's slow answer, made certain, so a heal surely arrives while the apply is in flight.
 * `held` resolves when a creation has arrived and is being held. `isHeld` picks the requests to hold.
 */
type HoldRule = (method: string, url: string) => boolean;
const toxicCreations: HoldRule = (method, url) => method === 'POST' && /\/toxics$/.test(url);

function startSlowApi(apiUrl: string, hold: Promise<unknown>, isHeld: HoldRule = toxicCreations): Promise<Server & { held: Promise<void> }> {
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      const slow = isHeld(req.method ?? '', req.url ?? '');
      if (slow) arrived();
      void (slow ? hold : Promise.resolve()).then(() => fetch(apiUrl + req.url, {
        method: req.method, body: chunks.length ? Buffer.concat(chunks) : undefined, headers: { 'content-type': 'application/json' },
      })).then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        res.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
  });
  return listen(server).then((s) => ({ ...s, held }));
}

const after = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const faults = (recorder: HistoryRecorder): FaultRecord[] => recorder.records.filter((r): r is FaultRecord => r.kind === 'fault');
const toxicsOn = async (apiUrl: string, proxy: string): Promise<unknown[]> => (await api(apiUrl, 'GET', `/proxies/${proxy}/toxics`)).body as unknown[];
const latency = (name: string): FaultSpec => ({ name, type: 'latency', proxy: 'api', attributes: { latency: 50 }, startMs: 100 });

describe('Nemesis: faults that really heal', () => {
  let proxyServer: ProxyServer;
  let upstream: Server;
  let recorder: HistoryRecorder;
  beforeEach(async () => {
    proxyServer = await startProxyServer({ seed: 7 });
    upstream = await startUpstream();
    recorder = new HistoryRecorder();
  });
  afterEach(async () => {
    await proxyServer.close();
    await upstream.close();
  });

  it('a heal called right after apply (not awaited) waits for the toxic and removes it', async () => {
    const nemesis = await Nemesis.connect(proxyServer.url, RUN, recorder);
    await nemesis.createProxy('api', upstream.host);
    const applying = nemesis.apply(latency('lag'), 0);
    const healing = nemesis.heal(`${RUN}-0-lag`);
    await Promise.all([applying, healing]);
    expect(await toxicsOn(proxyServer.url, `${RUN}-api`)).toEqual([]);
    expect(faults(recorder).map((f) => `${f.phase} ${f.toxic}`)).toEqual([`start ${RUN}-0-lag`, `heal ${RUN}-0-lag`]);
    expect(nemesis.activeNames()).toEqual([]);
  });

  it('a heal that arrives while a slow API is still creating the toxic removes it once it exists', async () => {
    let release!: () => void;
    const slow = await startSlowApi(proxyServer.url, new Promise<void>((resolve) => (release = resolve)));
    try {
      const nemesis = await Nemesis.connect(slow.url, RUN, recorder);
      await nemesis.createProxy('api', upstream.host);
      const applying = nemesis.apply(latency('lag'), 1);
      await slow.held;
      expect(faults(recorder)).toEqual([]); // not in place yet, so no start either
      const healing = nemesis.heal(`${RUN}-1-lag`);
      release();
      await Promise.all([applying, healing]);
      expect(await toxicsOn(proxyServer.url, `${RUN}-api`)).toEqual([]);
      expect(faults(recorder).map((f) => f.phase)).toEqual(['start', 'heal']);
    } finally {
      await slow.close();
    }
  });

  it('healAll heals applies still in flight, and settle waits for every apply', async () => {
    const slow = await startSlowApi(proxyServer.url, after(200));
    try {
      const nemesis = await Nemesis.connect(slow.url, RUN, recorder);
      await nemesis.createProxy('api', upstream.host);
      const applies = [nemesis.apply(latency('a'), 0), nemesis.apply({ ...latency('b'), type: 'slow_close', attributes: { delay: 10 } }, 0)];
      await nemesis.settle();
      expect((await toxicsOn(proxyServer.url, `${RUN}-api`)).length).toBe(2);
      const late = nemesis.apply(latency('c'), 0);
      expect(await nemesis.healAll()).toEqual([]);
      await Promise.all([...applies, late]);
      expect(await toxicsOn(proxyServer.url, `${RUN}-api`)).toEqual([]);
      const phases = faults(recorder).map((f) => `${f.phase} ${f.toxic.slice(RUN.length + 3)}`);
      expect(phases.filter((p) => p.startsWith('start')).sort()).toEqual(['start a', 'start b', 'start c']);
      for (const name of ['a', 'b', 'c']) expect(phases.indexOf(`heal ${name}`)).toBeGreaterThan(phases.indexOf(`start ${name}`));
    } finally {
      await slow.close();
    }
  });

  it('a down fault healed while the proxy is still being disabled leaves the proxy enabled', async () => {
    let release!: () => void;
    // Only the disable is held: an enable sent meanwhile would land first and be undone by it.
    let disables = 0;
    const slow = await startSlowApi(proxyServer.url, new Promise<void>((resolve) => (release = resolve)), (method, url) => method === 'POST' && url === `/proxies/${RUN}-api` && disables++ === 0);
    try {
      const nemesis = await Nemesis.connect(slow.url, RUN, recorder);
      await nemesis.createProxy('api', upstream.host);
      const applying = nemesis.apply({ name: 'off', type: 'down', proxy: 'api', startMs: 0 }, 0);
      await slow.held;
      const healing = nemesis.heal(`${RUN}-0-off`);
      await after(100);
      release();
      await Promise.all([applying, healing]);
      expect(((await api(proxyServer.url, 'GET', `/proxies/${RUN}-api`)).body as { enabled: boolean }).enabled).toBe(true);
      expect(faults(recorder).map((f) => f.phase)).toEqual(['start', 'heal']);
    } finally {
      await slow.close();
    }
  });

  it('a failed apply records no start, and healAll never throws but returns what it could not heal', async () => {
    const nemesis = await Nemesis.connect(proxyServer.url, RUN, recorder);
    await nemesis.createProxy('api', upstream.host);
    await expect(nemesis.apply({ name: 'bad', type: 'latency', proxy: 'api', attributes: { latency: -5 }, startMs: 0 }, 0)).rejects.toThrow(/400/);
    expect(await nemesis.healAll()).toEqual([]);
    expect(faults(recorder)).toEqual([]);
    await nemesis.apply(latency('stuck'), 0);
    await proxyServer.close();
    const problems = await nemesis.healAll();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${RUN}-0-stuck: `));
    expect(nemesis.activeNames()).toEqual([`${RUN}-0-stuck`]); // still owed a heal
  });
});

describe('Nemesis: decision polling', () => {
  it('concurrent polls never append one proxy event twice, and every decision keeps its seq', async () => {
    const proxyServer = await startProxyServer({ seed: 3 });
    const upstream = await startUpstream();
    const recorder = new HistoryRecorder();
    try {
      const nemesis = await Nemesis.connect(proxyServer.url, RUN, recorder);
      const proxy = await nemesis.createProxy('api', upstream.host);
      await nemesis.apply({ name: 'busy', type: 'http_status', proxy: 'api', attributes: { status: 503, every: 2 }, startMs: 0 }, 0);
      const polls: Promise<void>[] = [];
      const requests = Array.from({ length: 40 }, async (_, n) => {
        await fetch(`${proxy.url}/v1/payments`, { method: 'POST', headers: { 'idempotency-key': `${RUN}-k${n}` }, body: '{}' }).then((r) => r.arrayBuffer());
        // Polls overlap each other and the traffic, as the poll timer and the settle loop do.
        polls.push(nemesis.pollDecisions(), nemesis.pollDecisions());
      });
      await Promise.all(requests);
      await Promise.all(polls);
      await Promise.all([nemesis.pollDecisions(), nemesis.pollDecisions(), nemesis.pollDecisions()]);
      const onServer = ((await api(proxyServer.url, 'GET', '/events?since=0')).body as { events: { seq: number }[] }).events.map((e) => e.seq);
      const decisions = recorder.records.filter((r): r is FaultDecision => r.kind === 'fault-decision');
      expect(onServer.length).toBe(20);
      expect(decisions.map((d) => d.seq)).toEqual(onServer);
      expect(decisions.every((d) => /k\d+$/.test(d.idempotencyKey ?? ''))).toBe(true);
    } finally {
      await proxyServer.close();
      await upstream.close();
    }
  });
});
