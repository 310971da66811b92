import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * The directory a run writes into: `--out`, else `reports/<run-id>`. A directory that already holds
 * files is refused: appending a second run to an old history.jsonl would make one history of two
 * runs, and `payharness check` would judge them as one.
 */
export function prepareRunDir(outDir: string | undefined, runId: string, flag = '--out'): string {
  const dir = resolve(outDir ?? join('reports', runId));
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new UsageError('E_OUT_NOT_DIR', `${flag} ${dir} is a file, not a directory`, { hint: `pass a new or empty directory for ${flag}` });
    if (code !== 'ENOENT') throw error;
  }
  if (entries.length > 0) {
    const shown = entries.slice(0, 4).join(', ') + (entries.length > 4 ? `, … (${entries.length} entries)` : '');
    throw new UsageError('E_OUT_NOT_EMPTY', `${flag} ${dir} is not empty (${shown}); a run writes a fresh directory and never appends to an old history`, {
      hint: `pass a new or empty directory for ${flag} (or leave it out: reports/<run-id>); to re-judge the old run use \`payharness check ${dir}\``,
    });
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}
