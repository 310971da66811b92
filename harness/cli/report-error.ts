import { CommanderError } from 'commander';
import { ExitCode, HarnessError } from '../errors.js';
import { VERSION } from '../version.js';
import { asHarnessError } from '../sandbox-error.js';

/**
 * Prints what went wrong and returns the exit code (DESIGN.md). A user's mistake or a broken
 * dependency is a HarnessError: one clear line and its hint. Anything else is a bug in payharness:
 * exit 70, never a verdict's code, so a crash cannot read as an undecided check; the stack and a
 * request for a bug report follow.
 */
export function reportError(error: unknown, write: (text: string) => void = (text) => process.stderr.write(text), argv: readonly string[] = process.argv): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or help / version, which are not errors).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.pass;
    }
    return ExitCode.badInput;
  }
  error = asHarnessError(error);
  if (error instanceof HarnessError) {
    const where = error.location ? `${error.location}: ` : '';
    write(`payharness: ${where}${error.message} [${error.code}]\n`);
    if (error.hint) write(`  hint: ${error.hint}\n`);
    return error.exitCode;
  }
  const command = ['payharness', ...argv.slice(2)].join(' ');
  write(`payharness: internal error: payharness itself crashed (a bug, not a verdict on the API under test) [exit ${ExitCode.crashed}]\n`);
  write(`  please report it with the command you ran (${command}), the version (payharness ${VERSION}) and the output below\n`);
  write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.crashed;
}
