import type { VerdictFile } from '../run/verdict.js';

/** The summary the CLI prints: one line per check, witnesses of failures in sentences. */
export function renderConsole(verdict: VerdictFile, runDir: string): string {
  const out: string[] = [];
  for (const s of verdict.scenarios) {
    out.push(`${s.verdict.toUpperCase().padEnd(7)} ${s.name}`);
    for (const c of s.checks) {
      out.push(`  ${c.verdict.padEnd(7)} ${c.name}${c.error ? ` — ${c.error}` : ''}`);
      for (const w of c.witnesses.slice(0, 3)) out.push(`          · ${w.summary}`);
    }
  }
  out.push('');
  out.push(`verdict: ${verdict.verdict}${verdict.interrupted ? ' (interrupted: partial history)' : ''}   seed: ${verdict.seed}   run: ${verdict.runId}`);
  out.push(`report: ${runDir}/report.html`);
  return `${out.join('\n')}\n`;
}
