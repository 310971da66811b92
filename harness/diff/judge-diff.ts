import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecord } from '../history/types.js';
import type { VerdictValue } from '../checks/types.js';
import { runStartOf, type RunMeta, type VerdictFile } from '../run/verdict.js';
import { canonicalise, SAME_WORDS, type Vocabulary } from './canonical.js';
import { compareSides, separateNoise } from './compare.js';
import type { CheckComparison, DiffVerdictFile, SideName, VocabularyMap } from './types.js';

/** One side's finished run: its history and its own checks' judgement. */
export interface SideRun {
  name: SideName;
  /** What it ran against (URL, or the in-process sandbox). */
  target: string;
  /** Its directory, relative to the diff's run directory. */
  dir: string;
  history: readonly HistoryRecord[];
  verdict: VerdictFile;
}

/** The candidate's words read as the baseline's, through the map's reverse (`SETTLED` → `succeeded`). */
export function candidateWords(map: VocabularyMap | undefined): Vocabulary {
  const reverse = (m: Record<string, string> | undefined): ((raw: string) => string) => {
    const back = new Map(Object.entries(m ?? {}).map(([ours, theirs]) => [theirs, ours]));
    return (raw) => back.get(raw) ?? raw;
  };
  return { state: reverse(map?.states), event: reverse(map?.events), code: reverse(map?.codes) };
}

const profileOf = (side: SideRun): ApiProfile => (runStartOf(side.history).meta as unknown as RunMeta).profile;

/** Each check of each scenario on the three sides; the candidate is blamed only for what both baseline runs passed. */
export function compareChecks(baseline: VerdictFile, baseline2: VerdictFile | undefined, candidate: VerdictFile): CheckComparison[] {
  const verdictIn = (file: VerdictFile | undefined, scenario: string, check: string): VerdictValue | undefined =>
    file?.scenarios.find((s) => s.name === scenario)?.checks.find((c) => c.name === check)?.verdict;
  const out: CheckComparison[] = [];
  for (const s of candidate.scenarios) {
    for (const c of s.checks) {
      const b = verdictIn(baseline, s.name, c.name) ?? 'unknown';
      const b2 = verdictIn(baseline2, s.name, c.name);
      const baselineFails = b === 'fail' || b2 === 'fail';
      const status: CheckComparison['status'] = baselineFails ? 'inherited'
        : c.verdict === 'fail' ? 'regression'
          : c.verdict === 'unknown' && b === 'pass' ? 'undecided' : 'same';
      const detail = c.verdict === 'pass' ? undefined : (c.witnesses[0]?.summary ?? c.error);
      out.push({ scenario: s.name, check: c.name, baseline: b, ...(b2 ? { baseline2: b2 } : {}), candidate: c.verdict, status, ...(detail ? { detail } : {}) });
    }
  }
  return out;
}

/**
 * Judges a differential run: canonicalises every side's history through its own profile, takes what
 * the two baseline runs disagree on as noise, reports the rest of what the candidate does differently,
 * and compares the checks. Pure: the same histories always give the same verdict.
 */
export function judgeDiff(sides: readonly SideRun[], map: VocabularyMap | undefined, seed: number): DiffVerdictFile {
  const find = (name: SideName): SideRun | undefined => sides.find((s) => s.name === name);
  const baseline = find('baseline');
  const candidate = find('candidate');
  if (!baseline || !candidate) throw new Error('a differential run needs a baseline and a candidate side');
  const baseline2 = find('baseline-2');
  const baselineProfile = profileOf(baseline);
  const candidateProfile = profileOf(candidate);
  const sameShape = baselineProfile.name === candidateProfile.name;
  const ours = (history: readonly HistoryRecord[], rawBodies: boolean) => canonicalise(history, { profile: baselineProfile, words: SAME_WORDS, rawBodies });
  const theirs = canonicalise(candidate.history, { profile: candidateProfile, words: sameShape ? SAME_WORDS : candidateWords(map), rawBodies: sameShape });
  const comparison = compareSides(ours(baseline.history, sameShape), theirs);
  const noiseComparison = baseline2 ? compareSides(ours(baseline.history, sameShape), ours(baseline2.history, sameShape)) : undefined;
  const { differences, noise } = separateNoise(comparison, noiseComparison);
  const checks = compareChecks(baseline.verdict, baseline2?.verdict, candidate.verdict);
  const compared = comparison.comparedOperations;
  const total = Object.values(compared).reduce((a, b) => a + b, 0);
  const notCompared = [
    ...(sameShape ? [] : [{ reason: 'answer bodies leaf by leaf: the two sides answer in different shapes, so only meanings were compared', count: total }]),
    ...(baseline2 ? [] : [{ reason: 'no second baseline run: nothing was classified as noise', count: total }]),
  ];
  const reasons: string[] = [];
  for (const d of differences) reasons.push(`${d.kind} ${d.field}: ${d.count} of ${d.compared} differ (e.g. ${d.values[0]!.baseline} → ${d.values[0]!.other})`);
  for (const c of checks.filter((x) => x.status === 'regression')) reasons.push(`${c.scenario} ${c.check}: the candidate fails a check the baseline passed${c.detail ? ` (${c.detail})` : ''}`);
  const undecided = checks.filter((x) => x.status === 'undecided');
  for (const c of undecided) reasons.push(`${c.scenario} ${c.check}: the candidate could not be judged where the baseline passed${c.detail ? ` (${c.detail})` : ''}`);
  if (total === 0) reasons.push('no logical operation was answered on both sides: nothing could be compared');
  const interrupted = sides.some((s) => s.verdict.interrupted);
  const failing = differences.length > 0 || checks.some((c) => c.status === 'regression');
  const verdict: VerdictValue = failing ? 'fail' : undecided.length > 0 || total === 0 || interrupted ? 'unknown' : 'pass';
  return {
    kind: 'diff', verdict, seed, ...(interrupted ? { interrupted } : {}),
    sides: sides.map((s) => ({ name: s.name, target: s.target, profile: profileOf(s).name, runId: s.verdict.runId, verdict: s.verdict.verdict, dir: s.dir })),
    compared, notCompared, differences, noise, checks, reasons,
  };
}
