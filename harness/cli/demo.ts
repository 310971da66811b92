import type { Command } from 'commander';
import { runDemo } from '../run/demo.js';
import { renderConsole } from '../report/console.js';
import { parseSeed } from './chaos.js';
import { InterruptedError } from '../errors.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the sandbox (optionally with planted bugs) and the embedded proxy, run the standard chaos suite, print the verdict')
    .option('--bug <name>', 'plant a sandbox bug (repeatable); see `payharness sandbox --help` for the list', collect, [])
    .option('--seed <n>', 'seed of every random choice; replays a run', parseSeed)
    .option('--out <dir>', 'run directory (default: reports/<run-id>)')
    .action(async (opts: { bug: string[]; seed?: number; out?: string }) => {
      const result = await runDemo({ bugs: opts.bug, seed: opts.seed, outDir: opts.out, progress: process.stderr, handleSignals: true });
      process.stdout.write(renderConsole(result.verdict, result.runDir));
      if (result.interrupted) throw new InterruptedError(`interrupted; faults healed, proxies deleted, partial history kept in ${result.runDir}`);
      process.exitCode = result.exitCode;
    });
}
