import { Command } from 'commander';
import { registerSandbox } from './sandbox.js';
import { registerProxy } from './proxy.js';
import { registerChaos } from './chaos.js';
import { registerCheck } from './check.js';
import { registerContracts } from './contracts.js';
import { registerLoad } from './load.js';
import { registerGate } from './gate.js';
import { registerDemo } from './demo.js';
import { registerProfile } from './profile.js';
import { registerDiff } from './diff.js';
import { VERSION } from '../version.js';

/**
 * The command tree. Each area registers its own commands from its own file; command actions set
 * `process.exitCode` (via `setExit`) or throw a HarnessError — they never call `process.exit`.
 */
export function buildProgram(): Command {
  const program = new Command('payharness')
    .description('Prove a payment API is safe to ship: contracts (Pact), chaos (faults through a Toxiproxy-compatible proxy) and load, judged by payment-aware checks.')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 pass · 1 a contract, check or threshold failed · 2 inconclusive · 3 bad input · 4 infrastructure failed · 70 payharness crashed (a bug: please report it) · 130 interrupted',
    );
  for (const register of [registerDemo, registerSandbox, registerProxy, registerChaos, registerCheck, registerContracts, registerLoad, registerGate, registerProfile, registerDiff]) {
    register(program);
  }
  // Subcommands inherit exitOverride only when set on each; do it once for the whole tree.
  const applyOverride = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(applyOverride);
  };
  applyOverride(program);
  return program;
}
