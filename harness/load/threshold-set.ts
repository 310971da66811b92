import { BUILTIN_METRICS, parseMetricKey, type MetricInfo } from './metric-types.js';
import type { MetricRegistry } from './metrics.js';
import { parseThreshold, type Threshold, type ThresholdSpec } from './thresholds.js';

/** A scenario's `thresholds:` block, parsed: metric key → thresholds. */
export type ThresholdSet = ReadonlyMap<string, readonly Threshold[]>;

export interface ThresholdProblem {
  /** The metric key, and the index of the expression when one is at fault. */
  key: string;
  index?: number;
  message: string;
}

/** Parses every threshold, collecting every problem (k6 reports them all at once too). */
export function compileThresholds(
  spec: Readonly<Record<string, ThresholdSpec | readonly ThresholdSpec[]>>,
  customMetrics: Readonly<Record<string, MetricInfo>> = {},
): { set: ThresholdSet; problems: ThresholdProblem[] } {
  const set = new Map<string, Threshold[]>();
  const problems: ThresholdProblem[] = [];
  for (const [key, raw] of Object.entries(spec)) {
    const parsedKey = parseMetricKey(key);
    if (typeof parsedKey === 'string') {
      problems.push({ key, message: parsedKey });
      continue;
    }
    const info = BUILTIN_METRICS[parsedKey.name] ?? customMetrics[parsedKey.name];
    if (!info) {
      problems.push({
        key,
        message: `no metric named "${parsedKey.name}": neither engine produces it, so a threshold on it could never be judged (hint: thresholds can use ${Object.keys(BUILTIN_METRICS).join(', ')})`,
      });
      continue;
    }
    const list = Array.isArray(raw) ? raw : [raw as ThresholdSpec];
    const thresholds: Threshold[] = [];
    list.forEach((item: ThresholdSpec, index: number) => {
      const parsed = parseThreshold(item, info.type);
      if (typeof parsed === 'string') problems.push({ key, index, message: parsed });
      else thresholds.push(parsed);
    });
    set.set(key, thresholds);
  }
  return { set, problems };
}

/** Creates the (sub)metrics the thresholds name and hangs the thresholds on them. */
export function attachThresholds(registry: MetricRegistry, set: ThresholdSet): void {
  for (const [key, thresholds] of set) registry.ensure(key).thresholds.push(...thresholds);
}
