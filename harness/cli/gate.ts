import type { Command } from 'commander';
import { InterruptedError } from '../errors.js';
import { loadGateConfig } from '../gate/gate-config.js';
import { runGate } from '../gate/run-gate.js';

const print = (line: string): void => void process.stdout.write(`${line}\n`);

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('one CI verdict: verify contracts, replay them under faults, run the chaos suite, the load smoke test and can-i-deploy if configured')
    .option('--config <file>', 'gate config (YAML); without it the in-process sandbox is gated on embedded defaults')
    .option('--out <dir>', 'where verdict.json, junit.xml and each stage\'s run directory go; new or empty (overrides the config; default reports/<run-id>)')
    .option('--bug <name>', 'plant a sandbox bug (repeatable; only without a target)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--verbose', 'print the Pact verifier\'s whole interaction log (by default only its failures)')
    .action(async (flags: { config?: string; out?: string; bug?: string[]; verbose?: boolean }) => {
      const config = loadGateConfig(flags.config);
      if (flags.out) config.out = flags.out;
      if (flags.bug?.length) config.bugs = [...config.bugs, ...flags.bug];
      // Ctrl-C / SIGTERM: the running stage heals and keeps its partial history, the rest is skipped, exit 130.
      const interrupt = new AbortController();
      const onSignal = (): void => interrupt.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const result = await runGate(config, {
          onStage: (stage) => print(`${stage.verdict.toUpperCase().padEnd(7)} ${stage.name}: ${stage.summary}`),
          print,
          verbose: flags.verbose === true,
          signal: interrupt.signal,
        });
        print(`gate verdict: ${result.verdict.verdict} (exit ${result.verdict.exitCode})`);
        for (const file of result.files) print(`wrote ${file}`);
        if (result.interrupted) throw new InterruptedError(`interrupted; faults healed, partial results kept in ${result.out}`);
        process.exitCode = result.verdict.exitCode;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
