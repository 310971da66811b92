import { createHash } from 'node:crypto';
import { aggregate, type MetricRegistry, type ThresholdResult } from './metrics.js';
import type { MetricContains, MetricType } from './metric-types.js';

/**
 * The end-of-test summary in exactly the shape k6 hands `handleSummary(data)` (v1.x), so tools
 * that read k6 summaries read ours. Checked field by field against a real k6 v1.3.0 run.
 */
export interface K6SummaryMetric {
  type: MetricType;
  contains: MetricContains;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface K6Check {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

export interface K6SummaryData {
  root_group: { name: ''; path: ''; id: string; groups: never[]; checks: K6Check[] };
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, K6SummaryMetric>;
}

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] as const;

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** A named check's pass/fail counts (k6 `check()` results), in first-seen order. */
export class CheckTally {
  private readonly counts = new Map<string, { passes: number; fails: number }>();
  add(name: string, ok: boolean): void {
    const entry = this.counts.get(name) ?? { passes: 0, fails: 0 };
    if (ok) entry.passes++;
    else entry.fails++;
    this.counts.set(name, entry);
  }
  toK6(): K6Check[] {
    return [...this.counts].map(([name, c]) => ({ name, path: `::${name}`, id: md5(`::${name}`), passes: c.passes, fails: c.fails }));
  }
}

export interface SummaryInput {
  registry: MetricRegistry;
  checks: CheckTally;
  testRunDurationMs: number;
  thresholdResults: readonly ThresholdResult[];
  summaryTrendStats?: readonly string[];
  isStdOutTTY?: boolean;
  isStdErrTTY?: boolean;
}

/** Builds the `data` object; counters' rates are per second over the whole run, as k6 computes them. */
export function buildSummary(input: SummaryInput): K6SummaryData {
  const stats = [...(input.summaryTrendStats ?? DEFAULT_TREND_STATS)];
  const metrics: Record<string, K6SummaryMetric> = {};
  for (const series of input.registry.reported()) {
    const sink = series.sink;
    let values: Record<string, number>;
    if (sink.kind === 'trend') {
      values = {};
      for (const stat of stats) values[stat] = aggregate(sink, stat, input.testRunDurationMs);
    } else if (sink.kind === 'counter') {
      values = { count: sink.count, rate: aggregate(sink, 'rate', input.testRunDurationMs) };
    } else if (sink.kind === 'rate') {
      values = { rate: sink.rate, passes: sink.passes, fails: sink.fails };
    } else {
      values = { value: sink.value, min: sink.min, max: sink.max };
    }
    const metric: K6SummaryMetric = { type: series.info.type, contains: series.info.contains, values };
    const results = input.thresholdResults.filter((r) => r.metric === series.key);
    if (results.length > 0) metric.thresholds = Object.fromEntries(results.map((r) => [r.threshold.source, { ok: r.ok }]));
    metrics[series.key] = metric;
  }
  return {
    root_group: { name: '', path: '', id: md5(''), groups: [], checks: input.checks.toK6() },
    options: { summaryTrendStats: stats, summaryTimeUnit: '', noColor: false },
    state: {
      isStdOutTTY: input.isStdOutTTY ?? false,
      isStdErrTTY: input.isStdErrTTY ?? false,
      testRunDurationMs: input.testRunDurationMs,
    },
    metrics,
  };
}
