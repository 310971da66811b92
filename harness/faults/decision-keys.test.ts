import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from '../proxy/index.js';
import { api, startEchoServer, type Upstream } from '../proxy/test-support/index.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { FaultRecord } from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { decisionAttributes, type DecisionContext } from './decision-keys.js';
import { Nemesis } from './nemesis.js';

const RUN = 'ph-keys';

function profileWith(change: (p: ApiProfile) => void): ApiProfile {
  const profile = structuredClone(SANDBOX_PROFILE);
  change(profile);
  return profile;
}

const context = (over: Partial<DecisionContext> = {}): DecisionContext => ({
  runId: RUN, scenarioIndex: 2, faultName: 'lost', path: 'api', seed: 42, ...over,
});

describe('decisionAttributes', () => {
  it('keys API decisions by the profile\'s idempotency header, whatever its name', () => {
    const profile = profileWith((p) => (p.idempotency = { ...p.idempotency, in: 'header', name: 'X-Request-Key' }));
    expect(decisionAttributes(context({ profile }), { first: 1 })).toEqual({
      key_header: 'X-Request-Key', key_prefix: `${RUN}-`, scope: '2-lost', seed: 42, first: 1,
    });
  });

  it('keys API decisions by a body field: a JSON path for JSON, the field name for forms', () => {
    const json = profileWith((p) => (p.idempotency = { ...p.idempotency, in: 'body', name: 'idempotency_key' }));
    const form = profileWith((p) => {
      p.idempotency = { ...p.idempotency, in: 'body', name: 'idempotency_key' };
      p.encoding = 'form';
    });
    expect(decisionAttributes(context({ profile: json }), {})).toMatchObject({ key_path: '$.idempotency_key' });
    expect(decisionAttributes(context({ profile: json }), {})).not.toHaveProperty('key_header');
    expect(decisionAttributes(context({ profile: form }), {})).toMatchObject({ key_path: 'idempotency_key' });
  });

  it('keys callback decisions by the event id: body path, plus webhook-id only for Standard Webhooks', () => {
    const standard = profileWith((p) => (p.webhooks!.eventIdPath = '$.event.id'));
    const stripe = profileWith((p) => {
      p.webhooks!.eventIdPath = '$.id';
      p.webhooks!.signature = 'stripe';
    });
    expect(decisionAttributes(context({ profile: standard, path: 'callbacks' }), {})).toMatchObject({ key_path: '$.event.id', key_header: 'webhook-id' });
    const stripeAttributes = decisionAttributes(context({ profile: stripe, path: 'callbacks' }), {});
    expect(stripeAttributes).toMatchObject({ key_path: '$.id' });
    expect(stripeAttributes).not.toHaveProperty('key_header');
  });

  it('keeps what the scenario set: its key location, scope and seed', () => {
    const attributes = decisionAttributes(context({ profile: SANDBOX_PROFILE, path: 'callbacks' }), { key_path: '$.data.id', scope: 'mine', seed: 9 });
    expect(attributes).toEqual({ key_path: '$.data.id', key_prefix: `${RUN}-`, scope: 'mine', seed: 9 });
  });

  it('leaves the seed to the server when the run has no usable one', () => {
    expect(decisionAttributes(context({ seed: undefined }), {})).not.toHaveProperty('seed');
    expect(decisionAttributes(context({ seed: -1 }), {})).not.toHaveProperty('seed');
  });
});

describe('Nemesis sends the decision attributes to the proxy', () => {
  let proxyServer: ProxyServer;
  let upstream: Upstream;
  beforeAll(async () => {
    proxyServer = await startProxyServer({ seed: 1 });
    upstream = await startEchoServer();
  });
  afterAll(async () => {
    await proxyServer.close();
    await upstream.close();
  });

  it('on both paths, as recorded in the fault start and as the proxy holds them; TCP toxics get none', async () => {
    const recorder = new HistoryRecorder();
    const profile = profileWith((p) => (p.idempotency = { ...p.idempotency, in: 'body', name: 'idem' }));
    const nemesis = await Nemesis.connect(proxyServer.url, RUN, recorder, { profile, seed: 1234 });
    await nemesis.createProxy('api', upstream.address);
    await nemesis.createProxy('callbacks', upstream.address);
    await nemesis.apply({ name: 'lost', type: 'http_drop_response', proxy: 'api', attributes: { first: 1 }, startMs: 0 }, 3);
    await nemesis.apply({ name: 'drop', type: 'http_drop_request', proxy: 'callbacks', attributes: { every: 2 }, startMs: 0 }, 3);
    await nemesis.apply({ name: 'lag', type: 'latency', proxy: 'api', attributes: { latency: 5 }, startMs: 0 }, 3);
    const starts = recorder.records.filter((r): r is FaultRecord => r.kind === 'fault');
    expect(starts.map((s) => s.attributes)).toEqual([
      { key_path: '$.idem', key_prefix: `${RUN}-`, scope: '3-lost', seed: 1234, first: 1 },
      { key_path: '$.id', key_header: 'webhook-id', key_prefix: `${RUN}-`, scope: '3-drop', seed: 1234, every: 2 },
      { latency: 5 },
    ]);
    const held = (await api(proxyServer.url, 'GET', `/proxies/${RUN}-api/toxics/${RUN}-3-lost`)).body as { attributes: Record<string, unknown> };
    expect(held.attributes).toMatchObject({ key_path: '$.idem', key_prefix: `${RUN}-`, scope: '3-lost', seed: 1234 });
    const callback = (await api(proxyServer.url, 'GET', `/proxies/${RUN}-callbacks/toxics/${RUN}-3-drop`)).body as { attributes: Record<string, unknown> };
    expect(callback.attributes).toMatchObject({ key_path: '$.id', key_header: 'webhook-id', scope: '3-drop', seed: 1234 });
    expect(await nemesis.healAll()).toEqual([]);
  });
});
