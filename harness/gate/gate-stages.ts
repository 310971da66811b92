import path from 'node:path';
import type { ApiProfile } from '../config/profile-types.js';
import type { VerdictFile } from '../run/verdict.js';
import { runChaos } from '../run/run-chaos.js';
import { standardSuite } from '../run/demo.js';
import { runLoad } from '../load/run-load.js';
import { resolveBroker, resolveVersion } from '../contracts/broker-config.js';
import { canIDeploy } from '../contracts/broker-commands.js';
import { decisionExitCode, describeDecision } from '../contracts/broker-actions.js';
import { runContractChaos } from '../contracts/chaos/run-contract-chaos.js';
import { loadPactDir } from '../contracts/pact-file.js';
import type { PactSource } from '../contracts/verify.js';
import { verifyInWorker } from '../contracts/verify-in-worker.js';
import { colourAllowed, verifierDetail } from '../contracts/verifier-log.js';
import { resolveBranch } from '../contracts/broker-config.js';
import type { GateConfig } from './gate-config.js';
import { verdictOfExit, type GateCase, type StageResult } from './stage.js';

/** What every stage needs: the config, the profile and where the provider runs. */
export interface GateContext {
  config: GateConfig;
  profile: ApiProfile;
  /** The provider with its provider-state endpoint (the user's target, or the sandbox the gate started). */
  providerUrl: string;
  out: string;
  /** Aborted on SIGINT/SIGTERM: the running stage stops, heals and keeps its partial history. */
  signal?: AbortSignal;
  /** Print the Pact verifier's whole log, not only its failures. */
  verbose?: boolean;
  /** Where stage detail (the verifier's failures) goes; the CLI prints it to stdout. */
  print?: (text: string) => void;
}

function casesOf(verdict: VerdictFile): GateCase[] {
  return verdict.scenarios.flatMap((s) =>
    s.checks.map((c) => ({
      name: `${s.name} · ${c.name}`,
      verdict: c.verdict,
      message: c.verdict === 'fail' ? c.witnesses[0]?.summary : c.error,
      details: c.witnesses.map((w) => `- ${w.summary}`).join('\n'),
    })),
  );
}

export async function contractsStage(ctx: GateContext): Promise<StageResult> {
  const { config } = ctx;
  const broker = config.contracts.broker;
  let source: PactSource;
  if (broker) {
    source = {
      kind: 'broker',
      broker: resolveBroker({ brokerUrl: broker.url }),
      consumerVersionSelectors: broker.consumerVersionSelectors as never,
      enablePending: broker.enablePending,
      includeWipPactsSince: broker.includeWipSince,
    };
  } else {
    source = { kind: 'files', files: loadPactDir(config.contracts.pactDir).map((p) => p.file) };
  }
  const publish = broker?.publish ? { providerVersion: await resolveVersion(broker.providerVersion, 'provider'), providerBranch: await resolveBranch(broker.providerBranch) } : undefined;
  const { result, log } = await verifyInWorker({ providerBaseUrl: ctx.providerUrl, provider: config.provider, profile: ctx.profile, source, publish }, ctx.signal);
  const failed = result.interactions.filter((i) => i.result === 'failed');
  const verdict = failed.length > 0 || !result.passed ? 'fail' : 'pass';
  const detail = verifierDetail(log, { failed: verdict === 'fail', verbose: ctx.verbose === true, colour: colourAllowed(process.stdout) });
  if (detail) ctx.print?.(detail);
  return {
    name: 'contracts',
    verdict,
    exitCode: verdict === 'pass' ? 0 : 1,
    summary: verdict === 'pass' ? `${result.interactions.length} interactions verified` : `${failed.length} of ${result.interactions.length} interactions failed: ${failed.map((i) => `"${i.description}"`).join(', ')}`,
    cases: result.interactions.map((i) => ({
      name: `${i.consumer ? `${i.consumer}: ` : ''}${i.description}`,
      verdict: i.result === 'passed' ? 'pass' : i.result === 'pending' ? 'skipped' : 'fail',
      message: i.reasons[0],
      details: i.reasons.join('\n'),
    })),
  };
}

export async function contractChaosStage(ctx: GateContext): Promise<StageResult> {
  const result = await runContractChaos({
    pacts: loadPactDir(ctx.config.contracts.pactDir),
    providerBaseUrl: ctx.providerUrl,
    profile: ctx.profile,
    outDir: path.join(ctx.out, 'contract-chaos'),
    seed: ctx.config.seed,
    signal: ctx.signal,
  });
  return { name: 'contract-chaos', verdict: result.verdict.verdict, exitCode: result.exitCode, summary: `${result.verdict.scenarios.length} interaction experiments: ${result.verdict.verdict}`, cases: casesOf(result.verdict), runDir: result.runDir };
}

export async function chaosStage(ctx: GateContext): Promise<StageResult> {
  const { config } = ctx;
  const result = await runChaos({
    scenarios: config.chaos.scenarios ?? standardSuite(),
    fitToProfile: config.chaos.scenarios === undefined,
    target: config.target,
    profile: ctx.profile,
    seed: config.seed,
    outDir: path.join(ctx.out, 'chaos'),
    allowTargets: config.allowTargets,
    bugs: config.target ? undefined : config.bugs,
    signal: ctx.signal,
  });
  return { name: 'chaos', verdict: result.verdict.verdict, exitCode: result.exitCode, summary: `${result.verdict.scenarios.length} scenarios: ${result.verdict.verdict}`, cases: casesOf(result.verdict), runDir: result.runDir };
}

export async function loadStage(ctx: GateContext): Promise<StageResult> {
  const { config } = ctx;
  const load = config.load!;
  const result = await runLoad({
    scenarioFile: load.scenario,
    engine: load.engine,
    target: config.target,
    allowTargets: config.allowTargets,
    profile: config.profile,
    seed: config.seed,
    outDir: path.join(ctx.out, 'load'),
    bugs: config.target ? undefined : config.bugs,
    signal: ctx.signal,
  });
  return { name: 'load', verdict: verdictOfExit(result.exitCode), exitCode: result.exitCode, summary: `load smoke test ${load.scenario}: ${result.verdict.verdict}`, cases: casesOf(result.verdict), runDir: result.runDir };
}

export async function canIDeployStage(ctx: GateContext): Promise<StageResult> {
  const { config } = ctx;
  const ask = config.canIDeploy!;
  const brokerConfig = resolveBroker({ brokerUrl: config.contracts.broker?.url });
  const pacticipant = ask.pacticipant ?? config.provider;
  const version = await resolveVersion(ask.version ?? config.contracts.broker?.providerVersion, 'pacticipant');
  const decision = await canIDeploy(brokerConfig, { pacticipant, version, environment: ask.environment });
  const exitCode = decisionExitCode(decision);
  const [headline, ...rows] = describeDecision(pacticipant, version, ask.environment, decision);
  return {
    name: 'can-i-deploy',
    verdict: verdictOfExit(exitCode),
    exitCode,
    summary: headline!,
    cases: [{ name: `${pacticipant}@${version} to ${ask.environment}`, verdict: decision.deployable === 'yes' ? 'pass' : decision.deployable === 'no' ? 'fail' : 'unknown', message: decision.reason, details: rows.join('\n') }],
  };
}
