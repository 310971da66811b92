import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Nemesis } from '../faults/nemesis.js';
import { HistoryRecorder } from '../history/recorder.js';
import { startProxyServer, type ProxyServer } from './index.js';
import { api } from './test-support/index.js';

/**
 * `tcpOnly` answers as a real Toxiproxy 2.12.0 does for what it lacks. The expected answers are the
 * recorded ones (fixtures/toxiproxy-2.12.0-api.jsonl): an unknown toxic type is
 * `400 {"error":"invalid toxic type","status":400}` as text/plain, an unknown route `404 page not found`.
 */
describe('the embedded proxy in TCP-only mode', () => {
  let tcpOnly: ProxyServer;
  let full: ProxyServer;

  beforeAll(async () => {
    [tcpOnly, full] = await Promise.all([startProxyServer({ seed: 1, tcpOnly: true }), startProxyServer({ seed: 1 })]);
    for (const server of [tcpOnly, full]) {
      expect((await api(server.url, 'POST', '/proxies', { name: 'api', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await Promise.all([tcpOnly.close(), full.close()]);
  });

  it('refuses every http_* toxic type exactly as an unknown type, and keeps none', async () => {
    const unknown = await api(tcpOnly.url, 'POST', '/proxies/api/toxics', { name: 'bad', type: 'nosuch' });
    expect(unknown).toMatchObject({ status: 400, contentType: 'text/plain; charset=utf-8', body: { error: 'invalid toxic type', status: 400 } });
    for (const type of ['http_drop_response', 'http_duplicate', 'http_drop_request', 'http_status', 'http_delay']) {
      const refused = await api(tcpOnly.url, 'POST', '/proxies/api/toxics', { name: 'h', type, attributes: { probability: 1 } });
      expect({ type, status: refused.status, contentType: refused.contentType, text: refused.text }).toEqual({
        type, status: unknown.status, contentType: unknown.contentType, text: unknown.text,
      });
    }
    expect((await api(tcpOnly.url, 'GET', '/proxies/api/toxics')).body).toEqual([]);
  });

  it('checks the stream before the type, as Toxiproxy does', async () => {
    const body = { type: 'http_drop_response', stream: 'sideways' };
    const refused = await api(tcpOnly.url, 'POST', '/proxies/api/toxics', body);
    expect(refused.body).toEqual({ error: 'stream was invalid, can be either upstream or downstream', status: 400 });
  });

  it('answers GET /events with 404 page not found, like any route Toxiproxy does not have', async () => {
    const events = await api(tcpOnly.url, 'GET', '/events?since=0');
    const noRoute = await api(tcpOnly.url, 'GET', '/nosuchroute');
    expect(events).toEqual(noRoute);
    expect(events).toMatchObject({ status: 404, text: '404 page not found\n' });
  });

  it('still serves every TCP toxic', async () => {
    const added = await api(tcpOnly.url, 'POST', '/proxies/api/toxics', { name: 'rp', type: 'reset_peer', attributes: { timeout: 0 } });
    expect(added).toMatchObject({ status: 200, body: { name: 'rp', type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } } });
    expect((await api(tcpOnly.url, 'DELETE', '/proxies/api/toxics/rp')).status).toBe(204);
  });

  it('makes the nemesis see what it sees on a real Toxiproxy: no HTTP faults', async () => {
    const recorder = new HistoryRecorder();
    expect((await Nemesis.connect(tcpOnly.url, 'run-a', recorder)).supportsHttpFaults).toBe(false);
    expect((await Nemesis.connect(full.url, 'run-b', recorder)).supportsHttpFaults).toBe(true);
  });

  it('in the full mode accepts the same http_* toxic', async () => {
    const added = await api(full.url, 'POST', '/proxies/api/toxics', { name: 'h', type: 'http_drop_response', attributes: { probability: 1 } });
    expect(added.status).toBe(200);
  });
});
