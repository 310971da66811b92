import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { xmlEscape } from '../report/junit.js';
import { redactText } from '../redact.js';
import type { StageResult } from './stage.js';

/** `verdict.json` of a gate: one verdict, the exit code, and every stage with its cases. */
export interface GateVerdict {
  verdict: 'pass' | 'fail' | 'unknown' | 'error';
  exitCode: number;
  startedAt: string;
  stages: StageResult[];
}

function junit(verdict: GateVerdict): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = verdict.stages.flatMap((s) => s.cases);
  const count = (v: string) => all.filter((c) => c.verdict === v).length;
  lines.push(`<testsuites name="payharness gate" tests="${all.length}" failures="${count('fail')}" errors="${count('unknown')}" skipped="${count('skipped')}">`);
  for (const stage of verdict.stages) {
    const n = (v: string) => stage.cases.filter((c) => c.verdict === v).length;
    lines.push(`  <testsuite name="${xmlEscape(stage.name)}" tests="${stage.cases.length}" failures="${n('fail')}" errors="${n('unknown')}" skipped="${n('skipped')}">`);
    for (const c of stage.cases) {
      lines.push(`    <testcase classname="gate.${xmlEscape(stage.name)}" name="${xmlEscape(c.name)}">`);
      const message = xmlEscape(redactText(c.message ?? c.verdict));
      const body = xmlEscape(redactText(c.details ?? ''));
      if (c.verdict === 'fail') lines.push(`      <failure message="${message}" type="${stage.name}">${body}</failure>`);
      else if (c.verdict === 'unknown') lines.push(`      <error message="${message}" type="inconclusive">${body}</error>`);
      else if (c.verdict === 'skipped') lines.push(`      <skipped message="${message}"/>`);
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Writes `verdict.json` and `junit.xml` into the gate's directory; returns their paths. */
export function writeGateReports(dir: string, verdict: GateVerdict): string[] {
  mkdirSync(dir, { recursive: true });
  const verdictFile = path.join(dir, 'verdict.json');
  const junitFile = path.join(dir, 'junit.xml');
  writeFileSync(verdictFile, `${redactText(JSON.stringify(verdict, null, 2))}\n`);
  writeFileSync(junitFile, junit(verdict));
  return [verdictFile, junitFile];
}
