import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('check');
    });
}
