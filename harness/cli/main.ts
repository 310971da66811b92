#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ExitCode, HarnessError } from '../errors.js';
import { buildProgram } from './program.js';

/** The only place that prints errors and exits. */
function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or help / version, which are not errors).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return ExitCode.pass;
    }
    return ExitCode.badInput;
  }
  if (error instanceof HarnessError) {
    const where = error.location ? `${error.location}: ` : '';
    process.stderr.write(`payharness: ${where}${error.message} [${error.code}]\n`);
    if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`);
    return error.exitCode;
  }
  process.stderr.write('payharness: unexpected internal error (this is a bug; please report it with the output below)\n');
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.inconclusive;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.pass;
  } catch (error) {
    return report(error);
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(report(error)),
);
