import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderDiffHtml } from '../report/html-diff.js';
import { renderDiffJunit } from '../report/junit-diff.js';
import type { DiffVerdictFile } from './types.js';

/** Writes a differential run's verdict.json, junit.xml and report.html (each side has its own in its directory). */
export async function writeDiffReports(runDir: string, verdict: DiffVerdictFile): Promise<void> {
  await writeFile(join(runDir, 'verdict.json'), `${JSON.stringify(verdict, null, 2)}\n`);
  await writeFile(join(runDir, 'junit.xml'), renderDiffJunit(verdict));
  await writeFile(join(runDir, 'report.html'), renderDiffHtml(verdict));
}

/** The console summary: the verdict, each difference and the noise in a line each. */
export function renderDiffConsole(verdict: DiffVerdictFile, runDir: string): string {
  const lines = [`diff: ${verdict.verdict.toUpperCase()}${verdict.interrupted ? ' (interrupted)' : ''} · seed ${verdict.seed}`];
  for (const s of verdict.sides) lines.push(`  ${s.name.padEnd(10)} ${s.verdict.padEnd(7)} ${s.target} (profile ${s.profile || '?'})`);
  const compared = Object.entries(verdict.compared).map(([k, n]) => `${k} ${n}`).join(', ');
  lines.push(`  compared: ${compared || 'nothing'}`);
  lines.push(`  differences beyond noise: ${verdict.differences.length === 0 ? 'none' : ''}`);
  for (const d of verdict.differences) {
    lines.push(`    ${d.kind} ${d.field}: ${d.count} of ${d.compared} — ${d.values.slice(0, 2).map((v) => `${v.baseline} → ${v.other} ×${v.count}`).join('; ')} (e.g. ${d.witnesses[0]?.key ?? '?'})`);
  }
  if (verdict.noise.length) {
    lines.push(`  noise (differed between the two baseline runs): ${verdict.noise.map((n) => `${n.kind} ${n.field} ${n.count}/${n.compared}${n.absorbed ? `, explains ${n.absorbed}` : ''}`).join('; ')}`);
  }
  for (const c of verdict.checks.filter((x) => x.status !== 'same')) {
    lines.push(`  check ${c.scenario}/${c.check}: baseline ${c.baseline}, candidate ${c.candidate} — ${c.status}${c.detail ? `: ${c.detail}` : ''}`);
  }
  for (const r of verdict.reasons) lines.push(`  ! ${r}`);
  lines.push(`  report: ${join(runDir, 'report.html')}`);
  return `${lines.join('\n')}\n`;
}
