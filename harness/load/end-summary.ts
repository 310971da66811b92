import type { CheckVerdict } from '../checks/types.js';
import type { ThresholdResult } from './metrics.js';
import type { K6SummaryData, K6SummaryMetric } from './summary.js';

/** k6's number formatting in the end summary: ms below 1 s, seconds above, no trailing zeros. */
export function formatTime(ms: number): string {
  if (ms >= 60_000) return `${trim(ms / 60_000)}m`;
  if (ms >= 1000) return `${trim(ms / 1000)}s`;
  if (ms >= 1) return `${trim(ms)}ms`;
  return `${trim(ms * 1000)}µs`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(2)));
}

function formatValue(metric: K6SummaryMetric, key: string): string {
  const v = metric.values;
  switch (metric.type) {
    case 'trend':
      return Object.entries(v)
        .map(([stat, value]) => `${stat}=${metric.contains === 'time' ? formatTime(value) : trim(value)}`)
        .join(' ');
    case 'counter':
      return `${v.count}`.padEnd(6) + ` ${trim(v.rate ?? 0)}/s`;
    case 'rate':
      return `${((v.rate ?? 0) * 100).toFixed(2)}% ${v.passes} out of ${(v.passes ?? 0) + (v.fails ?? 0)}`;
    case 'gauge':
      return `${v.value}`.padEnd(6) + ` min=${v.min} max=${v.max}`;
  }
  return key;
}

const GROUPS: [string, (name: string) => boolean][] = [
  ['HTTP', (n) => n.startsWith('http_')],
  ['EXECUTION', (n) => ['dropped_iterations', 'iteration_duration', 'iterations', 'vus', 'vus_max'].some((m) => n === m || n.startsWith(`${m}{`))],
  ['NETWORK', (n) => n.startsWith('data_')],
];

/** The end-of-test summary, laid out like k6's (thresholds, checks, metrics by group), plus the payment checks. */
export function renderEndSummary(data: K6SummaryData, thresholds: readonly ThresholdResult[], verdicts: readonly CheckVerdict[]): string {
  const lines: string[] = [''];
  if (thresholds.length) {
    lines.push('  █ THRESHOLDS', '');
    const byMetric = new Map<string, ThresholdResult[]>();
    for (const r of thresholds) byMetric.set(r.metric, [...(byMetric.get(r.metric) ?? []), r]);
    for (const [metric, results] of byMetric) {
      lines.push(`    ${metric}`);
      for (const r of results) {
        const info = data.metrics[metric];
        const shown = info?.type === 'trend' && info.contains === 'time' ? formatTime(r.observed) : trim(r.observed);
        lines.push(`    ${r.ok ? '✓' : '✗'} '${r.threshold.source}' ${r.threshold.aggregation}=${shown}`);
      }
      lines.push('');
    }
  }
  lines.push('  █ TOTAL RESULTS', '');
  const checks = data.metrics.checks;
  if (checks) {
    const total = (checks.values.passes ?? 0) + (checks.values.fails ?? 0);
    const rate = data.state.testRunDurationMs > 0 ? total / (data.state.testRunDurationMs / 1000) : 0;
    lines.push(`    checks_total.......: ${String(total).padEnd(7)} ${trim(rate)}/s`);
    lines.push(`    checks_succeeded...: ${`${((checks.values.rate ?? 0) * 100).toFixed(2)}%`.padEnd(7)} ${checks.values.passes} out of ${total}`);
    lines.push(`    checks_failed......: ${`${((1 - (checks.values.rate ?? 0)) * 100).toFixed(2)}%`.padEnd(7)} ${checks.values.fails} out of ${total}`, '');
    for (const c of data.root_group.checks) {
      lines.push(`    ${c.fails === 0 ? '✓' : '✗'} ${c.name}${c.fails ? `\n      ↳  ${Math.round((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}` : ''}`);
    }
    lines.push('');
  }
  for (const [group, belongs] of GROUPS) {
    const names = Object.keys(data.metrics).filter(belongs).sort();
    if (!names.length) continue;
    lines.push(`    ${group}`);
    for (const name of names) {
      const label = name.includes('{') ? `  { ${name.slice(name.indexOf('{') + 1, -1)} }` : name;
      lines.push(`    ${`${label}`.padEnd(31, '.')}: ${formatValue(data.metrics[name]!, name)}`);
    }
    lines.push('');
  }
  if (verdicts.length) {
    lines.push('  █ PAYMENT CHECKS (over the load history)', '');
    for (const v of verdicts) {
      lines.push(`    ${v.verdict === 'pass' ? '✓' : v.verdict === 'fail' ? '✗' : '?'} ${v.name}${v.verdict === 'unknown' && v.error ? ` — unknown: ${v.error}` : ''}`);
      for (const w of v.witnesses.slice(0, 3)) lines.push(`      ↳ ${w.summary}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
