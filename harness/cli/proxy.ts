import type { Command } from 'commander';
import { NotYetAvailableError } from '../errors.js';

export function registerProxy(program: Command): void {
  program
    .command('proxy')
    .description('(not yet available)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NotYetAvailableError('proxy');
    });
}
