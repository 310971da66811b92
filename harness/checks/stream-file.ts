import type { HistoryRecord } from '../history/types.js';
import { streamHistory } from '../history/reader.js';
import type { VerdictFile } from '../run/verdict.js';
import { StreamJudge, type StreamJudgeOptions } from './stream-judge.js';

/** Histories up to this many records are also kept for the report's timeline; longer ones are judged without holding them. */
export const REPORT_TIMELINE_RECORDS = 200_000;

/**
 * `payharness check`'s judgement of a saved history: read as a stream (plain or gzip) into the
 * streaming judge, with the settle time the run itself used, so the verdict is the run's own.
 * Returns the records too when there are few enough for the report to show them all.
 */
export async function judgeHistoryFile(file: string, override: Pick<StreamJudgeOptions, 'profile' | 'checks' | 'settleAfterMs'> = {}): Promise<{ verdict: VerdictFile; history: HistoryRecord[] }> {
  const judge = new StreamJudge({
    ...(override.profile ? { profile: override.profile } : {}), ...(override.checks ? { checks: override.checks } : {}),
    ...(override.settleAfterMs === undefined ? {} : { settleAfterMs: override.settleAfterMs }),
  });
  let history: HistoryRecord[] | undefined = [];
  let run: HistoryRecord | undefined;
  for await (const r of streamHistory(file)) {
    if (r.kind === 'run') run ??= r;
    judge.push(r);
    if (history && history.push(r) > REPORT_TIMELINE_RECORDS) history = undefined;
  }
  const verdict = judge.end();
  return { verdict, history: history ?? (run ? [run] : []) };
}
