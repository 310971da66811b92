import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerChaos(program: Command): void {
  program
    .command('chaos')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('chaos');
    });
}
