import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG, loadGateConfig } from './gate-config.js';
import { gateExitCode, type StageResult } from './stage.js';

describe('gate config', () => {
  it('loads the shipped example', () => {
    const config = loadGateConfig('examples/payharness-gate.yaml');
    expect(config.contracts.broker?.consumerVersionSelectors).toEqual([{ mainBranch: true }, { deployedOrReleased: true }]);
    expect(config.canIDeploy).toEqual({ pacticipant: 'payharness-sandbox', environment: 'production' });
    expect(config.load).toEqual({ scenario: 'scenarios/load/standard.yaml', engine: 'builtin' });
  });

  it('defaults to the in-process sandbox with contracts, contract chaos and the chaos suite', () => {
    expect(loadGateConfig()).toEqual(DEFAULT_GATE_CONFIG);
  });
});

describe('gate exit code', () => {
  const stage = (verdict: StageResult['verdict'], exitCode: number): StageResult => ({ name: 'chaos', verdict, exitCode, summary: '', cases: [] });
  it('lets a definite failure win, then a stage that could not run, then inconclusive', () => {
    expect(gateExitCode([stage('pass', 0), stage('skipped', 0)])).toBe(0);
    expect(gateExitCode([stage('unknown', 2), stage('error', 4), stage('fail', 1)])).toBe(1);
    expect(gateExitCode([stage('unknown', 2), stage('error', 4)])).toBe(4);
    expect(gateExitCode([stage('pass', 0), stage('unknown', 2)])).toBe(2);
  });
});
