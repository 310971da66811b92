import type { Command } from 'commander';
import { parseSuiteName, runDemo, type SuiteName } from '../run/demo.js';
import { renderConsole } from '../report/console.js';
import { parseSeed } from './chaos.js';
import { InterruptedError } from '../errors.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the sandbox (optionally with planted bugs) and the embedded proxy (or use --toxiproxy), run the standard chaos suite, print the verdict')
    .option('--bug <name>', 'plant a sandbox bug (repeatable); see `payharness sandbox --help` for the list', collect, [])
    .option('--toxiproxy <url>', 'a real Toxiproxy API URL (default: the embedded proxy); without HTTP faults the TCP suite runs')
    .option('--suite <name>', 'standard: the full suite, or the TCP suite (scenarios/chaos-tcp) where the proxy has no HTTP faults; tcp: the TCP suite on any proxy', parseSuiteName, 'standard')
    .option('--inside', 'run the inside suite (scenarios/chaos/inside): the sandbox as its own process on PostgreSQL through a database link, with database cuts and crashes; needs PostgreSQL (PAYHARNESS_TEST_DATABASE_URL or --database), exit 4 without it')
    .option('--database <url>', 'the PostgreSQL for --inside (default: PAYHARNESS_TEST_DATABASE_URL)')
    .option('--seed <n>', 'seed of every random choice; replays a run', parseSeed)
    .option('--out <dir>', 'run directory (default: reports/<run-id>)')
    .action(async (opts: { bug: string[]; toxiproxy?: string; suite: SuiteName; inside?: boolean; database?: string; seed?: number; out?: string }) => {
      const result = await runDemo({
        bugs: opts.bug, toxiproxyUrl: opts.toxiproxy, suite: opts.suite, inside: opts.inside, databaseUrl: opts.database, seed: opts.seed, outDir: opts.out, progress: process.stderr, handleSignals: true,
      });
      process.stdout.write(renderConsole(result.verdict, result.runDir));
      if (result.interrupted) throw new InterruptedError(`interrupted; faults healed, proxies deleted, partial history kept in ${result.runDir}`);
      process.exitCode = result.exitCode;
    });
}
