import { startSandbox } from '../../sandbox/index.js';
import { loadProfile } from '../config/profile.js';
import { assertTargetAllowed } from '../safety.js';
import { assertReachable } from '../reachable.js';
import { ExitCode } from '../errors.js';
import { newRunId } from '../run/run-id.js';
import { prepareRunDir } from '../run/run-dir.js';
import { writeGateReports, type GateVerdict } from './gate-report.js';
import type { GateConfig } from './gate-config.js';
import { canIDeployStage, chaosStage, contractChaosStage, contractsStage, loadStage, type GateContext } from './gate-stages.js';
import { gateExitCode, runStage, type StageResult } from './stage.js';

export interface GateResult {
  verdict: GateVerdict;
  files: string[];
  /** The gate's directory (verdict.json, junit.xml, one run directory per stage). */
  out: string;
  interrupted: boolean;
}

export interface GateOptions {
  /** Called as each stage ends (the CLI prints a line). */
  onStage?: (stage: StageResult) => void;
  /** Stage detail worth showing, e.g. the Pact verifier's failures. */
  print?: (text: string) => void;
  /** Show the Pact verifier's whole log. */
  verbose?: boolean;
  /** Aborting it (SIGINT/SIGTERM in the CLI) stops the running stage, which heals; later stages are skipped. */
  signal?: AbortSignal;
}

function skipped(name: StageResult['name'], why: string): StageResult {
  return { name, verdict: 'skipped', exitCode: 0, summary: why, cases: [{ name, verdict: 'skipped', message: why }] };
}

/**
 * `payharness gate`: everything a deploy pipeline needs in one verdict. Verifies the contracts,
 * replays their effectful interactions under faults, runs the standard chaos suite, the load smoke
 * test if one is configured, and asks the broker can-i-deploy if configured. A stage that cannot
 * run is recorded as an error and the others still run.
 */
export async function runGate(config: GateConfig, options: GateOptions = {}): Promise<GateResult> {
  const startedAt = new Date().toISOString();
  const out = prepareRunDir(config.out, newRunId());
  const profile = loadProfile(config.profile ?? 'sandbox');
  if (config.target) assertTargetAllowed(config.target, config.allowTargets);
  // Contracts need the provider-state endpoint: the gate's own sandbox has it switched on.
  const needsProvider = config.contracts.enabled || config.contracts.chaos;
  const sandbox = config.target || !needsProvider ? undefined : await startSandbox({ providerStates: true, bugs: config.bugs, timeScale: 0.05, quiet: true });
  const providerUrl = config.target ?? sandbox?.url ?? '';
  const { signal } = options;
  const ctx: GateContext = { config, profile, providerUrl, out, signal, verbose: options.verbose, print: options.print };
  const stages: StageResult[] = [];
  const record = (stage: StageResult): void => {
    stages.push(stage);
    options.onStage?.(stage);
  };
  /** A stage runs when enabled and the gate was not interrupted. */
  const run = async (name: StageResult['name'], enabled: string | undefined, body: () => Promise<StageResult>): Promise<void> => {
    if (signal?.aborted) return record(skipped(name, 'interrupted before it started'));
    record(enabled === undefined ? await runStage(name, body) : skipped(name, enabled));
  };
  try {
    if (needsProvider) await assertReachable(providerUrl);
    const disabled = 'disabled in the gate config';
    await run('contracts', config.contracts.enabled ? undefined : disabled, () => contractsStage(ctx));
    await run('contract-chaos', config.contracts.chaos ? undefined : disabled, () => contractChaosStage(ctx));
    await run('chaos', config.chaos.enabled ? undefined : disabled, () => chaosStage(ctx));
    await run('load', config.load ? undefined : 'no load scenario configured', () => loadStage(ctx));
    await run('can-i-deploy', config.canIDeploy ? undefined : 'not configured', () => canIDeployStage(ctx));
  } finally {
    await sandbox?.close();
  }
  const interrupted = signal?.aborted === true;
  const exitCode = interrupted ? ExitCode.interrupted : gateExitCode(stages);
  const verdictValue = exitCode === 0 ? 'pass' : exitCode === 1 ? 'fail' : exitCode === 2 ? 'unknown' : 'error';
  const verdict: GateVerdict = { verdict: verdictValue, exitCode, startedAt, stages };
  return { verdict, files: writeGateReports(out, verdict), out, interrupted };
}
