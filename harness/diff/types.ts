import type { VerdictValue } from '../checks/types.js';

/**
 * A differential run: one seeded plan and one set of fault decisions against two implementations of
 * one payment API (the baseline, e.g. the legacy service, and the candidate, its rewrite), plus a
 * second baseline run whose differences from the first are noise (Twitter Diffy's primary/secondary).
 */

/** The roles a side plays; each side's run lives in `<run-dir>/<side>/`. */
export type SideName = 'baseline' | 'baseline-2' | 'candidate';

export const SIDES: readonly SideName[] = ['baseline', 'baseline-2', 'candidate'];

/**
 * How the candidate's words map onto the baseline's, for APIs that name the same meaning differently
 * (`--map FILE`). Keys are the baseline's names, values the candidate's.
 */
export interface VocabularyMap {
  /** Payment states (`succeeded: SETTLED`). */
  states?: Record<string, string>;
  /** Callback event types (`payment.captured: charge.settled`). */
  events?: Record<string, string>;
  /** Error codes read through the profiles' `errors[].codePath`. */
  codes?: Record<string, string>;
}

/**
 * One logical operation as its side's profile reads it: comparable fields only (outcome class,
 * resulting state, minor-unit amounts, error code, callbacks caused, idempotency behaviour), in the
 * baseline's vocabulary. `key` is the same on every side: `<scenario>/<logical id>`.
 */
export interface CanonicalOperation {
  key: string;
  scenario: string;
  logicalId: string;
  /** `create`, `capture`, …, or `final` for the payment as read back at the end of the run. */
  kind: string;
  /** Field → value; a field the operation does not have is absent. */
  fields: Record<string, string>;
  /** History records that show the operation (the exchanges), for witnesses side by side. */
  records: unknown[];
}

/** One field of one operation that differs between two sides. */
export interface FieldDifference {
  key: string;
  kind: string;
  field: string;
  /** The value on the first side (baseline) and on the other (candidate or baseline-2). */
  baseline: string;
  other: string;
}

/** Differences of one (operation kind, field), with the exchanges of the first few as witnesses. */
export interface DifferenceGroup {
  kind: string;
  field: string;
  /** How many operations of this kind differ in this field, out of how many compared. */
  count: number;
  compared: number;
  /** Each differing value pair with how often it occurred: `"replayed" → "executed again": 3`. */
  values: { baseline: string; other: string; count: number }[];
  /** The first differing operations, each with both sides' records. */
  witnesses: { key: string; baseline: string; other: string; baselineRecords: unknown[]; otherRecords: unknown[] }[];
}

/** What the two baseline runs disagreed on: the noise, per (operation kind, field). */
export interface NoiseGroup {
  kind: string;
  field: string;
  count: number;
  compared: number;
  /** Unstable: the baselines disagreed on at least half the operations, so every value of the field is noise. */
  unstable: boolean;
  values: { baseline: string; other: string; count: number }[];
  /** Candidate differences in this field that the noise explains (not reported as differences). */
  absorbed: number;
}

/** A check's verdict on each side, and what it means for the candidate. */
export interface CheckComparison {
  scenario: string;
  check: string;
  baseline: VerdictValue;
  baseline2?: VerdictValue;
  candidate: VerdictValue;
  /**
   * `regression`: the candidate fails (or cannot decide) a check both baseline runs passed; `inherited`:
   * a baseline run already fails it (reported, not blamed on the candidate); `same`: nothing to say.
   */
  status: 'regression' | 'undecided' | 'inherited' | 'same';
  /** The candidate's first witness or error, when it did not pass. */
  detail?: string;
}

/** `verdict.json` of a differential run. */
export interface DiffVerdictFile {
  kind: 'diff';
  verdict: VerdictValue;
  seed: number;
  interrupted?: boolean;
  sides: { name: SideName; target: string; profile: string; runId: string; verdict: VerdictValue; dir: string }[];
  /** Logical operations compared between baseline and candidate, per kind. */
  compared: Record<string, number>;
  /** Operation kinds and fields compared only by meaning, and why some were left out. */
  notCompared: { reason: string; count: number }[];
  differences: DifferenceGroup[];
  noise: NoiseGroup[];
  checks: CheckComparison[];
  /** One sentence per reason the verdict is not `pass`. */
  reasons: string[];
}
