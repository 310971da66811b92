import type { ApiProfile } from '../config/profile-types.js';
import type { CheckSpec } from '../config/scenario-types.js';
import type { HistoryRecord, RunStart } from '../history/types.js';
import type { CheckVerdict, VerdictValue } from '../checks/types.js';
import { combineVerdicts, judge } from '../checks/index.js';
import { ExitCode } from '../errors.js';
import { UsageError } from '../errors.js';
import { WORKLOAD_GUARD, workloadGuard } from './workload-guard.js';

/** `verdict.json`: the run's judgement, per scenario and check, with witnesses. */
export interface VerdictFile {
  verdict: VerdictValue;
  seed: number;
  runId: string;
  /** The run was interrupted: the history (and so the verdict) is partial. */
  interrupted?: boolean;
  scenarios: { name: string; verdict: VerdictValue; checks: CheckVerdict[] }[];
}

/** What a run stores in its `run` record so `payharness check` can re-judge without the scenario files. */
export interface RunMeta {
  /** Which front end wrote the run (absent in histories older than the one run core: chaos). */
  kind?: 'chaos' | 'load' | 'contracts';
  profile: ApiProfile;
  scenarios: { name: string; file?: string; checks: CheckSpec[] }[];
  proxies?: { api?: string; callbacks?: string };
  target?: string;
  bugs?: string[];
  /** Load runs: the engine that drove the load. */
  engine?: string;
  /** Contract chaos: the pact files replayed. */
  pacts?: string[];
  /** Runs judged as they went: after how long a quiet flow was judged (re-judging uses the same, see stream-judge.ts). */
  settleAfterMs?: number;
  /**
   * Soak load runs with final reads: each payment (all, or those sent twice) was listed and read
   * shortly after its iteration ended, and its flow settles only once that listing is recorded.
   */
  readsAsItGoes?: 'all' | 'duplicates';
  /** `--history-detail failing`: flow records kept only for failing flows and a sample (history/flow-detail.ts). */
  historyDetail?: { keep: 'failing'; passingSample: number };
}

export function runStartOf(history: readonly HistoryRecord[]): RunStart {
  const run = history.find((r): r is RunStart => r.kind === 'run');
  if (!run) throw new UsageError('E_HISTORY_NO_RUN', 'the history has no run record', { hint: 'pass a run directory written by payharness chaos run, load run or contracts chaos' });
  return run;
}

/**
 * A scenario that sent no request at all (its setup was refused, the run stopped before it) gave
 * the checks nothing to judge: `unknown`, with the run's notes about it as the reason.
 */
function silentScenario(records: readonly HistoryRecord[]): CheckVerdict | undefined {
  if (records.some((r) => r.kind === 'invoke')) return undefined;
  const notes = records.filter((r) => r.kind === 'note').map((r) => (r.kind === 'note' ? r.message : ''));
  return {
    name: WORKLOAD_GUARD, verdict: 'unknown', witnesses: [], judged: 0, unit: 'requests',
    error: `the scenario sent no request, so the checks had nothing to judge${notes.length ? ` (${notes.join('; ')})` : ''}`,
  };
}

/**
 * A profile given to re-judge a run that reads its retry policy `from` the API's endpoint takes the
 * policy the run read and recorded: re-judging cannot ask the API, and the run's own promise is the one to judge.
 */
function withRecordedRetryPolicy(profile: ApiProfile, recorded: ApiProfile | undefined): ApiProfile {
  const policy = recorded?.webhooks?.retryPolicy;
  if (!profile.webhooks?.retryPolicy.from || !policy || policy.initialIntervalMs === undefined) return profile;
  return { ...profile, webhooks: { ...profile.webhooks, retryPolicy: policy } };
}

/** Judges every scenario of a history with the checks it named (the records of one scenario each). */
export function judgeRun(history: readonly HistoryRecord[], override?: { profile?: ApiProfile; checks?: string[] }): VerdictFile {
  const run = runStartOf(history);
  const meta = run.meta as unknown as RunMeta;
  const profile = override?.profile ? withRecordedRetryPolicy(override.profile, meta.profile) : meta.profile;
  const byScenario = new Map<string, HistoryRecord[]>();
  for (const s of meta.scenarios) byScenario.set(s.name, [run]);
  for (const r of history) {
    if (r.scenario === undefined || r.kind === 'run') continue;
    byScenario.get(r.scenario)?.push(r);
  }
  const scenarios = meta.scenarios.map((s) => {
    const names = override?.checks ?? s.checks.map((c) => c.name);
    const checkOptions = Object.fromEntries(s.checks.map((c) => [c.name, c.options]));
    const records = byScenario.get(s.name) ?? [run];
    const checks = judge(records, { profile, checkOptions }, names);
    const guard = workloadGuard(records) ?? silentScenario(records);
    if (guard) checks.push(guard);
    return { name: s.name, verdict: combineVerdicts(checks.map((c) => c.verdict)), checks };
  });
  const interrupted = history.some((r) => r.kind === 'run-end' && r.status === 'interrupted') || !history.some((r) => r.kind === 'run-end');
  return { verdict: combineVerdicts(scenarios.map((s) => s.verdict)), seed: run.seed, runId: run.runId, ...(interrupted ? { interrupted } : {}), scenarios };
}

/**
 * A sentence when the run judged nothing at all: every scenario's workload was refused by the
 * target (the workload guard fired everywhere). Front ends print it under the verdict.
 */
export function nothingJudged(verdict: VerdictFile): string | undefined {
  const guards = verdict.scenarios.map((s) => s.checks.find((c) => c.name === WORKLOAD_GUARD));
  if (guards.length === 0 || guards.some((g) => g === undefined)) return undefined;
  return `nothing could be judged: the target refused every write of every scenario${guards.length > 1 ? ` (${guards.length} scenarios)` : ''}; first: ${guards[0]!.error ?? 'no write was accepted'}`;
}

export function exitCodeOf(verdict: VerdictValue): number {
  return verdict === 'pass' ? ExitCode.pass : verdict === 'fail' ? ExitCode.failed : ExitCode.inconclusive;
}
