import type { Reporter } from './types.js';
import { judgedText, notJudgedText, unknownText } from './judged-text.js';

export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!)
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/**
 * `junit.xml`: a testsuite per scenario, a testcase per check; fail → <failure>, unknown →
 * <skipped> with the reason and what was not judged (CI shows it as skipped, never as passed).
 * Every testcase says in <system-out> what the check judged.
 */
export const junitReporter: Reporter = {
  name: 'junit',
  file: 'junit.xml',
  render({ verdict }) {
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
    const all = verdict.scenarios.flatMap((s) => s.checks);
    const count = (v: string): number => all.filter((c) => c.verdict === v).length;
    lines.push(`<testsuites name="payharness chaos" tests="${all.length}" failures="${count('fail')}" errors="0" skipped="${count('unknown')}">`);
    for (const s of verdict.scenarios) {
      const fails = s.checks.filter((c) => c.verdict === 'fail').length;
      const skipped = s.checks.filter((c) => c.verdict === 'unknown').length;
      lines.push(`  <testsuite name="${xmlEscape(s.name)}" tests="${s.checks.length}" failures="${fails}" errors="0" skipped="${skipped}">`);
      for (const c of s.checks) {
        lines.push(`    <testcase classname="chaos.${xmlEscape(s.name)}" name="${xmlEscape(c.name)}">`);
        if (c.verdict === 'fail') {
          const first = c.witnesses[0]?.summary ?? 'check failed';
          lines.push(`      <failure message="${xmlEscape(first)}" type="${xmlEscape(c.name)}">${xmlEscape(c.witnesses.map((w) => `- ${w.summary}`).join('\n'))}</failure>`);
        } else if (c.verdict === 'unknown') {
          lines.push(`      <skipped message="${xmlEscape(`not judged: ${unknownText(c)}`)}"/>`);
        }
        const judged = [judgedText(c), notJudgedText(c)].filter((t) => t !== undefined).join('\n');
        if (judged) lines.push(`      <system-out>${xmlEscape(judged)}</system-out>`);
        lines.push('    </testcase>');
      }
      lines.push('  </testsuite>');
    }
    lines.push('</testsuites>');
    return `${lines.join('\n')}\n`;
  },
};
