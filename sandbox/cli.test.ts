import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot, runCli } from '../test/cli-helpers.js';
import { UsageError } from '../harness/errors.js';
import { SandboxUsageError } from './errors.js';
import { parseDuration } from '../harness/cli/sandbox.js';
import { SANDBOX_BUGS, startSandbox } from './index.js';

describe('payharness sandbox (CLI)', () => {
  it('rejects an unknown bug name with exit 3, listing the valid ones, without a stack trace', async () => {
    const result = await runCli(['sandbox', '--port', '0', '--bug', 'no-idempotency', '--bug', 'double-charge']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('unknown sandbox bug: double-charge');
    for (const bug of SANDBOX_BUGS) expect(result.stderr).toContain(bug);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects bad option values with exit 3', { timeout: 90_000 }, async () => {
    const result = await runCli(['sandbox', '--time-scale', 'fast']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('--time-scale must be a number greater than 0');
    const seed = await runCli(['sandbox', '--seed', '-1']);
    expect(seed.code).toBe(3);
    expect(seed.stderr).toContain('--seed must be an integer 0–4294967295');
  });

  it('parses durations and refuses nonsense', () => {
    expect(parseDuration('24h', '--x')).toBe(86_400_000);
    expect(parseDuration('1.5s', '--x')).toBe(1_500);
    expect(parseDuration('250', '--x')).toBe(250);
    expect(() => parseDuration('forever', '--idempotency-retention')).toThrow(UsageError);
    expect(() => parseDuration('0s', '--idempotency-retention')).toThrow(UsageError);
  });

  it('refuses a non-postgres --database and --database with --data-dir, before opening anything', async () => {
    await expect(startSandbox({ database: 'mysql://user:secret@x/db', quiet: true })).rejects.toThrow(/postgres:\/\/ URL/);
    await expect(startSandbox({ database: 'mysql://user:secret@x/db', quiet: true })).rejects.not.toThrow(/secret/);
    await expect(startSandbox({ database: 'postgres://x/db', dataDir: '/tmp/x', quiet: true })).rejects.toThrow(SandboxUsageError);
    await expect(startSandbox({ timeScale: 0, quiet: true })).rejects.toThrow(SandboxUsageError);
    await expect(startSandbox({ seed: 1.5, quiet: true })).rejects.toThrow(/seed must be an integer/);
  });

  it('lists the planted bugs in --help', async () => {
    const result = await runCli(['sandbox', '--help']);
    expect(result.code).toBe(0);
    for (const bug of SANDBOX_BUGS) expect(result.stdout).toContain(bug);
  });

  // Spawning tsx and starting PGlite took over 30 s on the loaded 2-core machine: wait for the URL up to 90 s.
  it('prints its URL, logs requests without the API key, and stops cleanly on SIGTERM', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'harness/cli/main.ts'), 'sandbox', '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout} ${stderr}`)), 90_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
    });
    const secretKey = 'sk_test_never_in_logs_4242';
    const response = await fetch(`${url}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'idempotency-key': 'log-check', 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 100, currency: 'EUR', reference: 'log-check' }),
    });
    expect(response.status).toBe(201);
    await fetch(`${url}/v1/payments`, { headers: { authorization: 'Bearer sk_test_bad key' } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('POST /v1/payments 201');
    expect(stdout + stderr).not.toContain('never_in_logs');
    expect(stdout).toContain('stopped');
  });
});
