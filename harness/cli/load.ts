import { Option, type Command } from 'commander';
import { InterruptedError, UsageError } from '../errors.js';
import { EXECUTORS, FLOWS } from '../load/scenario-types.js';
import { parseDuration } from '../load/duration.js';

interface LoadRunCliOptions {
  engine: 'builtin' | 'k6';
  target?: string;
  profile?: string;
  seed?: string;
  out?: string;
  allowTarget: string[];
  bug: string[];
  toxiproxy?: string;
  k6Bin?: string;
  progress: boolean;
  gzipHistory?: boolean;
  fullBodies?: boolean;
  soak?: boolean;
  settleAfter?: string;
  abortOnFail?: boolean;
  historyDetail: 'all' | 'failing';
  passingSample?: string;
}

interface LoadExportCliOptions {
  k6?: string;
  k6Operator?: string;
  parallelism: string;
  target?: string;
  profile?: string;
  seed?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function parseInteger(text: string | undefined, option: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError('E_USAGE', `${option} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  return n;
}

export function registerLoad(program: Command): void {
  const load = program.command('load').description('Load scenarios: the built-in open-model engine or k6, judged by thresholds and the payment checks');

  load
    .command('run')
    .description('Run a load scenario (scenarios/load/*.yaml); without --target the sandbox starts in-process')
    .argument('<scenario>', 'load scenario YAML file')
    .addOption(new Option('--engine <engine>', 'which engine drives the load').choices(['builtin', 'k6']).default('builtin'))
    .option('--target <url>', 'base URL of the payment API under load, its path kept (default: an in-process sandbox)')
    .option('--profile <file>', 'API profile file or built-in name (overrides the scenario\'s)')
    .option('--seed <n>', 'seed for every random choice (default: the scenario\'s, else random)')
    .option('--out <dir>', 'run directory for history.jsonl, verdict.json, junit.xml, report.html, summary.json; must be new or empty (default: reports/<run-id>)')
    .option('--allow-target <host>', 'allow load on this non-loopback host (repeatable)', collect, [])
    .option('--bug <name>', 'plant a sandbox bug in the in-process sandbox (repeatable)', collect, [])
    .option('--toxiproxy <url>', 'apply the scenario\'s faults through this Toxiproxy (default: the embedded one)')
    .option('--k6-bin <path>', 'k6 executable for --engine k6 (default: $K6_BIN, else k6 on PATH)')
    .option('--no-progress', 'no live progress line')
    .option('--gzip-history', 'write history.jsonl.gz (payharness check reads it as it is); the default with --soak')
    .option('--no-gzip-history', 'with --soak: write plain history.jsonl (≈ 580 bytes a request instead of ≈ 40)')
    .option('--full-bodies', 'keep every request and answer body in the history (default: only what the checks read; whole answers when a check reads them, and on k6)')
    .option('--soak', 'long runs: keep the history out of memory, gzip it, and judge it as it goes (flows judged once quiet; on the built-in engine each payment is listed and read back 0.5 s after its iteration instead of at the end)')
    .option('--settle-after <duration>', 'with --soak: how long a flow must be quiet before it is judged (default 2s)')
    .option('--abort-on-fail', 'with --soak: stop the load as soon as a payment check fails (the progress line shows failing checks live)')
    .addOption(new Option('--history-detail <which>', 'with --soak: which flows keep their records in the history; failing: only flows a check found a witness in, plus a sample of passing ones (run-wide records always)').choices(['all', 'failing']).default('all'))
    .option('--passing-sample <n>', 'with --history-detail failing: passing flows kept whole so a reader sees what normal looked like (default 100)')
    .addHelpText(
      'after',
      `\nExecutors (k6's): ${EXECUTORS.join(', ')}\nFlows (scenarios.<name>.flows):\n${Object.entries(FLOWS)
        .map(([name, what]) => `  ${name.padEnd(18)} ${what}`)
        .join('\n')}`,
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 thresholds and checks passed · 1 a threshold or a payment check failed · 2 a check could not decide · 3 bad scenario or arguments · 4 target, proxy or k6 missing/unreachable · 130 interrupted',
    )
    .action(async (scenario: string, options: LoadRunCliOptions) => {
      const seed = parseInteger(options.seed, '--seed', 0);
      const settleAfterMs = options.settleAfter === undefined ? undefined : parseDuration(options.settleAfter);
      if (options.settleAfter !== undefined && settleAfterMs === undefined) throw new UsageError('E_USAGE', `--settle-after must be a duration such as 10s or 2m, got ${JSON.stringify(options.settleAfter)}`);
      if ((options.settleAfter !== undefined || options.abortOnFail) && !options.soak) throw new UsageError('E_USAGE', '--settle-after and --abort-on-fail go with --soak', { hint: 'add --soak' });
      const passingSample = parseInteger(options.passingSample, '--passing-sample', 0);
      if (passingSample !== undefined && options.historyDetail !== 'failing') throw new UsageError('E_USAGE', '--passing-sample goes with --history-detail failing', { hint: 'add --history-detail failing, or drop --passing-sample' });
      const { runLoad } = await import('../load/run-load.js');
      const result = await runLoad({
        scenarioFile: scenario,
        engine: options.engine,
        ...(options.target ? { target: options.target } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
        ...(seed === undefined ? {} : { seed }),
        ...(options.out ? { outDir: options.out } : {}),
        allowTargets: options.allowTarget,
        bugs: options.bug,
        ...(options.toxiproxy ? { toxiproxyUrl: options.toxiproxy } : {}),
        ...(options.k6Bin ? { k6Bin: options.k6Bin } : {}),
        print: true,
        progress: options.progress,
        history: {
          ...(options.gzipHistory === undefined ? {} : { gzip: options.gzipHistory }), ...(options.fullBodies ? { bodies: 'all' as const } : {}), retain: options.soak !== true,
          ...(settleAfterMs === undefined ? {} : { settleAfterMs }),
          detail: options.historyDetail, ...(passingSample === undefined ? {} : { passingSample }),
        },
        ...(options.abortOnFail ? { abortOnFail: true } : {}),
        handleSignals: true,
      });
      if (result.interrupted) throw new InterruptedError(`interrupted; faults healed, partial history and summary kept in ${result.runDir}`);
      process.exitCode = result.exitCode;
    });

  load
    .command('export')
    .description('Write the k6 script of a load scenario, or a ConfigMap + k6-operator TestRun for distributed runs')
    .argument('<scenario>', 'load scenario YAML file')
    .option('--k6 <file>', 'write the k6 script (ES module) here')
    .option('--k6-operator <dir>', 'write configmap.yaml and testrun.yaml for k6-operator here')
    .option('--parallelism <n>', 'k6-operator runners that split the load', '1')
    .option('--target <url>', 'base URL baked into the script (overridable with PAYHARNESS_TARGET)')
    .option('--profile <file>', 'API profile file or built-in name (overrides the scenario\'s)')
    .option('--seed <n>', 'seed baked into the script')
    .action(async (scenario: string, options: LoadExportCliOptions) => {
      if (!options.k6 && !options.k6Operator) {
        throw new UsageError('E_USAGE', 'load export needs --k6 FILE or --k6-operator DIR', { hint: 'e.g. payharness load export scenarios/load/standard.yaml --k6 standard.js' });
      }
      const parallelism = parseInteger(options.parallelism, '--parallelism', 1)!;
      const seed = parseInteger(options.seed, '--seed', 0);
      const { exportLoad } = await import('../load/export-load.js');
      const written = exportLoad({
        scenarioFile: scenario,
        ...(options.k6 ? { k6File: options.k6 } : {}),
        ...(options.k6Operator ? { operatorDir: options.k6Operator } : {}),
        parallelism,
        ...(options.target ? { target: options.target } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
        ...(seed === undefined ? {} : { seed }),
      });
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
    });
}
