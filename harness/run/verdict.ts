import type { ApiProfile } from '../config/profile-types.js';
import type { CheckSpec } from '../config/scenario-types.js';
import type { HistoryRecord, RunStart } from '../history/types.js';
import type { CheckVerdict, VerdictValue } from '../checks/types.js';
import { combineVerdicts, judge } from '../checks/index.js';
import { ExitCode } from '../errors.js';
import { UsageError } from '../errors.js';
import { workloadGuard } from './workload-guard.js';

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
  profile: ApiProfile;
  scenarios: { name: string; file?: string; checks: CheckSpec[] }[];
  proxies?: { api?: string; callbacks?: string };
  target?: string;
  bugs?: string[];
}

export function runStartOf(history: readonly HistoryRecord[]): RunStart {
  const run = history.find((r): r is RunStart => r.kind === 'run');
  if (!run) throw new UsageError('E_HISTORY_NO_RUN', 'the history has no run record', { hint: 'was it written by payharness chaos run?' });
  return run;
}

/** Judges every scenario of a history with the checks it named (the records of one scenario each). */
export function judgeRun(history: readonly HistoryRecord[], override?: { profile?: ApiProfile; checks?: string[] }): VerdictFile {
  const run = runStartOf(history);
  const meta = run.meta as unknown as RunMeta;
  const profile = override?.profile ?? meta.profile;
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
    const guard = workloadGuard(records);
    if (guard) checks.push(guard);
    return { name: s.name, verdict: combineVerdicts(checks.map((c) => c.verdict)), checks };
  });
  const interrupted = history.some((r) => r.kind === 'run-end' && r.status === 'interrupted') || !history.some((r) => r.kind === 'run-end');
  return { verdict: combineVerdicts(scenarios.map((s) => s.verdict)), seed: run.seed, runId: run.runId, ...(interrupted ? { interrupted } : {}), scenarios };
}

export function exitCodeOf(verdict: VerdictValue): number {
  return verdict === 'pass' ? ExitCode.pass : verdict === 'fail' ? ExitCode.failed : ExitCode.inconclusive;
}
