import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers.js';

describe('payharness CLI', () => {
  it('lists every top-level command of the design in --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['sandbox', 'proxy', 'chaos', 'check', 'contracts', 'load', 'gate', 'demo']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    expect(result.stdout).toContain('Exit codes');
  });

  it('treats an unknown command as bad input (exit 3) without a stack trace', async () => {
    const result = await runCli(['no-such-command']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("unknown command 'no-such-command'");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('an unreachable --target', () => {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  for (const args of [
    ['chaos', 'run', 'scenarios/chaos/lost-responses.yaml'],
    ['load', 'run', 'scenarios/load/standard.yaml', '--no-progress'],
  ]) {
    it(`\`${args.slice(0, 2).join(' ')}\` names the target and exits 4 before any workload runs`, async () => {
      const out = mkdtempSync(join(tmpdir(), `payharness-unreachable-${args[0]}-`));
      const result = await runCli([...args, '--target', 'http://127.0.0.1:1', '--out', out]);
      expect(result.code).toBe(4);
      expect(result.stderr).toContain('the target at http://127.0.0.1:1 is unreachable');
      expect(result.stderr).toContain('E_TARGET_UNREACHABLE');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
