import type { VerdictFile } from '../run/verdict.js';
import { judgedText, notJudgedText, unknownText, verdictLabel } from './judged-text.js';

/**
 * The summary the CLI prints: one line per check with what it judged, then what it could not
 * judge and the witnesses of failures, in sentences. An undecided check reads "not judged", never
 * like a pass.
 */
export function renderConsole(verdict: VerdictFile, runDir: string): string {
  const out: string[] = [];
  for (const s of verdict.scenarios) {
    out.push(`${s.verdict.toUpperCase().padEnd(7)} ${s.name}`);
    for (const c of s.checks) {
      const detail = c.verdict === 'unknown' ? unknownText(c) : judgedText(c);
      out.push(`  ${verdictLabel(c).padEnd(10)} ${c.name}${detail ? ` — ${detail}` : ''}`);
      const skipped = c.verdict === 'unknown' ? undefined : notJudgedText(c);
      if (skipped) out.push(`             ${skipped}`);
      for (const w of c.witnesses.slice(0, 3)) out.push(`             · ${w.summary}`);
    }
  }
  out.push('');
  out.push(`verdict: ${verdict.verdict}${verdict.interrupted ? ' (interrupted: partial history)' : ''}   seed: ${verdict.seed}   run: ${verdict.runId}`);
  out.push(`report: ${runDir}/report.html`);
  return `${out.join('\n')}\n`;
}
