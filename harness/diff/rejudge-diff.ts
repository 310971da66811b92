import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHistory } from '../history/recorder.js';
import { UsageError } from '../errors.js';
import { writeReports } from '../report/index.js';
import { judgeRun } from '../run/verdict.js';
import { writeDiffReports } from './diff-reports.js';
import { judgeDiff, type SideRun } from './judge-diff.js';
import { DIFF_MANIFEST, diffExitCode, type DiffManifest } from './run-diff.js';
import type { DiffVerdictFile } from './types.js';

/** A run directory a differential run wrote (it holds `diff.json`). */
export function isDiffRun(runDir: string): boolean {
  return existsSync(join(runDir, DIFF_MANIFEST));
}

/**
 * `payharness check <diff-run-dir>`: re-judges every side from its history (rewriting its own
 * reports), then the comparison, to the same verdict and exit code the run gave.
 */
export async function rejudgeDiff(runDir: string): Promise<{ verdict: DiffVerdictFile; exitCode: number }> {
  let manifest: DiffManifest;
  try {
    manifest = JSON.parse(readFileSync(join(runDir, DIFF_MANIFEST), 'utf8')) as DiffManifest;
  } catch (error) {
    throw new UsageError('E_DIFF_MANIFEST', `cannot read ${join(runDir, DIFF_MANIFEST)}: ${(error as Error).message}`, { hint: 'pass a directory written by `payharness diff`' });
  }
  const sides: SideRun[] = [];
  for (const side of manifest.sides) {
    const file = join(runDir, side.dir, 'history.jsonl');
    if (!existsSync(file)) continue;
    const history = await readHistory(file);
    const verdict = judgeRun(history);
    await writeReports(join(runDir, side.dir), { history, verdict });
    sides.push({ name: side.name, target: side.target, dir: side.dir, history, verdict });
  }
  if (!sides.some((s) => s.name === 'baseline') || !sides.some((s) => s.name === 'candidate')) {
    throw new UsageError('E_DIFF_PARTIAL', `${runDir} holds no complete baseline and candidate run (interrupted before they ran?)`, { hint: 'run `payharness diff` again' });
  }
  const verdict = judgeDiff(sides, manifest.map, manifest.seed);
  await writeDiffReports(runDir, verdict);
  return { verdict, exitCode: diffExitCode(verdict) };
}
