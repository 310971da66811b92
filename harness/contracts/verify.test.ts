import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox } from '../../sandbox/index.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { repoRoot, runCli } from '../../test/cli-helpers.js';
import { loadPactDir } from './pact-file.js';
import { verifyProvider } from './verify.js';

const PACT_DIR = path.join(repoRoot, 'contracts/pacts');
const pactFiles = () => loadPactDir(PACT_DIR).map((p) => p.file);
let closeSandbox: (() => Promise<void>) | undefined;

afterEach(async () => {
  await closeSandbox?.();
  closeSandbox = undefined;
});

async function sandbox(bugs: string[] = []): Promise<string> {
  const running = await startSandbox({ providerStates: true, quiet: true, bugs, timeScale: 0.01 });
  closeSandbox = running.close;
  return running.url;
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'payharness-verify-'));
}

describe('contract verification against the sandbox', () => {
  it('passes every interaction of every committed pact, HTTP and webhook messages', async () => {
    const url = await sandbox();
    const result = await verifyProvider({ providerBaseUrl: url, provider: 'payharness-sandbox', profile: SANDBOX_PROFILE, source: { kind: 'files', files: pactFiles() } });
    const failed = result.interactions.filter((i) => i.result !== 'passed');
    expect(failed).toEqual([]);
    expect(result.passed).toBe(true);
    expect(result.interactions.map((i) => i.description)).toEqual(expect.arrayContaining(['a payment.captured webhook event', 'a retry of a completed create with the same idempotency key']));
  });

  it('fails with --bug replay-differs and names the replay interaction', async () => {
    const url = await sandbox(['replay-differs']);
    const result = await verifyProvider({ providerBaseUrl: url, provider: 'payharness-sandbox', profile: SANDBOX_PROFILE, source: { kind: 'files', files: pactFiles() } });
    expect(result.passed).toBe(false);
    const failed = result.interactions.filter((i) => i.result === 'failed');
    expect(failed.map((i) => i.description)).toEqual(['a retry of a completed create with the same idempotency key']);
    expect(failed[0]!.consumer).toBe('checkout-service');
    expect(failed[0]!.reasons.join(' ')).toMatch(/status|201/i);
  });

  it('fails with --bug capture-after-cancel on the 409 interaction', async () => {
    const url = await sandbox(['capture-after-cancel']);
    const result = await verifyProvider({ providerBaseUrl: url, provider: 'payharness-sandbox', profile: SANDBOX_PROFILE, source: { kind: 'files', files: pactFiles() } });
    expect(result.interactions.filter((i) => i.result === 'failed').map((i) => i.description)).toEqual(['a capture of a canceled payment']);
  });

  it('fails an interaction whose provider state the provider does not know, and says why', async () => {
    const url = await sandbox();
    const dir = tempDir();
    const pact = {
      consumer: { name: 'unicorn-service' },
      provider: { name: 'payharness-sandbox' },
      interactions: [
        {
          type: 'Synchronous/HTTP',
          description: 'a request that needs a unicorn',
          providerStates: [{ name: 'a unicorn exists', params: { horn: 1 } }],
          request: { method: 'GET', path: '/v1/payments', query: { reference: ['unicorn'] }, headers: { Authorization: ['Bearer sk_test_payharness'] } },
          response: { status: 200 },
        },
      ],
      metadata: { pactSpecification: { version: '4.0' } },
    };
    writeFileSync(path.join(dir, 'unicorn.json'), JSON.stringify(pact));
    const result = await verifyProvider({ providerBaseUrl: url, provider: 'payharness-sandbox', profile: SANDBOX_PROFILE, source: { kind: 'files', files: [path.join(dir, 'unicorn.json')] } });
    expect(result.passed).toBe(false);
    // The request itself would have answered 200: only the failed state setup can fail it.
    expect(result.interactions).toEqual([
      expect.objectContaining({ description: 'a request that needs a unicorn', result: 'failed', reasons: expect.arrayContaining([expect.stringContaining('provider state "a unicorn exists" setup failed: the provider answered 400')]) }),
    ]);
    expect(result.stateFailures).toHaveLength(1);
  });
});

describe('payharness contracts verify: bad input and unreachable provider', () => {
  it('exits 3 with file:line for a pact file that is not valid JSON', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'broken.json'), '{\n  "consumer": { "name": "x" },\n  "interactions": [,]\n}\n');
    const result = await runCli(['contracts', 'verify', '--provider-base-url', 'http://127.0.0.1:9', '--pact-dir', dir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/broken\.json:3:20: not valid JSON \(Unexpected token/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 3 for JSON that is not a pact', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'not-a-pact', version: '1.0.0' }));
    const result = await runCli(['contracts', 'verify', '--provider-base-url', 'http://127.0.0.1:9', '--pact', path.join(dir, 'package.json')]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('not a pact file: missing consumer.name, missing provider.name, missing the interactions array [E_NOT_A_PACT]');
  });

  it('exits 3 for a missing pact directory', async () => {
    const result = await runCli(['contracts', 'verify', '--provider-base-url', 'http://127.0.0.1:9', '--pact-dir', 'no/such/pacts']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('pact directory not found: no/such/pacts');
  });

  it('exits 4 when the provider is unreachable', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'pacts'));
    const result = await runCli(['contracts', 'verify', '--provider-base-url', 'http://127.0.0.1:9']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('the provider at http://127.0.0.1:9 is unreachable');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 naming the failed interaction when the provider breaks a contract', async () => {
    const url = await sandbox(['replay-differs']);
    const result = await runCli(['contracts', 'verify', '--provider-base-url', url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL checkout-service: a retry of a completed create with the same idempotency key');
    expect(result.stdout).toContain('contract verification FAILED: 1 of 15 interactions failed');
    // The verifier's own account of the mismatch is shown, its chatter (pino INFO lines) is not.
    expect(result.stdout).toContain('Failures:');
    expect(result.stdout).not.toMatch(/INFO \(\d+\): pact-core/);
  });

  it('prints one line per interaction on success, and the verifier log only with --verbose', async () => {
    const url = await sandbox();
    const quiet = await runCli(['contracts', 'verify', '--provider-base-url', url]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toContain('ok   order-service: a payment.captured webhook event');
    expect(quiet.stdout).not.toContain('Verifying a pact between');
    const verbose = await runCli(['contracts', 'verify', '--provider-base-url', url, '--verbose']);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toContain('Verifying a pact between checkout-service and payharness-sandbox');
    expect(verbose.stdout).not.toContain('\x1b['); // NO_COLOR (and a pipe) keep escape codes out
  });
});
