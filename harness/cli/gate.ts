import type { Command } from 'commander';
import { loadGateConfig } from '../gate/gate-config.js';
import { runGate } from '../gate/run-gate.js';

const print = (line: string): void => void process.stdout.write(`${line}\n`);

export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('one CI verdict: verify contracts, replay them under faults, run the chaos suite, the load smoke test and can-i-deploy if configured')
    .option('--config <file>', 'gate config (YAML); without it the in-process sandbox is gated on embedded defaults')
    .option('--out <dir>', 'where verdict.json and junit.xml go (overrides the config)')
    .option('--bug <name>', 'plant a sandbox bug (repeatable; only without a target)', (v: string, prev: string[] = []) => [...prev, v])
    .action(async (flags: { config?: string; out?: string; bug?: string[] }) => {
      const config = loadGateConfig(flags.config);
      if (flags.out) config.out = flags.out;
      if (flags.bug?.length) config.bugs = [...config.bugs, ...flags.bug];
      const result = await runGate(config, (stage) => print(`${stage.verdict.toUpperCase().padEnd(7)} ${stage.name}: ${stage.summary}`));
      print(`gate verdict: ${result.verdict.verdict} (exit ${result.verdict.exitCode})`);
      for (const file of result.files) print(`wrote ${file}`);
      process.exitCode = result.verdict.exitCode;
    });
}
