#!/usr/bin/env node
import { ExitCode } from '../errors.js';
import { buildProgram } from './program.js';
import { reportError } from './report-error.js';

/** The only place that exits; `reportError` is the only place that prints errors. */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.pass;
  } catch (error) {
    return reportError(error);
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(reportError(error)),
);
