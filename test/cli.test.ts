import { describe, expect, it } from 'vitest';
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
