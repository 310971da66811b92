import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../../sandbox/index.js';
import { SANDBOX_PROFILE } from '../../config/sandbox-profile.js';
import { repoRoot, runCli } from '../../../test/cli-helpers.js';
import { loadPactDir } from '../pact-file.js';
import { effectfulInteractions } from './effectful.js';
import { runContractChaos } from './run-contract-chaos.js';

const pacts = () => loadPactDir(path.join(repoRoot, 'contracts/pacts'));
let closeSandbox: (() => Promise<void>) | undefined;

afterEach(async () => {
  await closeSandbox?.();
  closeSandbox = undefined;
});

async function sandbox(bugs: string[] = []): Promise<string> {
  const running = await startSandbox({ providerStates: true, quiet: true, bugs });
  closeSandbox = running.close;
  return running.url;
}

const outDir = () => mkdtempSync(path.join(tmpdir(), 'payharness-contract-chaos-'));
/** Each test starts the sandbox (some the CLI through tsx): a minute or more on a busy 2-core machine. */
const RUN_MS = 240_000;

describe('effectful interactions', () => {
  it('selects every non-GET with an idempotency key and maps it to a profile operation', () => {
    const selected = pacts().flatMap((p) => effectfulInteractions(p, SANDBOX_PROFILE).effectful);
    expect(selected.map((i) => `${i.op} ${i.description}`).sort()).toEqual([
      'cancel a request to cancel an uncaptured payment',
      'capture a capture of a canceled payment',
      'capture a request to capture a payment in full',
      'create a create that reuses an idempotency key with a different amount',
      'create a request to create a manual-capture payment',
      'create a request to create an automatic-capture payment',
      'create a retry of a completed create with the same idempotency key',
      'refund a request to refund part of a captured payment',
      'refund a second partial refund of a payment',
    ]);
    const create = selected.find((i) => i.description === 'a request to create a manual-capture payment')!;
    expect(create.params).toEqual({ amount: 5000, currency: 'EUR', reference: 'order-1001', captureMode: 'manual' });
  });
});

describe('contract chaos against the sandbox', () => {
  it('passes on the clean sandbox and writes the same files as chaos run', async () => {
    const url = await sandbox();
    const out = outDir();
    const result = await runContractChaos({ pacts: pacts(), providerBaseUrl: url, profile: SANDBOX_PROFILE, outDir: out, seed: 3 });
    const failing = result.verdict.scenarios.filter((s) => s.verdict !== 'pass').map((s) => s.name);
    expect(failing).toEqual([]);
    expect(result.exitCode).toBe(0);
    for (const file of ['history.jsonl', 'verdict.json', 'junit.xml', 'report.html']) expect(existsSync(path.join(out, file))).toBe(true);
    const history = readFileSync(path.join(out, 'history.jsonl'), 'utf8');
    expect(history).toContain('"action":"drop_response"');
    expect(history).toContain('"intent":"concurrent-copy"');
    expect(history).toContain('"intent":"payload-change"');
  }, RUN_MS);

  it('fails with --bug no-idempotency, with witnesses naming the doubled effect', async () => {
    const url = await sandbox(['no-idempotency']);
    const result = await runContractChaos({ pacts: pacts(), providerBaseUrl: url, profile: SANDBOX_PROFILE, outDir: outDir(), seed: 3 });
    expect(result.exitCode).toBe(1);
    const repeat = result.verdict.scenarios.find((s) => s.name === 'checkout-service: a request to create a manual-capture payment · sequential-repeat')!;
    expect(repeat.verdict).toBe('fail');
    const exactlyOnce = repeat.checks.find((c) => c.name === 'exactly-once')!;
    expect(exactlyOnce.witnesses[0]!.summary).toMatch(/took effect 2 times/);
  }, RUN_MS);

  it('fails with --bug idempotency-race on the concurrent copies only', async () => {
    const url = await sandbox(['idempotency-race']);
    const result = await runContractChaos({ pacts: pacts(), providerBaseUrl: url, profile: SANDBOX_PROFILE, outDir: outDir(), seed: 3 });
    expect(result.exitCode).toBe(1);
    const failing = result.verdict.scenarios.filter((s) => s.verdict === 'fail');
    expect(failing.length).toBeGreaterThan(0);
    expect(failing.every((s) => s.name.endsWith('· concurrent-copies'))).toBe(true);
    const witness = failing[0]!.checks.find((c) => c.verdict === 'fail')!.witnesses[0]!;
    expect(witness.summary).toMatch(/more than once|executed \d+ times|took effect \d+ times/);
    expect(witness.records.length).toBeGreaterThan(0);
  }, RUN_MS);

  it('runs from the CLI and exits 1 naming the failing interaction', async () => {
    const url = await sandbox(['idempotency-race']);
    const result = await runCli(['contracts', 'chaos', '--pact', 'contracts/pacts/checkout-service-payharness-sandbox.json', '--provider-base-url', url, '--out', outDir(), '--seed', '5']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+checkout-service: a request to create a manual-capture payment · concurrent-copies/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, RUN_MS);

  it('exits 3 for a pact file that does not exist and 4 for an unreachable provider', async () => {
    const missing = await runCli(['contracts', 'chaos', '--pact', 'no/such.json', '--provider-base-url', 'http://127.0.0.1:9']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('pact file not found: no/such.json');
    const down = await runCli(['contracts', 'chaos', '--pact', 'contracts/pacts/checkout-service-payharness-sandbox.json', '--provider-base-url', 'http://127.0.0.1:9']);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('unreachable');
  }, RUN_MS);
});
