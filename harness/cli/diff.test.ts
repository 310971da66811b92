import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/cli-helpers.js';
import { startSandbox } from '../../sandbox/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ph-diff-cli-'));
const scenario = join(dir, 'tiny.yaml');
writeFileSync(scenario, [
  'name: tiny',
  'workload: {flows: 3, concurrency: 2, mix: {charge: 1, authorize-capture: 1}}',
  'duplicates: {delayedReplays: {probability: 1, delayMs: 10}}',
  'checks: [exactly-once, idempotent-replay]',
  '',
].join('\n'));

describe('payharness diff (CLI)', () => {
  it('refuses bad input with exit 3 before anything runs, and an unreachable side with exit 4', async () => {
    const missing = await runCli(['diff', scenario, '--baseline', 'http://127.0.0.1:9']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('--candidate');
    const badMap = join(dir, 'bad-map.yaml');
    writeFileSync(badMap, 'colours: {}\n');
    const map = await runCli(['diff', scenario, '--baseline', 'http://127.0.0.1:9', '--candidate', 'http://127.0.0.1:9', '--map', badMap, '--out', join(dir, 'never')]);
    expect(map.code).toBe(3);
    expect(map.stderr).toContain('unknown section "colours"');
    expect(existsSync(join(dir, 'never'))).toBe(false);
    // Port 1 on loopback: nothing listens; the baseline is named and the exit code is infrastructure's.
    const unreachable = await runCli(['diff', scenario, '--baseline', 'http://127.0.0.1:1', '--candidate', 'http://127.0.0.1:1', '--out', join(dir, 'unreachable')]);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain('http://127.0.0.1:1');
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);

  it('compares two running sandboxes (exit 0) and `payharness check` re-judges the run to the same exit code', async () => {
    const a = await startSandbox({ quiet: true, timeScale: 0.05 });
    const b = await startSandbox({ quiet: true, timeScale: 0.05 });
    try {
      const out = join(dir, 'run');
      const run = await runCli(['diff', scenario, '--baseline', a.url, '--candidate', b.url, '--seed', '7', '--time-scale', '0.05', '--out', out], { timeoutMs: 180_000 });
      expect(run.stdout + run.stderr).toContain('differences beyond noise: none');
      expect(run.code).toBe(0);
      for (const f of ['diff.json', 'verdict.json', 'junit.xml', 'report.html', 'baseline/history.jsonl', 'baseline-2/history.jsonl', 'candidate/history.jsonl']) {
        expect(existsSync(join(out, f))).toBe(true);
      }
      const check = await runCli(['check', out], { timeoutMs: 60_000 });
      expect(check.stdout).toContain('diff: PASS');
      expect(check.code).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  }, 240_000);
});
