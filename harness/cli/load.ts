import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerLoad(program: Command): void {
  program
    .command('load')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('load');
    });
}
