import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHECK_NAMES, findCheck } from '../checks/index.js';
import type { CheckVerdict } from '../checks/types.js';
import { BUILTIN_PROFILES, loadProfile } from '../config/profile.js';
import type { ApiProfile } from '../config/profile-types.js';
import type { CheckSpec } from '../config/scenario-types.js';
import { UsageError } from '../errors.js';
import type { HistoryRecord } from '../history/types.js';
import { redactJson } from '../redact.js';
import type { BodyMode } from '../history/body-policy.js';
import { assertTargetAllowed } from '../safety.js';
import { recordFinalReads } from '../run/final-reads.js';
import { assertHealed } from '../run/heal.js';
import { RunSession, type RunOutcome } from '../run/run-session.js';
import { nothingJudged } from '../run/verdict.js';
import { randomSeed } from '../workload/prng.js';
import { RollingReads } from '../run/rolling-reads.js';
import { soakSettling } from './soak-settling.js';
import type { CreatedPayment } from './payment-workload.js';
import { runBuiltin, type EngineRunContext, type EngineRunOutcome } from './builtin-runner.js';
import { renderEndSummary } from './end-summary.js';
import { runK6 } from './k6-runner.js';
import { loadFaultSpecs } from './load-faults.js';
import { loadLoadScenario, type LoadPlan } from './load-scenario.js';
import type { FlowName } from './scenario-types.js';
import { MetricRegistry, type ThresholdResult } from './metrics.js';
import { ExactTrend, HdrTrend } from './sinks.js';
import { buildSummary, CheckTally, type K6SummaryData } from './summary.js';
import { attachThresholds } from './threshold-set.js';
import { assertFailingOnlyFits, DEFAULT_PASSING_SAMPLE } from '../history/flow-detail.js';

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
  /** Run directory; default `reports/<run-id>`. Refused when it already holds files. */
  outDir?: string;
  /** Sandbox bugs to plant when the sandbox is started in-process. */
  bugs?: string[];
  toxiproxyUrl?: string;
  /** Print the live progress line and the end summary (the CLI does; tests need not). */
  print?: boolean;
  /** The live progress line (on by default when printing). */
  progress?: boolean;
  k6Bin?: string;
  /** Handle SIGINT/SIGTERM: heal, keep the partial history, exit code 130. The CLI turns this on. */
  handleSignals?: boolean;
  signal?: AbortSignal;
  /** How the history is kept; see `LoadHistoryOptions`. */
  history?: LoadHistoryOptions;
  /** Stop the load as soon as a payment check fails (needs a soak run with `finalReads: none`). */
  abortOnFail?: boolean;
}

/** A load run's history: small by default, so long runs fit on disk (docs/load.md, "Soak runs"). */
export interface LoadHistoryOptions {
  /** Write `history.jsonl.gz` (≈ 40 bytes a request instead of ≈ 580). Default: on for a soak run (`retain: false`), off otherwise. */
  gzip?: boolean;
  /** `evidence` (default on the built-in engine): bodies only where checks read them; `all` (default on k6): every body as sent and received. */
  bodies?: BodyMode;
  /**
   * Keep the history in memory and judge it at the end (default). False: a soak run — records go
   * to the file and to a streaming judge (stream-judge.ts) only; with `finalReads: none` each flow
   * is judged once it has been quiet for `settleAfterMs`, so memory stays flat and failures show live.
   */
  retain?: boolean;
  /** How long a flow must be quiet before it is judged in a soak run (default 2 s). */
  settleAfterMs?: number;
  /** `failing`: a soak run writes flow records only for failing flows and `passingSample` passing ones (history/flow-detail.ts); default `all`. */
  detail?: 'all' | 'failing';
  /** Passing flows a failing-only history keeps whole (default 100). */
  passingSample?: number;
}


/** How often a load run with faults pulls the proxy's decisions, so a soak run's flows see theirs before they settle. */
const DECISION_POLL_MS = 250;

/** The run core's outcome plus what is particular to load. */
export interface LoadRunResult extends RunOutcome {
  /** Same as runDir (kept for callers of the earlier API). */
  outDir: string;
  summary: K6SummaryData;
  thresholds: ThresholdResult[];
  /** The verdicts of the load scenario's checks (thresholds-met included when it has thresholds). */
  verdicts: CheckVerdict[];
  history: readonly HistoryRecord[];
  abortedBy?: string;
  /** The check whose failure stopped the load (`--abort-on-fail`). */
  stoppedByCheck?: string;
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
 * The checks a load run names in its meta: the scenario's (or the money checks), plus
 * `thresholds-met` carrying the scenario's thresholds, so `payharness check` judges them too.
 */
function loadChecks(plan: LoadPlan): CheckSpec[] {
  const checks = (plan.scenario.checks ?? DEFAULT_LOAD_CHECKS).map((c) => (typeof c === 'string' ? { name: c } : c));
  const thresholds = plan.scenario.thresholds ?? {};
  if (Object.keys(thresholds).length > 0) checks.push({ name: 'thresholds-met', options: { thresholds } });
  return checks;
}

/** The figures thresholds are judged on: for each thresholded metric, the aggregations they name. */
function metricValues(results: readonly ThresholdResult[]): Record<string, Record<string, number | null>> {
  const values: Record<string, Record<string, number | null>> = {};
  for (const r of results) (values[r.metric] ??= {})[r.threshold.aggregation] = Number.isFinite(r.observed) ? r.observed : null;
  return values;
}

/**
 * `payharness load run`: plan → services and faults (the run core) → engine → heal → final reads →
 * metrics record → judge (payment checks and thresholds-met) → history.jsonl, verdict.json,
 * junit.xml, report.html, plus summary.json (k6's handleSummary shape).
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const plan = loadLoadScenario(options.scenarioFile);
  const profile = resolveProfile(plan, options.profile);
  assertProfileSupports(plan, profile);
  if (options.target) assertTargetAllowed(options.target, options.allowTargets ?? []);
  if (options.target && options.bugs?.length) {
    throw new UsageError('E_USAGE', '--bug plants bugs in the in-process sandbox, which --target replaces', { hint: 'drop --target to load the in-process sandbox with the bug, or drop --bug' });
  }
  const faults = loadFaultSpecs(plan.scenario.faults);
  const engineName = options.engine ?? 'builtin';
  const print = options.print ?? false;
  const soak = options.history?.retain === false;
  // A soak run's history is written for hours: gzip unless asked not to (`payharness check` reads either).
  const gzip = options.history?.gzip ?? soak;
  const mode = plan.scenario.finalReads ?? 'all';
  const { readsAsItGoes, settleAfterMs, readAfterMs } = soakSettling(plan, profile, engineName, { soak, settleAfterMs: options.history?.settleAfterMs, abortOnFail: options.abortOnFail });
  const failingOnly = options.history?.detail === 'failing';
  if (failingOnly && !soak) throw new UsageError('E_USAGE', '--history-detail failing goes with --soak: it drops passing flows as the streamed judgement releases them', { hint: 'add --soak' });
  const checks = loadChecks(plan);
  if (failingOnly) assertFailingOnlyFits([{ name: plan.scenario.name, checks: checks.map((c) => c.name) }]);
  const session = new RunSession({
    kind: 'load', seed: options.seed ?? plan.scenario.seed ?? randomSeed(), outDir: options.outDir, scenario: plan.scenario.name,
    handleSignals: options.handleSignals, signal: options.signal,
    history: {
      gzip, profile: redactJson(profile),
      // The built-in workload says which keys it sends twice (their bodies are kept); a history rebuilt from k6's output cannot, so it keeps every body.
      // So does a run whose checks read whole answers (responses-match-schema), not only the payment fields.
      bodies: options.history?.bodies ?? (engineName === 'k6' || checks.some((c) => findCheck(c.name).readsWholeAnswers) ? 'all' : 'evidence'),
      retain: !soak,
    },
    ...(soak ? { judgeAsItGoes: settleAfterMs === undefined ? {} : { settleAfterMs } } : {}),
    ...(failingOnly ? { historyDetail: { keep: 'failing' as const, passingSample: options.history?.passingSample ?? DEFAULT_PASSING_SAMPLE } } : {}),
  });
  const { recorder, seed, runId } = session;
  if (print) process.stderr.write(`payharness load: ${plan.scenario.name} on the ${engineName} engine, run ${runId}, seed ${seed}, output ${session.runDir}\n`);

  const metrics = new MetricRegistry(() => (engineName === 'k6' ? new ExactTrend() : new HdrTrend()));
  // k6 always reports this submetric; so do we, so summaries line up.
  metrics.ensure('http_req_duration{expected_response:true}');
  attachThresholds(metrics, plan.thresholds);
  const tally = new CheckTally();
  let outcome: EngineRunOutcome | undefined;
  let thresholdResults: ThresholdResult[] = [];
  let failure: unknown;
  let rolling: RollingReads | undefined;
  try {
    // Faults go through the same Nemesis and registry as chaos: one `api` proxy in front of the target.
    const nemesis = faults.length ? await session.connectNemesis(options.toxiproxyUrl, profile) : undefined;
    nemesis?.assertSupports(faults, plan.scenario.name);
    const target = await session.startTarget({ target: options.target, bugs: options.bugs, seed, basePath: profile.basePath });
    const origin = nemesis ? (await session.proxy('api', target.url)).url : target.url;
    session.start({
      profile: redactJson(profile),
      scenarios: [{ name: plan.scenario.name, file: plan.file, checks }],
      target: options.target ?? 'sandbox (in-process)',
      bugs: [...(options.bugs ?? [])],
      engine: engineName,
      ...(settleAfterMs === undefined ? {} : { settleAfterMs }),
      ...(readsAsItGoes ? { readsAsItGoes } : {}),
    });
    for (const fault of faults) await nemesis!.apply(fault, 0);
    rolling = readsAsItGoes ? new RollingReads(target.url, profile, recorder, { signal: session.signal, ...(readAfterMs === undefined ? {} : { afterMs: readAfterMs }) }) : undefined;
    const ctx: EngineRunContext = {
      plan, profile, origin, recorder, metrics, checks: tally, seed, runId, signal: session.signal, progress: print && options.progress !== false,
      remember: mode === 'duplicates' ? 'duplicates' : mode,
      ...(rolling ? { onIterationEnd: (p: CreatedPayment) => rolling!.add(p) } : {}),
      ...(session.streamJudge && settleAfterMs !== undefined ? {
        liveFailures: () => session.streamJudge!.failures(),
        liveStatus: () => `judged as it goes: ${session.streamJudge!.heldFlows} flow(s) held${rolling ? `, ${rolling.waiting} payment(s) waiting for their read-back` : ''}`,
      } : {}),
      ...(options.abortOnFail ? { abortOnFail: true } : {}),
    };
    // The k6 engine's requests enter the history when k6 exits; its decisions stay at the end with them.
    const poller = nemesis && engineName === 'builtin' ? setInterval(() => void nemesis.pollDecisions().catch(() => undefined), DECISION_POLL_MS) : undefined;
    try {
      outcome = engineName === 'k6' ? await runK6({ ...ctx, outDir: session.runDir, ...(options.k6Bin ? { k6Bin: options.k6Bin } : {}) }) : await runBuiltin(ctx);
    } finally {
      clearInterval(poller);
    }
    if (nemesis) assertHealed(await nemesis.healAll(), `load scenario ${plan.scenario.name}`);
    if (rolling) {
      if (outcome.interrupted) rolling.stop();
      else await rolling.drain();
    } else if (!outcome.interrupted && mode !== 'none') {
      const touched = outcome.created.filter((c) => mode === 'all' || c.duplicated).map((c) => ({ reference: c.reference, logicalId: c.logicalId, resourceIds: new Set<string>() }));
      await recordFinalReads(target.url, profile, recorder, touched, { concurrency: 8, signal: session.signal });
    }
    thresholdResults = metrics.evaluate(outcome.durationMs);
    recorder.append({
      kind: 'metrics', durationMs: outcome.durationMs, values: metricValues(thresholdResults),
      ...(outcome.k6ExitCode !== undefined ? { k6ExitCode: outcome.k6ExitCode } : {}), ...(outcome.abortedBy ? { abortedBy: outcome.abortedBy } : {}),
    });
    if (outcome.interrupted) session.interrupt();
  } catch (error) {
    failure = error;
    rolling?.stop();
  }
  const stopped = outcome?.abortedBy ? `stopped early: threshold ${outcome.abortedBy} failed (abortOnFail)`
    : outcome?.stoppedByCheck ? `stopped early: check ${outcome.stoppedByCheck} failed (--abort-on-fail)` : undefined;
  const result = await session.finish(failure, stopped);
  const durationMs = outcome?.durationMs ?? 0;
  const summary = buildSummary({
    registry: metrics,
    checks: tally,
    testRunDurationMs: durationMs,
    thresholdResults,
    ...(plan.scenario.summaryTrendStats ? { summaryTrendStats: plan.scenario.summaryTrendStats } : {}),
    isStdOutTTY: process.stdout.isTTY === true,
    isStdErrTTY: process.stderr.isTTY === true,
  });
  writeFileSync(path.join(result.runDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const verdicts = result.verdict.scenarios[0]?.checks ?? [];
  if (print) {
    process.stdout.write(renderEndSummary(summary, thresholdResults, verdicts));
    if (stopped) process.stdout.write(`\n  ${stopped}\n`);
    const empty = nothingJudged(result.verdict);
    if (empty) process.stdout.write(`\n  ${empty}\n`);
    if (session.historyDetailNote) process.stdout.write(`\n  ${session.historyDetailNote}\n`);
    process.stdout.write(`\n  verdict: ${result.verdict.verdict}   seed: ${seed}   run: ${runId}\n`);
    process.stdout.write(`  ${path.basename(session.recorder.file ?? 'history.jsonl')}, verdict.json, junit.xml, report.html and summary.json in ${result.runDir}\n`);
  }
  return {
    ...result, outDir: result.runDir, summary, thresholds: thresholdResults, verdicts, history: recorder.records,
    ...(outcome?.abortedBy ? { abortedBy: outcome.abortedBy } : {}), ...(outcome?.stoppedByCheck ? { stoppedByCheck: outcome.stoppedByCheck } : {}),
  };
}
