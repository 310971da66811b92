import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerContracts(program: Command): void {
  program
    .command('contracts')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('contracts');
    });
}
