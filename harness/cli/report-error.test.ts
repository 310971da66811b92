import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ExitCode, InfraError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { reportError } from './report-error.js';

function report(error: unknown): { code: number; output: string } {
  let output = '';
  const code = reportError(error, (text) => (output += text), ['node', 'main.ts', 'chaos', 'run', 'x.yaml']);
  return { code, output };
}

describe('reportError', () => {
  it('a crash (anything not a HarnessError) exits 70 with its stack and asks for a bug report naming the command and version', () => {
    const { code, output } = report(new TypeError('cannot read properties of undefined'));
    expect(code).toBe(70);
    expect(code).toBe(ExitCode.crashed);
    expect(output).toMatch(/internal error: payharness itself crashed \(a bug, not a verdict/);
    expect(output).toContain('please report it');
    expect(output).toContain('payharness chaos run x.yaml');
    expect(output).toContain(`payharness ${VERSION}`);
    expect(output).toMatch(/TypeError: cannot read properties of undefined\n\s+at /);
  });

  it('a thrown non-Error is a crash too, never inconclusive', () => {
    const { code, output } = report('a string');
    expect(code).toBe(ExitCode.crashed);
    expect(code).not.toBe(ExitCode.inconclusive);
    expect(output).toContain('a string');
  });

  it('a HarnessError keeps its own exit code and prints one line plus its hint, no stack', () => {
    const usage = report(new UsageError('E_X', 'bad thing', { hint: 'do this', location: 'a.yaml:3:1' }));
    expect(usage).toEqual({ code: 3, output: 'payharness: a.yaml:3:1: bad thing [E_X]\n  hint: do this\n' });
    expect(report(new InfraError('E_Y', 'down')).code).toBe(4);
  });

  it('commander\'s help and version exit 0, its usage errors 3', () => {
    expect(report(new CommanderError(0, 'commander.helpDisplayed', '')).code).toBe(0);
    expect(report(new CommanderError(1, 'commander.unknownOption', 'unknown option')).code).toBe(3);
  });
});
