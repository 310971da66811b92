import type { DiffVerdictFile } from '../diff/types.js';
import { xmlEscape } from './junit.js';

/**
 * `junit.xml` of a differential run: a testcase per operation kind (failed when it differs beyond
 * noise, one line per field) and one per check (failed when the candidate fails what both baseline
 * runs passed, skipped when it could not be judged there; a check the baseline already fails passes
 * with a note: it is not the candidate's doing).
 */
export function renderDiffJunit(verdict: DiffVerdictFile): string {
  const kinds = [...new Set([...Object.keys(verdict.compared), ...verdict.differences.map((d) => d.kind)])].sort();
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const kindFails = kinds.filter((k) => verdict.differences.some((d) => d.kind === k)).length;
  const checkFails = verdict.checks.filter((c) => c.status === 'regression').length;
  const skipped = verdict.checks.filter((c) => c.status === 'undecided').length;
  lines.push(`<testsuites name="payharness diff" tests="${kinds.length + verdict.checks.length}" failures="${kindFails + checkFails}" errors="0" skipped="${skipped}">`);
  lines.push(`  <testsuite name="operations" tests="${kinds.length}" failures="${kindFails}" errors="0" skipped="0">`);
  for (const kind of kinds) {
    const diffs = verdict.differences.filter((d) => d.kind === kind);
    lines.push(`    <testcase classname="diff.operations" name="${xmlEscape(kind)}">`);
    if (diffs.length) {
      const text = diffs.map((d) => `- ${d.field}: ${d.count} of ${d.compared} differ; ${d.values.map((v) => `${v.baseline} → ${v.other} (${v.count})`).join('; ')}`).join('\n');
      lines.push(`      <failure message="${xmlEscape(`${kind} differs in ${diffs.map((d) => d.field).join(', ')}`)}" type="difference">${xmlEscape(text)}</failure>`);
    }
    const noise = verdict.noise.filter((n) => n.kind === kind);
    lines.push(`      <system-out>${xmlEscape(`compared ${verdict.compared[kind] ?? 0} operations${noise.length ? `; noise: ${noise.map((n) => `${n.field} (${n.count} of ${n.compared})`).join(', ')}` : ''}`)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  lines.push(`  <testsuite name="checks" tests="${verdict.checks.length}" failures="${checkFails}" errors="0" skipped="${skipped}">`);
  for (const c of verdict.checks) {
    lines.push(`    <testcase classname="diff.checks.${xmlEscape(c.scenario)}" name="${xmlEscape(c.check)}">`);
    if (c.status === 'regression') lines.push(`      <failure message="${xmlEscape(`the candidate fails ${c.check}, which the baseline passed${c.detail ? `: ${c.detail}` : ''}`)}" type="regression"/>`);
    else if (c.status === 'undecided') lines.push(`      <skipped message="${xmlEscape(`not judged on the candidate${c.detail ? `: ${c.detail}` : ''}`)}"/>`);
    lines.push(`      <system-out>${xmlEscape(`baseline ${c.baseline}${c.baseline2 ? `, baseline-2 ${c.baseline2}` : ''}, candidate ${c.candidate}${c.status === 'inherited' ? ' (the baseline already fails it: not blamed on the candidate)' : ''}`)}</system-out>`);
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>');
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
