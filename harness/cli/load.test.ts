import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../test/cli-helpers.js';
import { startFakePaymentApi, type FakePaymentApi } from '../load/test-support/fake-payment-api.js';

let dir: string;
let api: FakePaymentApi;
let target: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'payharness-load-cli-'));
  api = await startFakePaymentApi();
  target = api.url;
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const noStack = /\n\s+at /;
/** Each test starts the CLI through tsx, seconds on a busy 2-core machine: a bound noise cannot cross. */
const CLI_MS = 180_000;

describe('payharness load', () => {
  it('rejects a scenario with bad rates, an unknown executor and threshold typos: exit 3, every problem located', async () => {
    const file = write(
      'bad.yaml',
      `name: bad
scenarios:
  a: { executor: constant-arrival-rate, rate: -5, duration: 1s, preAllocatedVUs: 1 }
  b: { executor: shared-iterations, vus: 1 }
thresholds:
  http_req_duration: ["p(95)<<250"]
`,
    );
    const result = await runCli(['load', 'run', file, '--target', target], { timeoutMs: CLI_MS - 20_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('bad.yaml: 2 problems');
    expect(result.stderr).toMatch(/bad\.yaml:3:\d+: \/scenarios\/a\/rate must be > 0/);
    expect(result.stderr).toContain('bad.yaml:4:18: unknown executor "shared-iterations"');
    expect(result.stderr).not.toMatch(noStack);
    const threshold = await runCli(['load', 'run', write('t.yaml', 'name: t\nscenarios:\n  a: { executor: constant-vus, vus: 1, duration: 1s }\nthresholds:\n  http_req_duration: ["p(95)<<250"]\n'), '--target', target]);
    expect(threshold.code).toBe(3);
    expect(threshold.stderr).toMatch(/t\.yaml:5:23: threshold on http_req_duration: "p\(95\)<<250" is not a threshold expression/);
  }, CLI_MS);

  it('runs a scenario against --target, prints the k6-like summary and exits 0', async () => {
    const file = write(
      'ok.yaml',
      `name: ok
scenarios:
  pay: { executor: constant-arrival-rate, rate: 20, duration: 1s, preAllocatedVUs: 2, maxVUs: 10 }
thresholds:
  http_req_failed: ["rate<0.01"]
checks: [exactly-once]
finalReads: none
`,
    );
    const out = path.join(dir, 'ok-out');
    const result = await runCli(['load', 'run', file, '--target', target, '--out', out, '--seed', '3'], { timeoutMs: CLI_MS - 20_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ 'rate<0.01' rate=0/);
    expect(result.stdout).toMatch(/http_reqs\.+: 20 /);
    expect(result.stdout).toMatch(/✓ exactly-once/);
    expect(result.stderr).toMatch(/running \(\d+\.\ds\)/);
    expect(JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'))).toHaveProperty('metrics.http_reqs.values.count', 20);
    for (const name of ['history.jsonl', 'verdict.json', 'junit.xml', 'report.html']) expect(existsSync(path.join(out, name)), name).toBe(true);
    // A load run's directory re-judges like a chaos run's, thresholds included.
    const rejudged = await runCli(['check', out], { timeoutMs: CLI_MS - 20_000 });
    expect(rejudged.code).toBe(0);
    expect(rejudged.stdout).toMatch(/pass\s+exactly-once/);
    expect(rejudged.stdout).toMatch(/pass\s+thresholds-met/);
  }, CLI_MS);

  it('refuses a non-local target without --allow-target (exit 3)', async () => {
    const result = await runCli(['load', 'run', 'scenarios/load/standard.yaml', '--target', 'http://payments.example.com'], { timeoutMs: CLI_MS - 20_000 });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/--allow-target payments\.example\.com/);
  }, CLI_MS);

  it('says clearly when k6 is missing (exit 4)', async () => {
    const result = await runCli(['load', 'run', 'scenarios/load/standard.yaml', '--engine', 'k6', '--target', target, '--k6-bin', path.join(dir, 'nope'), '--out', path.join(dir, 'k6-missing')], { timeoutMs: CLI_MS - 20_000 });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/k6 was not found.*\[E_K6_MISSING\]/);
    expect(result.stderr).toMatch(/hint: .*K6_BIN/);
  }, CLI_MS);

  it('exports a k6 script and k6-operator manifests', async () => {
    const op = path.join(dir, 'operator');
    const script = path.join(dir, 'standard.js');
    const result = await runCli(['load', 'export', 'scenarios/load/standard.yaml', '--k6', script, '--k6-operator', op, '--parallelism', '4'], { timeoutMs: CLI_MS - 20_000 });
    expect(result.code).toBe(0);
    const testRun = readFileSync(path.join(op, 'testrun.yaml'), 'utf8');
    expect(testRun).toMatch(/^apiVersion: k6\.io\/v1alpha1\nkind: TestRun\n/);
    expect(testRun).toMatch(/parallelism: 4/);
    expect(testRun).toMatch(/configMap:\n\s+name: payharness-standard-script\n\s+file: script\.js/);
    const configMap = readFileSync(path.join(op, 'configmap.yaml'), 'utf8');
    expect(configMap).toMatch(/kind: ConfigMap/);
    expect(configMap).toContain('export const options');
    expect(readFileSync(script, 'utf8')).not.toMatch(/sk_test_/);
    const missing = await runCli(['load', 'export', 'scenarios/load/standard.yaml'], { timeoutMs: CLI_MS - 20_000 });
    expect(missing.code).toBe(3);
  }, CLI_MS);
});
