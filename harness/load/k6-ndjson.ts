import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { MetricRegistry, type SampleTags } from './metrics.js';
import type { MetricContains, MetricType } from './metric-types.js';
import { CheckTally } from './summary.js';
import { ExactTrend } from './sinks.js';

/**
 * Reads k6's `--out json` stream: one JSON object per line, either
 * `{"type":"Metric","metric":name,"data":{name,type,contains,thresholds,submetrics}}` declaring a
 * metric (and the submetrics its thresholds use) or
 * `{"type":"Point","metric":name,"data":{time,value,tags,metadata?}}` carrying one sample
 * (`metadata`, written only when the sample has some, holds values that are not part of the
 * sample's time series: k6's `exec.vu.metrics.metadata`).
 * Trends keep every value so our percentiles are k6's to the last digit.
 */
export interface K6Point {
  metric: string;
  /** Epoch milliseconds (k6 writes RFC 3339 with nanoseconds). */
  timeMs: number;
  value: number;
  tags: SampleTags;
  /** The sample's metadata, when it had any. */
  metadata?: Readonly<Record<string, string>>;
}

export interface K6NdjsonResult {
  registry: MetricRegistry;
  checks: CheckTally;
  /** Time of the first and last point, epoch ms (NaN when there were none). */
  firstPointMs: number;
  lastPointMs: number;
  points: number;
  /** Lines that were not JSON (k6 killed mid-line); reported, not fatal. */
  badLines: number;
}

export interface ParseOptions {
  /** Pre-built registry (with thresholds attached); a fresh exact one by default. */
  registry?: MetricRegistry;
  /** Points of metrics with this prefix go to `onPoint` only, not to the summary (our bookkeeping metric). */
  privatePrefix?: string;
  onPoint?: (point: K6Point) => void;
}

interface MetricLine {
  type: 'Metric';
  metric: string;
  data: { name: string; type: MetricType; contains: MetricContains; submetrics: { name: string }[] | null };
}
interface PointLine {
  type: 'Point';
  metric: string;
  data: { time: string; value: number; tags: Record<string, string> | null; metadata?: Record<string, string> };
}

/** RFC 3339 with up to nanoseconds → epoch ms with sub-ms precision kept. */
export function parseK6Time(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match) return Date.parse(text);
  const whole = Date.parse(`${match[1]}${match[3]}`);
  const fraction = match[2] ? Number(`0.${match[2]}`) * 1000 : 0;
  return whole + fraction;
}

/** Parses lines from any async source of strings (a file's lines, a child's stdout). */
export async function parseK6Lines(lines: AsyncIterable<string> | Iterable<string>, options: ParseOptions = {}): Promise<K6NdjsonResult> {
  const registry = options.registry ?? new MetricRegistry(() => new ExactTrend());
  const checks = new CheckTally();
  const result: K6NdjsonResult = { registry, checks, firstPointMs: Number.NaN, lastPointMs: Number.NaN, points: 0, badLines: 0 };
  const privatePrefix = options.privatePrefix;
  for await (const line of lines) {
    if (line.length === 0) continue;
    let parsed: MetricLine | PointLine;
    try {
      parsed = JSON.parse(line) as MetricLine | PointLine;
    } catch {
      result.badLines++;
      continue;
    }
    if (parsed.type === 'Metric') {
      if (privatePrefix && parsed.metric.startsWith(privatePrefix)) continue;
      const info = { type: parsed.data.type, contains: parsed.data.contains };
      registry.ensure(parsed.data.name, info);
      for (const sub of parsed.data.submetrics ?? []) registry.ensure(sub.name, info);
      continue;
    }
    if (parsed.type !== 'Point') continue;
    const tags = parsed.data.tags ?? {};
    const timeMs = parseK6Time(parsed.data.time);
    result.points++;
    if (!(timeMs >= result.firstPointMs)) result.firstPointMs = Number.isNaN(result.firstPointMs) ? timeMs : Math.min(result.firstPointMs, timeMs);
    if (!(timeMs <= result.lastPointMs)) result.lastPointMs = timeMs;
    if (options.onPoint) {
      const metadata = parsed.data.metadata;
      options.onPoint({ metric: parsed.metric, timeMs, value: parsed.data.value, tags, ...(metadata ? { metadata } : {}) });
    }
    if (privatePrefix && parsed.metric.startsWith(privatePrefix)) continue;
    registry.add(parsed.metric, parsed.data.value, tags);
    if (parsed.metric === 'checks' && tags.check !== undefined) checks.add(tags.check, parsed.data.value !== 0);
  }
  return result;
}

/** Parses a `--out json=FILE` file. */
export function parseK6NdjsonFile(file: string, options: ParseOptions = {}): Promise<K6NdjsonResult> {
  const input = createReadStream(file, { encoding: 'utf8' });
  return parseK6Lines(createInterface({ input, crlfDelay: Infinity }), options);
}
