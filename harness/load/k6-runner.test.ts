import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './run-load.js';
import type { K6SummaryData } from './summary.js';
import { InfraError } from '../errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
let server: http.Server;
let target: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'payharness-k6-run-'));
  server = http.createServer((req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A stand-in for the k6 binary that replays the real k6 v1.3.0 NDJSON of arrival.js and exits 99
 * as that run did: it tests our side of the contract (arguments, output parsing, exit codes).
 */
function fakeK6(exitCode: number): string {
  const ndjson = path.join(dir, 'replay.ndjson');
  writeFileSync(ndjson, gunzipSync(readFileSync(fixture('k6-arrival.ndjson.gz'))));
  const bin = path.join(dir, `fake-k6-${exitCode}`);
  writeFileSync(
    bin,
    `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
const out = args[args.indexOf('--out') + 1].replace(/^json=/, '');
if (args[0] !== 'run' || !fs.existsSync(args[args.length - 1]) || !process.env.PAYHARNESS_TARGET) process.exit(104);
fs.copyFileSync(${JSON.stringify(ndjson)}, out);
process.exit(${exitCode});
`,
  );
  chmodSync(bin, 0o755);
  return bin;
}

function scenarioFile(): string {
  const file = path.join(dir, 'arrival.yaml');
  writeFileSync(
    file,
    `name: arrival
scenarios:
  create_payments: { executor: constant-arrival-rate, rate: 50, duration: 4s, preAllocatedVUs: 5, maxVUs: 10 }
thresholds:
  "http_req_duration{scenario:create_payments}": ["p(95)<250"]
  http_req_failed: ["rate<0.01"]
  dropped_iterations: ["count==0"]
  checks: ["rate>0.95"]
checks: [exactly-once]
finalReads: none
`,
  );
  return file;
}

describe('k6 engine', () => {
  it('maps k6 exit 99 to a failed run and rebuilds the summary from its NDJSON', async () => {
    const result = await runLoad({ scenarioFile: scenarioFile(), engine: 'k6', target, k6Bin: fakeK6(99), outDir: path.join(dir, 'out99') });
    expect(result.exitCode).toBe(1);
    const expected = JSON.parse(readFileSync(fixture('handle-summary.json'), 'utf8')) as K6SummaryData;
    const written = JSON.parse(readFileSync(path.join(dir, 'out99', 'summary.json'), 'utf8')) as K6SummaryData;
    expect(written.metrics.http_req_failed!.thresholds).toEqual({ 'rate<0.01': { ok: false } });
    expect(written.metrics.dropped_iterations!.values.count).toBe(48);
    expect(written.metrics.http_reqs!.values.count).toBe(expected.metrics.http_reqs!.values.count);
    expect(written.metrics.http_req_duration!.values['p(95)']).toBeCloseTo(expected.metrics.http_req_duration!.values['p(95)']!, 6);
    expect(written.root_group.checks).toEqual(expected.root_group.checks);
    expect(readFileSync(path.join(dir, 'out99', 'script.js'), 'utf8')).toMatch(/export const options/);
  });

  it('rebuilds the history from the metadata of the script\'s payharness_ops points and keeps them out of the summary', async () => {
    const ndjson = path.join(dir, 'ops.ndjson');
    const t = Date.now();
    // The request's record, as the generated script sets it in exec.vu.metrics.metadata.
    const record = { op: 'create', logical: 'pay-0', ref: 'r-pay-0', dup: '0', ikey: 'r-pay-0-create', amount: '500', attempt: '1', intent: 'workload', t0: t, ms: 4.2, method: 'POST', path: '/v1/payments', st: 201, vu: 1, req: { amount: 500 }, res: '{"id":"pay_1","status":"succeeded"}', headers: { 'idempotent-replayed': 'false' }, rid: 'pay_1', pst: 'succeeded' };
    writeFileSync(
      ndjson,
      [
        { type: 'Metric', metric: 'payharness_ops', data: { name: 'payharness_ops', type: 'counter', contains: 'default', thresholds: [], submetrics: null } },
        { metric: 'payharness_ops', type: 'Point', data: { time: new Date(t + 5).toISOString(), value: 1, tags: { op: 'create', intent: 'workload', scenario: 'create_payments', group: '' }, metadata: { payharness_op: JSON.stringify(record) } } },
        // A point without a record (a script edited by hand) is not guessed at; the run notes it.
        { metric: 'payharness_ops', type: 'Point', data: { time: new Date(t + 6).toISOString(), value: 1, tags: { op: 'create' } } },
        { type: 'Metric', metric: 'http_reqs', data: { name: 'http_reqs', type: 'counter', contains: 'default', thresholds: [], submetrics: null } },
        { metric: 'http_reqs', type: 'Point', data: { time: new Date(t + 5).toISOString(), value: 1, tags: { status: '201' } } },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const bin = path.join(dir, 'fake-k6-ops');
    writeFileSync(bin, `#!/usr/bin/env node\nconst a = process.argv.slice(2);\nrequire('node:fs').copyFileSync(${JSON.stringify(ndjson)}, a[a.indexOf('--out') + 1].slice(5));\n`);
    chmodSync(bin, 0o755);
    const result = await runLoad({ scenarioFile: scenarioFile(), engine: 'k6', target, k6Bin: bin, outDir: path.join(dir, 'ops') });
    expect(Object.keys(result.summary.metrics)).not.toContain('payharness_ops');
    const invoke = result.history.find((r) => r.kind === 'invoke');
    const complete = result.history.find((r) => r.kind === 'complete');
    expect(invoke).toMatchObject({ op: 'create', logicalId: 'pay-0', idempotencyKey: 'r-pay-0-create', amount: 500, body: { amount: 500 }, scenario: 'arrival' });
    expect(complete).toMatchObject({ outcome: 'ok', status: 201, body: { id: 'pay_1', status: 'succeeded' }, headers: { 'idempotent-replayed': 'false' }, resourceId: 'pay_1', paymentStatus: 'succeeded', latencyMs: 4.2 });
    expect(result.history.filter((r) => r.kind === 'invoke')).toHaveLength(1);
    expect(result.history.some((r) => r.kind === 'note' && /1 payharness_ops point\(s\) carried no readable request record/.test(r.message))).toBe(true);
    expect(result.verdicts[0]).toMatchObject({ name: 'exactly-once', verdict: 'pass' });
  });

  it('fails with exit 4 and a hint when k6 is not installed', async () => {
    const error = await runLoad({ scenarioFile: scenarioFile(), engine: 'k6', target, k6Bin: path.join(dir, 'no-such-k6'), outDir: path.join(dir, 'missing') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InfraError);
    expect((error as InfraError).exitCode).toBe(4);
    expect((error as InfraError).code).toBe('E_K6_MISSING');
    expect((error as InfraError).hint).toMatch(/K6_BIN/);
  });

  it('reports a k6 that rejects the script (exit 107) as an infrastructure error', async () => {
    const error = await runLoad({ scenarioFile: scenarioFile(), engine: 'k6', target, k6Bin: fakeK6(107), outDir: path.join(dir, 'out107') }).catch((e: unknown) => e);
    expect((error as InfraError).code).toBe('E_K6_FAILED');
  });

  it.skipIf(!process.env.K6_BIN)('runs the standard scenario on real k6 against the sandbox (needs K6_BIN)', { timeout: 120_000 }, async () => {
    const result = await runLoad({ scenarioFile: path.join(repoRoot, 'scenarios/load/standard.yaml'), engine: 'k6', outDir: path.join(dir, 'real') });
    expect(result.verdicts.every((v) => v.verdict === 'pass')).toBe(true);
    expect(result.history.filter((r) => r.kind === 'invoke').length).toBeGreaterThan(90);
    expect(result.summary.metrics.http_reqs!.values.count).toBeGreaterThan(90);
  });
});
