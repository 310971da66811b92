import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiProfile } from '../config/profile-types.js';
import type { Scenario } from '../config/scenario-types.js';
import { loadProfile } from '../config/profile.js';
import { loadScenarios } from '../config/scenario.js';
import { readHistory } from '../history/recorder.js';
import { UsageError } from '../errors.js';
import { runChaos } from '../run/run-chaos.js';
import { newRunId } from '../run/run-id.js';
import { prepareRunDir } from '../run/run-dir.js';
import { randomSeed } from '../workload/prng.js';
import { writeDiffReports } from './diff-reports.js';
import { judgeDiff, type SideRun } from './judge-diff.js';
import type { DiffVerdictFile, SideName, VocabularyMap } from './types.js';
import { loadVocabularyMap } from './vocabulary-map.js';

/** One implementation under comparison. */
export interface DiffSide {
  /** Its base URL; absent → an in-process sandbox (with `bugs`) is started for it, as `chaos run` does. */
  url?: string;
  /** Its profile file or built-in name, or a loaded profile; absent → the scenarios' profile. */
  profile?: string | ApiProfile;
  /** Planted sandbox bugs, for an in-process sandbox only. */
  bugs?: readonly string[];
}

export interface DiffOptions {
  /** Scenario files, or scenarios already loaded; every side runs all of them, in order. */
  scenarios: readonly (string | Scenario)[];
  baseline: DiffSide;
  candidate: DiffSide;
  /** A second instance of the baseline for the noise run; absent → the baseline runs twice. */
  baseline2?: DiffSide;
  /** The one seed of every side's plan and fault decisions; random when absent (printed, stored). */
  seed?: number;
  /** Run directory; default `reports/<run-id>`. Each side runs into `<dir>/<side>/`. */
  outDir?: string;
  /** `--map FILE` or a loaded map: how the candidate names the baseline's states, events and codes. */
  map?: string | VocabularyMap;
  toxiproxyUrl?: string;
  allowTargets?: readonly string[];
  /**
   * The targets run their callback retries this many times faster than their profiles say (the
   * profiles' `timeScale` is set to it); in-process sandboxes run at it too.
   */
  timeScale?: number;
  progress?: NodeJS.WriteStream;
  /** Aborting it interrupts the run: the side running stops, heals and keeps its partial history. */
  signal?: AbortSignal;
}

export interface DiffResult {
  runDir: string;
  seed: number;
  verdict: DiffVerdictFile;
  /** 0 pass, 1 a difference or a check the candidate newly fails, 2 undecided, 130 interrupted. */
  exitCode: number;
  interrupted: boolean;
}

/** What `payharness check` needs to find and re-judge the sides: `<run-dir>/diff.json`. */
export interface DiffManifest {
  kind: 'diff';
  seed: number;
  map?: VocabularyMap;
  sides: { name: SideName; target: string; dir: string }[];
}

export const DIFF_MANIFEST = 'diff.json';

/** A side's profile; with `timeScale`, loaded (the scenarios' own when the side names none) and scaled. */
function sideProfile(side: DiffSide, timeScale: number | undefined, scenarios: readonly Scenario[]): string | ApiProfile | undefined {
  if (timeScale === undefined) return side.profile;
  const named = side.profile ?? scenarios.find((s) => s.profile !== undefined)?.profile ?? 'sandbox';
  const profile = typeof named === 'string' ? loadProfile(named) : structuredClone(named);
  if (profile.webhooks) profile.webhooks.retryPolicy.timeScale = timeScale;
  return profile;
}

/** Exit code of a diff verdict (DESIGN.md's codes). */
export function diffExitCode(verdict: DiffVerdictFile): number {
  if (verdict.interrupted) return 130;
  return verdict.verdict === 'pass' ? 0 : verdict.verdict === 'fail' ? 1 : 2;
}

/**
 * `payharness diff`: the same scenarios under one seed against the baseline, the baseline again (or
 * a second instance of it), and the candidate — one after the other, each through the one run core
 * (its own proxies, webhook sink and history, every record naming its side) — then compared by
 * meaning. Fault decisions are keyed by request identity (the idempotency key without the run id),
 * so each side meets the same faults on the same logical requests.
 */
export async function runDiff(options: DiffOptions): Promise<DiffResult> {
  for (const side of [options.baseline, options.candidate, options.baseline2]) {
    if (side?.url && side.bugs?.length) throw new UsageError('E_BUGS_WITH_TARGET', 'planted bugs only apply to an in-process sandbox, not to a URL', { hint: 'leave out the URL of the side with bugs' });
  }
  const map = typeof options.map === 'string' ? loadVocabularyMap(options.map) : options.map;
  // Loaded once, before anything starts: every problem in every file is reported at once, and every side runs the same plan.
  const scenarios = loadScenarios(options.scenarios.filter((s): s is string => typeof s === 'string'))
    .concat(options.scenarios.filter((s): s is Scenario => typeof s !== 'string'));
  if (scenarios.length === 0) throw new UsageError('E_NO_SCENARIOS', 'no scenarios to run', { hint: 'pass one or more scenario files' });
  const seed = options.seed ?? randomSeed();
  const runDir = prepareRunDir(options.outDir, newRunId());
  const plan: { name: SideName; side: DiffSide }[] = [
    { name: 'baseline', side: options.baseline },
    { name: 'baseline-2', side: options.baseline2 ?? options.baseline },
    { name: 'candidate', side: options.candidate },
  ];
  const manifest: DiffManifest = {
    kind: 'diff', seed, ...(map ? { map } : {}),
    sides: plan.map(({ name, side }) => ({ name, target: side.url ?? 'sandbox (in-process)', dir: name })),
  };
  writeFileSync(join(runDir, DIFF_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  options.progress?.write(`diff: seed ${seed} (replay with --seed ${seed}), writing ${runDir}\n`);
  const sides: SideRun[] = [];
  for (const { name, side } of plan) {
    if (options.signal?.aborted) break;
    options.progress?.write(`diff: ${name} → ${side.url ?? 'in-process sandbox'}${side.bugs?.length ? ` (bugs: ${side.bugs.join(', ')})` : ''}\n`);
    const result = await runChaos({
      scenarios, target: side.url, profile: sideProfile(side, options.timeScale, scenarios), seed, outDir: join(runDir, name),
      toxiproxyUrl: options.toxiproxyUrl, allowTargets: options.allowTargets, bugs: side.bugs, timeScale: options.timeScale,
      signal: options.signal, targetName: name,
    });
    sides.push({ name, target: side.url ?? 'sandbox (in-process)', dir: name, history: await readHistory(join(result.runDir, 'history.jsonl')), verdict: result.verdict });
    if (result.interrupted) break;
  }
  const interrupted = options.signal?.aborted === true || sides.length < plan.length;
  if (sides.length < plan.length || !sides.some((s) => s.name === 'candidate')) {
    // Interrupted before the candidate ran: nothing to compare; the partial side runs are kept.
    const verdict: DiffVerdictFile = {
      kind: 'diff', verdict: 'unknown', seed, interrupted: true,
      sides: sides.map((s) => ({ name: s.name, target: s.target, profile: '', runId: s.verdict.runId, verdict: s.verdict.verdict, dir: s.dir })),
      compared: {}, notCompared: [], differences: [], noise: [], checks: [], reasons: ['interrupted before every side ran: nothing was compared'],
    };
    await writeDiffReports(runDir, verdict);
    return { runDir, seed, verdict, exitCode: 130, interrupted: true };
  }
  const verdict = judgeDiff(sides, map, seed);
  if (interrupted) verdict.interrupted = true;
  await writeDiffReports(runDir, verdict);
  return { runDir, seed, verdict, exitCode: diffExitCode(verdict), interrupted: verdict.interrupted === true };
}
