import type { Command } from 'commander';
import { InterruptedError, UsageError } from '../errors.js';
import { CHECKS } from '../checks/index.js';
import { FAULTS } from '../faults/index.js';
import { runChaos } from '../run/run-chaos.js';
import { parseSuiteName, resolveSuite, suiteFiles, type SuiteName } from '../run/demo.js';
import { renderConsole } from '../report/console.js';
import { nothingJudged } from '../run/verdict.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function parseSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new UsageError('E_SEED', `--seed must be a whole number between 0 and 4294967295, got "${value}"`, { hint: 'use the seed printed by an earlier run to replay it' });
  }
  return seed;
}

/** `payharness chaos list`: faults and checks, generated from the registries. */
export function renderChaosList(): string {
  const lines = ['Faults (type: scenario `faults[].type`; layer tcp works on any Toxiproxy, http needs the embedded proxy):'];
  const width = Math.max(...FAULTS.map((f) => f.type.length));
  for (const f of FAULTS) {
    const attrs = Object.entries(f.attributes).map(([k, a]) => `${k}${a.required ? '*' : ''}`).join(', ');
    lines.push(`  ${f.type.padEnd(width)}  [${f.layer}] ${f.summary}${attrs ? ` — attributes: ${attrs}` : ''}`);
  }
  lines.push('', 'Checks (scenario `checks:`):');
  const cw = Math.max(...CHECKS.map((c) => c.name.length));
  for (const c of CHECKS) lines.push(`  ${c.name.padEnd(cw)}  ${c.description}`);
  return `${lines.join('\n')}\n`;
}

/** The files to run: the ones given, or a shipped suite resolved against the proxy's capabilities. */
async function scenarioFiles(files: string[], suite: SuiteName | undefined, toxiproxyUrl: string | undefined): Promise<string[]> {
  if (files.length > 0 && suite) throw new UsageError('E_SUITE_AND_FILES', 'give scenario files or --suite, not both', { hint: 'a suite is a folder of scenario files: scenarios/chaos or scenarios/chaos-tcp' });
  if (!suite) {
    if (files.length === 0) throw new UsageError('E_NO_SCENARIOS', 'no scenarios to run', { hint: 'pass scenario files (scenarios/chaos/*.yaml) or --suite standard' });
    return files;
  }
  const resolved = await resolveSuite(suite, toxiproxyUrl);
  if (resolved === 'tcp' && suite === 'standard') process.stderr.write(`chaos: ${toxiproxyUrl} applies no HTTP faults (a real Toxiproxy); running the TCP suite (scenarios/chaos-tcp)\n`);
  return suiteFiles(resolved);
}

export function registerChaos(program: Command): void {
  const chaos = program.command('chaos').description('run chaos scenarios: a payment workload under faults, judged by payment-aware checks');
  chaos
    .command('run')
    .description('run scenario files and judge them (exit 0 pass, 1 a check failed, 2 inconclusive, 3 bad input, 4 infrastructure, 130 interrupted)')
    .argument('[scenario...]', 'scenario YAML files (scenarios/chaos/*.yaml), or none with --suite')
    .option('--suite <name>', 'run a shipped suite instead of files: standard (the full suite, or the TCP suite scenarios/chaos-tcp where the proxy has no HTTP faults) or tcp', parseSuiteName)
    .option('--target <url>', 'base URL of the API under test, its path kept (http://host/api/v2; default: start the sandbox in-process)')
    .option('--target-command <cmd>', 'start the provider with this shell command (it must answer at --target); crash faults kill and restart it; its output goes to provider.log in the run directory')
    .option('--profile <file>', 'API profile YAML, or "sandbox" (default: the scenario\'s profile, else sandbox)')
    .option('--toxiproxy <url>', 'a real Toxiproxy API URL (default: the embedded proxy)')
    .option('--seed <n>', 'seed of every random choice; replays a run', parseSeed)
    .option('--out <dir>', 'run directory; must be new or empty (default: reports/<run-id>)')
    .option('--allow-target <host>', 'allow a non-loopback target host (repeatable)', collect, [])
    .option('--bug <name>', 'plant a sandbox bug (repeatable; only without --target)', collect, [])
    .option('--time-scale <x>', 'sandbox webhook time scale when started in-process', Number)
    .action(async (files: string[], opts: { suite?: SuiteName; target?: string; targetCommand?: string; profile?: string; toxiproxy?: string; seed?: number; out?: string; allowTarget: string[]; bug: string[]; timeScale?: number }) => {
      const result = await runChaos({
        scenarios: await scenarioFiles(files, opts.suite, opts.toxiproxy), target: opts.target, targetCommand: opts.targetCommand, profile: opts.profile, toxiproxyUrl: opts.toxiproxy, seed: opts.seed, outDir: opts.out,
        allowTargets: opts.allowTarget, bugs: opts.bug, timeScale: opts.timeScale, progress: process.stderr, handleSignals: true,
        // A shipped suite is fitted to the profile (what it cannot support is left out, with a note); named files are not.
        fitToProfile: opts.suite !== undefined,
      });
      process.stdout.write(renderConsole(result.verdict, result.runDir));
      const empty = nothingJudged(result.verdict);
      if (empty) process.stdout.write(`${empty}\n`);
      if (result.interrupted) throw new InterruptedError(`interrupted; faults healed, proxies deleted, partial history kept in ${result.runDir}`);
      process.exitCode = result.exitCode;
    });
  chaos
    .command('list')
    .description('list the faults and checks a scenario can use')
    .action(() => {
      process.stdout.write(renderChaosList());
    });
}
