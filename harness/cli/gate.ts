import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('gate');
    });
}
