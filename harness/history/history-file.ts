import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The history's file name in a run directory: gzip when the run asked for it. */
export function historyFileName(gzip: boolean): string {
  return gzip ? 'history.jsonl.gz' : 'history.jsonl';
}

/** The history file of a run directory: `history.jsonl`, else `history.jsonl.gz` (read transparently). */
export function historyFileIn(runDir: string): string {
  const plain = join(runDir, historyFileName(false));
  const gz = join(runDir, historyFileName(true));
  return !existsSync(plain) && existsSync(gz) ? gz : plain;
}
