import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('sandbox');
    });
}
