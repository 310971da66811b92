import * as hdr from 'hdr-histogram-js';

/**
 * Aggregators for k6's metric types. Two trend flavours: `ExactTrend` keeps every value and
 * interpolates percentiles exactly as k6's TrendSink does (used when re-aggregating k6's own
 * NDJSON, so our numbers equal k6's); `HdrTrend` keeps an HDR histogram (constant memory, 3
 * significant digits) for the built-in engine's long, fast runs.
 */
export interface TrendSink {
  readonly kind: 'trend';
  add(value: number): void;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  /** `pct` in 0..100. */
  percentile(pct: number): number;
}

/** count, sum, min and max, which every trend reports the same way whatever holds its values. */
abstract class TrendStats {
  readonly kind = 'trend';
  count = 0;
  sum = 0;
  min = 0;
  max = 0;

  protected track(value: number): void {
    if (this.count === 0 || value < this.min) this.min = value;
    if (this.count === 0 || value > this.max) this.max = value;
    this.count++;
    this.sum += value;
  }
}

export class ExactTrend extends TrendStats implements TrendSink {
  private values: number[] = [];
  private sorted = true;

  add(value: number): void {
    this.track(value);
    this.values.push(value);
    this.sorted = false;
  }

  /** k6's interpolation: i = p·(n−1), value between the neighbours of i. */
  percentile(pct: number): number {
    if (this.count === 0) return 0;
    if (this.count === 1) return this.values[0]!;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    const i = (pct / 100) * (this.count - 1);
    const lower = this.values[Math.floor(i)]!;
    const upper = this.values[Math.ceil(i)]!;
    return lower + (upper - lower) * (i - Math.floor(i));
  }
}

/** Values are milliseconds; the histogram holds microseconds up to one hour. */
export class HdrTrend extends TrendStats implements TrendSink {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  add(value: number): void {
    this.track(value);
    this.histogram.recordValue(Math.min(3_600_000_000, Math.max(1, Math.round(value * 1000))));
  }

  percentile(pct: number): number {
    if (this.count === 0) return 0;
    if (pct <= 0) return this.min;
    if (pct >= 100) return this.max;
    // HDR reports the bucket's upper edge; clamp into the exact range we saw.
    return Math.min(this.max, Math.max(this.min, this.histogram.getValueAtPercentile(pct) / 1000));
  }
}

export class CounterSink {
  readonly kind = 'counter';
  count = 0;
  add(value: number): void {
    this.count += value;
  }
}

/** A rate counts non-zero samples ("passes") against all samples. */
export class RateSink {
  readonly kind = 'rate';
  passes = 0;
  fails = 0;
  add(value: number): void {
    if (value !== 0) this.passes++;
    else this.fails++;
  }
  get rate(): number {
    const total = this.passes + this.fails;
    return total === 0 ? 0 : this.passes / total;
  }
}

export class GaugeSink {
  readonly kind = 'gauge';
  value = 0;
  min = 0;
  max = 0;
  private seen = false;
  add(value: number): void {
    if (!this.seen || value < this.min) this.min = value;
    if (!this.seen || value > this.max) this.max = value;
    this.value = value;
    this.seen = true;
  }
}

export type Sink = TrendSink | CounterSink | RateSink | GaugeSink;
