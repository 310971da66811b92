import type { HistoryRecord } from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';

export type VerdictValue = 'pass' | 'fail' | 'unknown';

/** The smallest set of records that shows a problem, and one sentence saying what it shows. */
export interface Witness {
  /** Plain-language statement, e.g. "2 payments were created for idempotency key k-7". */
  summary: string;
  /** The history records (by opId or whole records) that prove it. */
  records: HistoryRecord[];
}

export interface CheckVerdict {
  name: string;
  verdict: VerdictValue;
  /** Empty on pass. */
  witnesses: Witness[];
  /** Why `unknown` (the check's error, or not enough data to decide). */
  error?: string;
  /** Figures the check computed (counts), for reports. */
  stats?: Record<string, number>;
}

export interface CheckContext {
  profile: ApiProfile;
  /** The check options a scenario gave this check, if any. */
  options?: Record<string, unknown>;
}

/** A check is a pure function of a history; it never prints and never throws on purpose. */
export interface Check {
  /** Registry key users type in scenarios (`idempotent-replay`). */
  name: string;
  /** One line for `chaos list` and the scenario schema. */
  description: string;
  /** Called after a run (or by `payharness check`); returns data, not text. */
  run(history: readonly HistoryRecord[], context: CheckContext): CheckVerdict;
}
