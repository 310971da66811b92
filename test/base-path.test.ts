import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDecimalApi, type DecimalApi } from './fixtures/decimal-api/server.js';
import { loadProfile } from '../harness/config/profile.js';
import { readHistory } from '../harness/history/recorder.js';
import { runChaos } from '../harness/run/run-chaos.js';
import { runLoad } from '../harness/load/run-load.js';
import { checkProfile } from '../harness/profile/profile-check.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join as joinPath } from 'node:path';
import { startSandbox } from '../sandbox/index.js';
import { SANDBOX_PROFILE } from '../harness/config/sandbox-profile.js';
import { runContractChaos } from '../harness/contracts/chaos/run-contract-chaos.js';
import { loadPactFile } from '../harness/contracts/pact-file.js';
import { verifyProvider } from '../harness/contracts/verify.js';
import { repoRoot } from './cli-helpers.js';

/**
 * An API mounted under a base path (the decimal-api fixture behind `/api/v2`, 404 anywhere else):
 * the base path from `--target` or from the profile's `basePath` survives the fault proxy, the
 * fault `path` filters, load runs and profile check; a request that misses it names the URL it tried.
 */
const RUN_MS = 180_000;
const dir = mkdtempSync(join(tmpdir(), 'ph-base-path-'));
const decimalProfile = fileURLToPath(new URL('../examples/profiles/decimal-api.yaml', import.meta.url));
let api: DecimalApi;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A real gateway: /api/v2/* goes to `upstreamUrl` without the prefix; anything else is 404. `seen` lists the paths asked for. */
async function startGateway(upstreamUrl: string): Promise<{ gateway: http.Server; seen: string[] }> {
  const seen: string[] = [];
  const gateway = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    if (!req.url?.startsWith('/api/v2/')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no route"}');
      return;
    }
    const upstream = new URL(upstreamUrl);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url.slice('/api/v2'.length), headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  return { gateway, seen };
}

/** A small callbacks scenario whose only fault is filtered by path: it must still match under the base path. */
const scenario = () => file('scenario.yaml', `name: base-path
profile: ${decimalProfile}
workload:
  flows: 4
  concurrency: 2
  mix: {charge: 1, authorize-capture: 1}
  client:
    retry: {attempts: 4, backoffMs: 20, multiplier: 2, on: [timeout, reset, 5xx, "409"]}
faults:
  - {type: http_status, proxy: api, attributes: {status: 503, method: POST, path: "/v2/payments", first: 2}}
checks: [callbacks-delivered, exactly-once, lifecycle-transitions]
`);

beforeAll(async () => {
  process.env.DECIMAL_API_KEY = 'decimal-key';
  api = await startDecimalApi({ basePath: '/api/v2' });
});
afterAll(async () => api?.close());

describe('a base path', () => {
  it('from --target is kept through the api proxy, and a path filter matches under it', async () => {
    const result = await runChaos({ scenarios: [scenario()], target: `${api.url}/api/v2`, seed: 5, outDir: join(dir, 'target') });
    const checks = result.verdict.scenarios[0]!.checks;
    expect(checks.map((c) => `${c.name}: ${c.verdict} ${c.error ?? ''}`)).toEqual(checks.map((c) => `${c.name}: pass `));
    const history = await readHistory(join(result.runDir, 'history.jsonl'));
    // The fault's path filter was prefixed with the base path, and it did select the creates it names.
    const fault = history.find((r) => r.kind === 'fault' && r.phase === 'start');
    expect(fault).toMatchObject({ attributes: { path: '/api/v2/v2/payments' } });
    expect(history.filter((r) => r.kind === 'complete' && r.status === 503).length).toBe(2);
    expect(result.exitCode).toBe(0);
  }, RUN_MS);

  it('from the profile\'s basePath does the same', async () => {
    const profile = { ...loadProfile(decimalProfile), basePath: '/api/v2' };
    const result = await runChaos({ scenarios: [scenario()], profile, target: api.url, seed: 6, outDir: join(dir, 'profile') });
    expect(result.verdict.scenarios[0]!.checks.filter((c) => c.verdict !== 'pass').map((c) => c.name)).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, RUN_MS);

  it('a target without it fails at registration with the URL tried and the API\'s own message', async () => {
    await expect(runChaos({ scenarios: [scenario()], target: api.url, seed: 7, outDir: join(dir, 'missing') }))
      .rejects.toThrow(/POST http:\/\/127\.0\.0\.1:\d+\/v2\/webhooks \(the api proxy, in front of http:\/\/127\.0\.0\.1:\d+\) answered 404: no route \/v2\/webhooks/);
  }, RUN_MS);

  it('holds for load runs on the built-in engine', async () => {
    const profileFile = file('profile.yaml', `${readFileSync(decimalProfile, 'utf8')}\nbasePath: /api/v2\n`);
    const load = file('load.yaml', `name: base-path-load
scenarios:
  pay: { executor: constant-arrival-rate, rate: 4, duration: 1s, preAllocatedVUs: 2, maxVUs: 4 }
checks: [exactly-once]
`);
    const result = await runLoad({ scenarioFile: load, profile: profileFile, target: api.url, outDir: join(dir, 'load'), seed: 3 });
    const history = await readHistory(join(result.runDir, 'history.jsonl'));
    const statuses = history.flatMap((r) => (r.kind === 'complete' && r.status !== undefined ? [r.status] : []));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 404)).toEqual([]);
    expect(result.verdict.scenarios[0]!.checks.find((c) => c.name === 'exactly-once')!.verdict).toBe('pass');
  }, RUN_MS);

  it('holds for contract chaos, behind a gateway that mounts the sandbox at /api/v2', async () => {
    const sandbox = await startSandbox({ providerStates: true, quiet: true });
    const { gateway, seen } = await startGateway(sandbox.url);
    try {
      const pacts = [loadPactFile(joinPath(repoRoot, 'contracts/pacts/checkout-service-payharness-sandbox.json'))];
      const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/api/v2`;
      const result = await runContractChaos({ pacts, providerBaseUrl: url, profile: SANDBOX_PROFILE, seed: 3, outDir: join(dir, 'contracts') });
      expect(seen.length).toBeGreaterThan(0);
      // Every request went under the base path (the reachability probe asks for the base itself).
      expect(seen.filter((u) => !u.startsWith('/api/v2/') && u !== '/api/v2')).toEqual([]);
      // States come from recipes (workload requests) here; the experiments' requests went through the gateway too.
      expect(seen.filter((u) => u.startsWith('/api/v2/v1/payments')).length).toBeGreaterThan(3);
      expect(result.verdict.scenarios.flatMap((s) => s.checks).filter((c) => c.verdict === 'fail').map((c) => c.name)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      await sandbox.close();
    }
  }, RUN_MS);

  it('holds for contract chaos with the profile\'s basePath: provider states and final reads go under it too', async () => {
    const sandbox = await startSandbox({ providerStates: true, quiet: true });
    const { gateway, seen } = await startGateway(sandbox.url);
    try {
      const pacts = [loadPactFile(joinPath(repoRoot, 'contracts/pacts/checkout-service-payharness-sandbox.json'))];
      const origin = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
      const result = await runContractChaos({ pacts, providerBaseUrl: origin, profile: { ...SANDBOX_PROFILE, basePath: '/api/v2' }, seed: 3, outDir: join(dir, 'contracts-profile') });
      // Every request went under the base path (the reachability probe asks for the base itself).
      expect(seen.filter((u) => !u.startsWith('/api/v2/') && u !== '/api/v2')).toEqual([]);
      const history = await readHistory(join(result.runDir, 'history.jsonl'));
      const reads = history.filter((r) => r.kind === 'final-read');
      expect(reads.length).toBeGreaterThan(0);
      expect(reads.filter((r) => r.kind === 'final-read' && r.outcome !== 'ok')).toEqual([]);
      expect(result.verdict.scenarios.flatMap((s) => s.checks).filter((c) => c.verdict === 'fail').map((c) => c.name)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      await sandbox.close();
    }
  }, RUN_MS);

  it('holds for contracts verify: the profile\'s basePath goes under --provider-base-url, for requests, states and messages', async () => {
    const sandbox = await startSandbox({ providerStates: true, quiet: true, timeScale: 0.01 });
    const { gateway, seen } = await startGateway(sandbox.url);
    try {
      const origin = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
      const source = { kind: 'files' as const, files: [joinPath(repoRoot, 'contracts/pacts/checkout-service-payharness-sandbox.json')] };
      const based = await verifyProvider({ providerBaseUrl: origin, provider: 'payharness-sandbox', profile: { ...SANDBOX_PROFILE, basePath: '/api/v2' }, source });
      expect(based.interactions.filter((i) => i.result !== 'passed').map((i) => `${i.description}: ${i.reasons.join(' ')}`)).toEqual([]);
      expect(based.passed).toBe(true);
      expect(seen.filter((u) => !u.startsWith('/api/v2/'))).toEqual([]);
      expect(seen.filter((u) => u.startsWith('/api/v2/_pact/provider-states')).length).toBeGreaterThan(0);
      // Without it every interaction misses the API: the check can fail.
      const unbased = await verifyProvider({ providerBaseUrl: origin, provider: 'payharness-sandbox', profile: SANDBOX_PROFILE, source });
      expect(unbased.passed).toBe(false);
    } finally {
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      await sandbox.close();
    }
  }, RUN_MS);

  it('holds for contracts verify on an API of another shape (decimal-api under /api/v2)', async () => {
    const pactFile = file('decimal-pact.json', JSON.stringify({
      consumer: { name: 'ledger' },
      provider: { name: 'decimal-api' },
      interactions: [{
        type: 'Synchronous/HTTP',
        description: 'a search by a reference nobody used',
        request: { method: 'GET', path: '/v2/payments', query: { merchant_reference: ['nobody'] }, headers: { Authorization: ['Bearer decimal-key'] } },
        response: { status: 200, body: { items: [] } },
      }],
      metadata: { pactSpecification: { version: '4.0' } },
    }));
    const profile = { ...loadProfile(decimalProfile), basePath: '/api/v2' };
    const source = { kind: 'files' as const, files: [pactFile] };
    const based = await verifyProvider({ providerBaseUrl: api.url, provider: 'decimal-api', profile, source });
    expect(based.interactions.map((i) => `${i.description}: ${i.result} ${i.reasons.join(' ')}`)).toEqual(['a search by a reference nobody used: passed ']);
    const { basePath: _basePath, ...unbased } = profile;
    expect((await verifyProvider({ providerBaseUrl: api.url, provider: 'decimal-api', profile: unbased, source })).passed).toBe(false);
  }, RUN_MS);

  it('holds for profile check', async () => {
    const profile = { ...loadProfile(decimalProfile), basePath: '/api/v2' };
    const result = await checkProfile({ target: api.url, profile, callbackWaitMs: 5_000 });
    expect(result.lines.filter((l) => l.mark !== 'ok').map((l) => JSON.stringify(l))).toEqual([]);
    expect(result.exitCode).toBe(0);
  }, RUN_MS);
});
