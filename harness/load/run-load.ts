import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { judge, combineVerdicts, CHECK_NAMES } from '../checks/index.js';
import type { CheckVerdict } from '../checks/types.js';
import { BUILTIN_PROFILES, loadProfile } from '../config/profile.js';
import type { ApiProfile } from '../config/profile-types.js';
import { ExitCode, InterruptedError, UsageError } from '../errors.js';
import { HistoryRecorder } from '../history/recorder.js';
import { redactJson } from '../redact.js';
import { assertTargetAllowed } from '../safety.js';
import { startSandbox } from '../../sandbox/index.js';
import { runBuiltin, type EngineRunContext, type EngineRunOutcome } from './builtin-runner.js';
import { renderEndSummary } from './end-summary.js';
import { recordFinalReads } from './final-reads.js';
import { runK6 } from './k6-runner.js';
import { applyLoadFaults, type AppliedFaults } from './load-faults.js';
import { loadLoadScenario, type LoadPlan } from './load-scenario.js';
import type { FlowName } from './scenario-types.js';
import { MetricRegistry, type ThresholdResult } from './metrics.js';
import { ExactTrend, HdrTrend } from './sinks.js';
import { buildSummary, CheckTally, type K6SummaryData } from './summary.js';
import { attachThresholds } from './threshold-set.js';
import { assertTargetReachable } from '../reachable.js';

export type LoadEngineName = 'builtin' | 'k6';

export interface LoadRunOptions {
  scenarioFile: string;
  engine?: LoadEngineName;
  /** Base URL of the API under load; without it the sandbox starts in-process. */
  target?: string;
  allowTargets?: string[];
  /** Profile file or built-in name; overrides the scenario's. */
  profile?: string;
  seed?: number;
  outDir?: string;
  /** Sandbox bugs to plant when the sandbox is started in-process. */
  bugs?: string[];
  toxiproxyUrl?: string;
  /** Print the live progress line and the end summary (the CLI does; tests need not). */
  print?: boolean;
  /** The live progress line (on by default when printing). */
  progress?: boolean;
  k6Bin?: string;
  signal?: AbortSignal;
}

export interface LoadRunResult {
  exitCode: ExitCode;
  outDir: string;
  summary: K6SummaryData;
  thresholds: ThresholdResult[];
  verdicts: CheckVerdict[];
  history: HistoryRecorder['records'];
  abortedBy?: string;
}

/** The money checks a load run judges when the scenario names none. */
export const DEFAULT_LOAD_CHECKS = ['exactly-once', 'concurrent-duplicates-once', 'idempotent-replay', 'money-invariants'].filter((c) => CHECK_NAMES.includes(c));

const FLOW_OPERATIONS: Record<FlowName, readonly ('capture' | 'refund' | 'get')[]> = {
  create: [],
  'authorize-capture': ['capture'],
  'create-refund': ['refund'],
  'create-get': ['get'],
};

/** A flow the profile cannot perform is a scenario/profile mismatch: say so before any load starts. */
function assertProfileSupports(plan: LoadPlan, profile: ApiProfile): void {
  for (const e of plan.executors) {
    for (const [flow, weight] of e.flows) {
      const missing = weight > 0 ? FLOW_OPERATIONS[flow].filter((op) => !profile.operations[op]) : [];
      if (missing.length) {
        throw new UsageError('E_PROFILE_OPERATION', `scenario ${e.name} uses flow "${flow}", but profile "${profile.name}" has no ${missing.join(', ')} operation`, {
          location: plan.file,
          hint: `add operations.${missing[0]} to the profile, or drop "${flow}" from the scenario's flows`,
        });
      }
    }
  }
}

function resolveProfile(plan: LoadPlan, override?: string): ApiProfile {
  const ref = override ?? plan.scenario.profile ?? 'sandbox';
  if (BUILTIN_PROFILES[ref] || override) return loadProfile(ref);
  return loadProfile(path.resolve(path.dirname(plan.file), ref));
}

/**
 * `payharness load run`: plan → (sandbox) → faults → engine → final reads → checks → thresholds →
 * summary.json + history.jsonl. Faults and the in-process sandbox are always torn down.
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const plan = loadLoadScenario(options.scenarioFile);
  const profile = resolveProfile(plan, options.profile);
  assertProfileSupports(plan, profile);
  if (options.target) assertTargetAllowed(options.target, options.allowTargets ?? []);
  if (options.target && options.bugs?.length) {
    throw new UsageError('E_USAGE', '--bug plants bugs in the in-process sandbox, which --target replaces', { hint: 'drop --target to load the in-process sandbox with the bug, or drop --bug' });
  }
  const seed = options.seed ?? plan.scenario.seed ?? Date.now() % 2 ** 31;
  const runId = randomBytes(4).toString('hex');
  const outDir = path.resolve(options.outDir ?? path.join('reports', `load-${plan.scenario.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  mkdirSync(outDir, { recursive: true });
  const engineName = options.engine ?? 'builtin';
  const print = options.print ?? false;
  const checkEntries = plan.scenario.checks ?? DEFAULT_LOAD_CHECKS;
  const checkNames = checkEntries.map((c) => (typeof c === 'string' ? c : c.name));
  const checkOptions = Object.fromEntries(checkEntries.filter((c) => typeof c !== 'string').map((c) => [c.name, c.options]));

  // Every record carries the load scenario's name, so `payharness check <out>` re-judges it like a chaos run.
  const recorder = new HistoryRecorder({ file: path.join(outDir, 'history.jsonl'), scenario: plan.scenario.name });
  recorder.append({
    kind: 'run',
    time: 0,
    runId,
    seed,
    startedAt: new Date(recorder.startedAtMs).toISOString(),
    // The shape of run/verdict.ts's RunMeta (profile redacted), plus what is particular to load.
    meta: {
      kind: 'load',
      engine: engineName,
      profile: redactJson(profile),
      scenarios: [{ name: plan.scenario.name, file: plan.file, checks: checkEntries.map((c) => (typeof c === 'string' ? { name: c } : c)) }],
      target: options.target ?? 'sandbox (in-process)',
      bugs: [...(options.bugs ?? [])],
    },
  });
  if (print) process.stderr.write(`payharness load: ${plan.scenario.name} on the ${engineName} engine, seed ${seed}, output ${outDir}\n`);

  const metrics = new MetricRegistry(() => (engineName === 'k6' ? new ExactTrend() : new HdrTrend()));
  // k6 always reports this submetric; so do we, so summaries line up.
  metrics.ensure('http_req_duration{expected_response:true}');
  attachThresholds(metrics, plan.thresholds);
  const checks = new CheckTally();
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  options.signal?.addEventListener('abort', onSignal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  let faults: AppliedFaults | undefined;
  let outcome: EngineRunOutcome;
  let target: string;
  try {
    if (options.target) await assertTargetReachable(options.target);
    target = options.target ?? (sandbox = await startSandbox({ quiet: true, bugs: options.bugs ?? [] })).url;
    let origin = target;
    if (plan.scenario.faults?.length) {
      faults = await applyLoadFaults({ faults: plan.scenario.faults, target, runId, seed, recorder, ...(options.toxiproxyUrl ? { toxiproxyUrl: options.toxiproxyUrl } : {}) });
      origin = faults.origin;
    }
    const ctx: EngineRunContext = { plan, profile, origin, recorder, metrics, checks, seed, runId, signal: controller.signal, progress: print && options.progress !== false };
    outcome = engineName === 'k6' ? await runK6({ ...ctx, outDir, ...(options.k6Bin ? { k6Bin: options.k6Bin } : {}) }) : await runBuiltin(ctx);
    await faults?.heal();
    if (!outcome.interrupted) {
      await recordFinalReads({ profile, origin: target, recorder, created: outcome.created, mode: plan.scenario.finalReads ?? 'all' });
    }
  } catch (error) {
    // Keep what was recorded: the partial history says how far the run got.
    recorder.append({ kind: 'run-end', status: 'error', message: error instanceof Error ? error.message : String(error) });
    await recorder.close().catch(() => undefined);
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    options.signal?.removeEventListener('abort', onSignal);
    await faults?.heal().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
  }
  recorder.append({
    kind: 'run-end',
    status: outcome.interrupted ? 'interrupted' : 'completed',
    ...(outcome.abortedBy ? { message: `stopped early: threshold ${outcome.abortedBy} failed (abortOnFail)` } : {}),
  });
  await recorder.close();

  const thresholdResults = metrics.evaluate(outcome.durationMs);
  const summary = buildSummary({
    registry: metrics,
    checks,
    testRunDurationMs: outcome.durationMs,
    thresholdResults,
    ...(plan.scenario.summaryTrendStats ? { summaryTrendStats: plan.scenario.summaryTrendStats } : {}),
    isStdOutTTY: process.stdout.isTTY === true,
    isStdErrTTY: process.stderr.isTTY === true,
  });
  const verdicts = judge(recorder.records, { profile, checkOptions }, checkNames);
  writeFileSync(path.join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'checks.json'), `${JSON.stringify({ verdict: combineVerdicts(verdicts.map((v) => v.verdict)), checks: verdicts }, null, 2)}\n`);
  if (print) {
    process.stdout.write(renderEndSummary(summary, thresholdResults, verdicts));
    if (outcome.abortedBy) process.stdout.write(`\n  stopped early: threshold ${outcome.abortedBy} failed (abortOnFail)\n`);
    process.stdout.write(`\n  summary.json, history.jsonl and checks.json in ${outDir}\n`);
  }
  if (outcome.interrupted) throw new InterruptedError(`interrupted; faults healed, partial history and summary kept in ${outDir}`);
  const checkVerdict = combineVerdicts(verdicts.map((v) => v.verdict));
  const thresholdsFailed = thresholdResults.some((r) => !r.ok) || outcome.k6ExitCode === 99;
  const exitCode = thresholdsFailed || checkVerdict === 'fail' ? ExitCode.failed : checkVerdict === 'unknown' ? ExitCode.inconclusive : ExitCode.pass;
  return { exitCode, outDir, summary, thresholds: thresholdResults, verdicts, history: recorder.records, ...(outcome.abortedBy ? { abortedBy: outcome.abortedBy } : {}) };
}
