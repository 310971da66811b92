import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../test/cli-helpers.js';
import { startFakeBroker, type FakeBroker } from '../contracts/test-support/fake-broker.js';
import type { GateVerdict } from './gate-report.js';

/**
 * `payharness gate` end to end on the in-process sandbox, with one short chaos scenario to stay fast.
 * Each test starts the CLI (tsx), the sandbox and several runs: on a busy 2-core machine that takes
 * minutes, not the suite's default 30 s, so each test has a bound scheduling noise cannot cross.
 */
const GATE_TEST_MS = 600_000;
const CLI_MS = GATE_TEST_MS - 10_000;
const dir = mkdtempSync(path.join(tmpdir(), 'payharness-gate-'));
let broker: FakeBroker;

beforeAll(async () => {
  broker = await startFakeBroker();
});
afterAll(() => broker.close());

function config(name: string, yaml: string): string {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

const readVerdict = (out: string): GateVerdict => JSON.parse(readFileSync(path.join(out, 'verdict.json'), 'utf8')) as GateVerdict;

describe('payharness gate', () => {
  it('passes the clean sandbox with one verdict.json and one junit.xml covering every stage', async () => {
    const out = path.join(dir, 'clean');
    const file = config('clean', `out: ${out}\nseed: 4\nchaos:\n  scenarios: [scenarios/chaos/lost-responses.yaml]\n`);
    const result = await runCli(['gate', '--config', file], { timeoutMs: CLI_MS });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    const verdict = readVerdict(out);
    expect(verdict).toMatchObject({ verdict: 'pass', exitCode: 0 });
    expect(verdict.stages.map((s) => `${s.name}:${s.verdict}`)).toEqual(['contracts:pass', 'contract-chaos:pass', 'chaos:pass', 'load:skipped', 'can-i-deploy:skipped']);
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuites name="payharness gate" tests="\d+" failures="0" errors="0" skipped="2">/);
    expect(junit).toContain('<testsuite name="contract-chaos"');
    // The Pact verifier's interaction log stays out of a passing gate, and no ANSI colour reaches a pipe.
    expect(result.stdout).not.toMatch(/\x1b\[/);
    expect(result.stdout).not.toMatch(/has status code|Verifying a pact between/);
  }, GATE_TEST_MS);

  it('fails (exit 1) when a planted bug breaks a contract, naming the interaction in verdict.json and junit.xml', async () => {
    const out = path.join(dir, 'bug');
    const file = config('bug', `out: ${out}\ncontracts:\n  chaos: false\nchaos:\n  enabled: false\n`);
    const result = await runCli(['gate', '--config', file, '--bug', 'replay-differs'], { timeoutMs: CLI_MS });
    expect(result.code).toBe(1);
    const contracts = readVerdict(out).stages.find((s) => s.name === 'contracts')!;
    expect(contracts.verdict).toBe('fail');
    expect(contracts.summary).toContain('"a retry of a completed create with the same idempotency key"');
    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toMatch(/name="checkout-service: a retry of a completed create with the same idempotency key">\s*<failure/);
    // The verifier's detail for the failure is shown (plain text under NO_COLOR), its passing interactions are not.
    expect(result.stdout).toContain('a retry of a completed create with the same idempotency key');
    expect(result.stdout).not.toMatch(/\x1b\[/);
    expect(result.stdout).not.toMatch(/has status code \d+ \(OK\)/);
  }, GATE_TEST_MS);

  it('fails closed (exit 2) when can-i-deploy cannot decide, and still writes the verdict', async () => {
    const out = path.join(dir, 'unknown');
    const file = config('unknown', `out: ${out}\ncontracts:\n  chaos: false\nchaos:\n  enabled: false\ncanIDeploy:\n  version: not-published\n  environment: production\n`);
    const result = await runCli(['gate', '--config', file], { env: { PACT_BROKER_BASE_URL: broker.url }, timeoutMs: CLI_MS });
    expect(result.code).toBe(2);
    expect(readVerdict(out).stages.at(-1)).toMatchObject({ name: 'can-i-deploy', verdict: 'unknown' });
    expect(broker.requests.some((r) => r.path === '/matrix' && r.query.get('q[][version]') === 'not-published')).toBe(true);
  }, GATE_TEST_MS);

  it('exits 3 listing every problem of a bad config', async () => {
    const file = config('bad', 'seed: -1\ncontracts:\n  pactdir: x\nunknownKey: 1\n');
    const result = await runCli(['gate', '--config', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('3 problems');
    expect(result.stderr).toContain('unknownKey');
    expect(result.stderr).toContain('pactdir');
  }, GATE_TEST_MS);

  it('refuses an --out directory that already holds files (exit 3), before starting anything', async () => {
    const out = path.join(dir, 'occupied');
    mkdirSync(out);
    writeFileSync(path.join(out, 'verdict.json'), '{}');
    const result = await runCli(['gate', '--out', out], { timeoutMs: CLI_MS });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('is not empty');
    expect(result.stderr).toContain('hint: pass a new or empty directory');
  }, GATE_TEST_MS);
});
