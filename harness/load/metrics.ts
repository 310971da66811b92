import { BUILTIN_METRICS, parseMetricKey, type MetricInfo } from './metric-types.js';
import { CounterSink, ExactTrend, GaugeSink, RateSink, type Sink, type TrendSink } from './sinks.js';
import { thresholdHolds, type Threshold } from './thresholds.js';

/** Tags on one sample, as k6 puts them on NDJSON points (`scenario`, `status`, `name`, …). */
export type SampleTags = Readonly<Record<string, string>>;

/** One metric or submetric (`http_req_duration{scenario:create}`) being aggregated. */
export interface MetricSeries {
  /** The key k6 uses in the summary: the name plus `{tag:value}` for a submetric. */
  key: string;
  info: MetricInfo;
  sink: Sink;
  /** Only samples carrying all of these tags count (empty for the root metric). */
  filter: Readonly<Record<string, string>>;
  thresholds: Threshold[];
  /** Received at least one sample. */
  touched: boolean;
}

/** Adds a sample to one metric and its matching submetrics; see `MetricRegistry.adder`. */
export type MetricAdder = (value: number, tags: SampleTags) => void;

export interface ThresholdResult {
  metric: string;
  threshold: Threshold;
  ok: boolean;
  /** The aggregated value the threshold was judged on. */
  observed: number;
}

/** Metrics of one run: roots plus the submetrics thresholds (and k6 itself) ask for. */
export class MetricRegistry {
  private readonly series = new Map<string, MetricSeries>();
  private readonly byRoot = new Map<string, MetricSeries[]>();

  constructor(private readonly newTrend: () => TrendSink = () => new ExactTrend()) {}

  /** The series for a key, created on first use; root metrics not in k6's list need `info`. */
  ensure(key: string, info?: MetricInfo): MetricSeries {
    const existing = this.series.get(key);
    if (existing) return existing;
    const parsed = parseMetricKey(key);
    if (typeof parsed === 'string') throw new Error(parsed);
    const rootInfo = info ?? BUILTIN_METRICS[parsed.name] ?? this.series.get(parsed.name)?.info;
    if (!rootInfo) throw new Error(`unknown metric ${parsed.name}`);
    if (Object.keys(parsed.tags).length > 0) this.ensure(parsed.name, rootInfo);
    const series: MetricSeries = { key, info: rootInfo, sink: this.newSink(rootInfo), filter: parsed.tags, thresholds: [], touched: false };
    this.series.set(key, series);
    const siblings = this.byRoot.get(parsed.name) ?? [];
    siblings.push(series);
    this.byRoot.set(parsed.name, siblings);
    return series;
  }

  private newSink(info: MetricInfo): Sink {
    switch (info.type) {
      case 'trend':
        return this.newTrend();
      case 'counter':
        return new CounterSink();
      case 'rate':
        return new RateSink();
      case 'gauge':
        return new GaugeSink();
    }
  }

  /** Adds a sample to the root metric and to every submetric whose tags it carries. */
  add(name: string, value: number, tags: SampleTags): void {
    let all = this.byRoot.get(name);
    if (!all) {
      this.ensure(name);
      all = this.byRoot.get(name)!;
    }
    addTo(all, value, tags);
  }

  /**
   * A function adding samples to `name`, with the lookup done once (hot paths add several
   * samples per request). Submetrics created later are still fed: they join the same list.
   */
  adder(name: string): MetricAdder {
    this.ensure(name);
    const all = this.byRoot.get(name)!;
    return (value, tags) => addTo(all, value, tags);
  }

  get(key: string): MetricSeries | undefined {
    return this.series.get(key);
  }

  /** Series that received a sample or carry a threshold, in creation order. */
  reported(): MetricSeries[] {
    return [...this.series.values()].filter((s) => s.touched || s.thresholds.length > 0);
  }

  /** Evaluates every threshold against the aggregates so far. */
  evaluate(durationMs: number): ThresholdResult[] {
    const results: ThresholdResult[] = [];
    for (const series of this.series.values()) {
      for (const threshold of series.thresholds) {
        const observed = aggregate(series.sink, threshold.aggregation, durationMs, threshold.percentile);
        results.push({ metric: series.key, threshold, ok: thresholdHolds(threshold, observed), observed });
      }
    }
    return results;
  }
}

function addTo(all: readonly MetricSeries[], value: number, tags: SampleTags): void {
  for (let i = 0; i < all.length; i++) {
    const series = all[i]!;
    let matches = true;
    for (const k in series.filter) {
      if (tags[k] !== series.filter[k]) {
        matches = false;
        break;
      }
    }
    if (matches) {
      series.sink.add(value);
      series.touched = true;
    }
  }
}

/** The value of one aggregation (`p(95)`, `rate`, `count`…) of a sink; `durationMs` turns counts into rates. */
export function aggregate(sink: Sink, aggregation: string, durationMs: number, percentile?: number): number {
  switch (sink.kind) {
    case 'trend':
      if (percentile !== undefined) return sink.percentile(percentile);
      if (aggregation === 'avg') return sink.count === 0 ? 0 : sink.sum / sink.count;
      if (aggregation === 'min') return sink.min;
      if (aggregation === 'max') return sink.max;
      if (aggregation === 'med') return sink.percentile(50);
      if (aggregation === 'count') return sink.count;
      {
        const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(aggregation);
        if (p) return sink.percentile(Number(p[1]));
      }
      return Number.NaN;
    case 'counter':
      return aggregation === 'rate' ? (durationMs > 0 ? sink.count / (durationMs / 1000) : 0) : sink.count;
    case 'rate':
      return aggregation === 'passes' ? sink.passes : aggregation === 'fails' ? sink.fails : sink.rate;
    case 'gauge':
      return aggregation === 'min' ? sink.min : aggregation === 'max' ? sink.max : sink.value;
  }
}
