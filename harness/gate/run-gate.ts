import path from 'node:path';
import { startSandbox } from '../../sandbox/index.js';
import { loadProfile } from '../config/profile.js';
import { assertTargetAllowed } from '../safety.js';
import { assertReachable } from '../reachable.js';
import { writeGateReports, type GateVerdict } from './gate-report.js';
import type { GateConfig } from './gate-config.js';
import { canIDeployStage, chaosStage, contractChaosStage, contractsStage, loadStage, type GateContext } from './gate-stages.js';
import { gateExitCode, runStage, type StageResult } from './stage.js';

export interface GateResult {
  verdict: GateVerdict;
  files: string[];
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
export async function runGate(config: GateConfig, onStage: (stage: StageResult) => void = () => undefined): Promise<GateResult> {
  const startedAt = new Date().toISOString();
  const profile = loadProfile(config.profile ?? 'sandbox');
  if (config.target) assertTargetAllowed(config.target, config.allowTargets);
  // Contracts need the provider-state endpoint: the gate's own sandbox has it switched on.
  const needsProvider = config.contracts.enabled || config.contracts.chaos;
  const sandbox = config.target || !needsProvider ? undefined : await startSandbox({ providerStates: true, bugs: config.bugs, timeScale: 0.05, quiet: true });
  const providerUrl = config.target ?? sandbox?.url ?? '';
  const ctx: GateContext = { config, profile, providerUrl, out: path.resolve(config.out) };
  const stages: StageResult[] = [];
  const record = (stage: StageResult): void => {
    stages.push(stage);
    onStage(stage);
  };
  try {
    if (needsProvider) await assertReachable(providerUrl);
    record(config.contracts.enabled ? await runStage('contracts', () => contractsStage(ctx)) : skipped('contracts', 'disabled in the gate config'));
    record(config.contracts.chaos ? await runStage('contract-chaos', () => contractChaosStage(ctx)) : skipped('contract-chaos', 'disabled in the gate config'));
    record(config.chaos.enabled ? await runStage('chaos', () => chaosStage(ctx)) : skipped('chaos', 'disabled in the gate config'));
    record(config.load ? await runStage('load', () => loadStage(ctx)) : skipped('load', 'no load scenario configured'));
    record(config.canIDeploy ? await runStage('can-i-deploy', () => canIDeployStage(ctx)) : skipped('can-i-deploy', 'not configured'));
  } finally {
    await sandbox?.close();
  }
  const exitCode = gateExitCode(stages);
  const verdictValue = exitCode === 0 ? 'pass' : exitCode === 1 ? 'fail' : exitCode === 2 ? 'unknown' : 'error';
  const verdict: GateVerdict = { verdict: verdictValue, exitCode, startedAt, stages };
  return { verdict, files: writeGateReports(ctx.out, verdict) };
}
