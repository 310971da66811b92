import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('demo');
    });
}
