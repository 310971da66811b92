import type { Command } from 'commander';
import { InterruptedError, UsageError } from '../errors.js';
import { runDiff } from '../diff/run-diff.js';
import { renderDiffConsole } from '../diff/diff-reports.js';
import { parseSeed } from './chaos.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function parseTimeScale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError('E_TIME_SCALE', `--time-scale must be a number greater than 0, got "${value}"`, { hint: 'e.g. --time-scale 0.05 when the targets run their callback retries 20× faster' });
  return n;
}

interface DiffFlags {
  baseline: string;
  baselineProfile?: string;
  baseline2?: string;
  candidate: string;
  candidateProfile?: string;
  map?: string;
  seed?: number;
  out?: string;
  toxiproxy?: string;
  allowTarget: string[];
  timeScale?: number;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('run the same seeded scenarios and faults against a baseline (e.g. a legacy service) and a candidate (its rewrite), compare every operation by meaning, noise cancelled by a second baseline run (exit 0 same, 1 differs or a check newly fails, 2 undecided, 3 bad input, 4 infrastructure, 130 interrupted)')
    .argument('<scenario...>', 'scenario YAML files; every side runs all of them under one seed')
    .requiredOption('--baseline <url>', 'base URL of the baseline (the implementation whose behaviour is right)')
    .option('--baseline-profile <file>', 'the baseline\'s API profile (default: the scenario\'s profile, else sandbox)')
    .option('--baseline-2 <url>', 'a second instance of the baseline for the noise run (default: the baseline runs twice)')
    .requiredOption('--candidate <url>', 'base URL of the candidate (the rewrite)')
    .option('--candidate-profile <file>', 'the candidate\'s API profile when its API shape differs (default: the baseline\'s)')
    .option('--map <file>', 'YAML: how the candidate names the baseline\'s states, event types and error codes (states: {succeeded: SETTLED})')
    .option('--seed <n>', 'seed of the plan and of every fault decision, shared by every side; replays a run', parseSeed)
    .option('--out <dir>', 'run directory; must be new or empty (default: reports/<run-id>); each side runs into <dir>/<side>/')
    .option('--toxiproxy <url>', 'a real Toxiproxy API URL (default: the embedded proxy)')
    .option('--allow-target <host>', 'allow a non-loopback target host (repeatable)', collect, [])
    .option('--time-scale <x>', 'the targets run their callback retries this many times faster than the profiles say (sets the profiles\' timeScale)', parseTimeScale)
    .action(async (files: string[], opts: DiffFlags) => {
      const abort = new AbortController();
      const onSignal = (): void => abort.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const baselineProfile = opts.baselineProfile;
        const result = await runDiff({
          scenarios: files,
          baseline: { url: opts.baseline, profile: baselineProfile },
          baseline2: opts.baseline2 ? { url: opts.baseline2, profile: baselineProfile } : undefined,
          candidate: { url: opts.candidate, profile: opts.candidateProfile ?? baselineProfile },
          map: opts.map, seed: opts.seed, outDir: opts.out, toxiproxyUrl: opts.toxiproxy, allowTargets: opts.allowTarget, timeScale: opts.timeScale,
          progress: process.stderr, signal: abort.signal,
        });
        process.stdout.write(renderDiffConsole(result.verdict, result.runDir));
        if (result.interrupted) throw new InterruptedError(`interrupted; faults healed, proxies deleted, partial histories kept in ${result.runDir}`);
        process.exitCode = result.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
