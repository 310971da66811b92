import type { HistoryRecord } from '../history/types.js';
import type { VerdictFile } from '../run/verdict.js';

/** What every reporter gets: the (redacted) history and its judgement. */
export interface ReportInput {
  history: readonly HistoryRecord[];
  verdict: VerdictFile;
}

/** A reporter writes one file of a run directory. */
export interface Reporter {
  name: string;
  /** File name inside the run directory. */
  file: string;
  render(input: ReportInput): string;
}
