import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter, ReportInput } from './types.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { htmlReporter } from './html.js';

/** Every file reporter; a new one is one file plus one line here. */
export const REPORTERS: readonly Reporter[] = [jsonReporter, junitReporter, htmlReporter];

/** Writes verdict.json, junit.xml and report.html into a run directory (history.jsonl is the recorder's). */
export async function writeReports(dir: string, input: ReportInput, reporters: readonly Reporter[] = REPORTERS): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const r of reporters) {
    const file = join(dir, r.file);
    await writeFile(file, r.render(input));
    files.push(file);
  }
  return files;
}

export { renderConsole } from './console.js';
export type { Reporter, ReportInput } from './types.js';
