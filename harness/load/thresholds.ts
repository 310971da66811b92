import { parseDuration } from './duration.js';
import type { MetricType } from './metric-types.js';

/**
 * Thresholds in k6's syntax: `{ http_req_duration: ['p(95)<250', { threshold: 'p(99)<500', abortOnFail: true }] }`.
 * The grammar and the aggregations allowed per metric type follow k6 (thresholds_parser.go).
 */
export type ThresholdOperator = '>' | '>=' | '<' | '<=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  /** The source text, the key k6 uses in `metrics.<name>.thresholds`. */
  source: string;
  /** `avg`, `min`, `max`, `med`, `count`, `rate`, `value` or `p(N)`. */
  aggregation: string;
  /** 0..100 for `p(N)`. */
  percentile?: number;
  operator: ThresholdOperator;
  value: number;
}

export interface Threshold extends ThresholdExpression {
  abortOnFail: boolean;
  /** Milliseconds into the run before an abortOnFail threshold may stop it. */
  delayAbortEvalMs: number;
}

/** The object form a scenario may use instead of a plain string. */
export interface ThresholdObject {
  threshold: string;
  abortOnFail?: boolean;
  delayAbortEval?: string;
}

export type ThresholdSpec = string | ThresholdObject;

const EXPRESSION = /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(===|==|!=|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/** Aggregations k6 allows on each metric type. */
export const AGGREGATIONS: Record<MetricType, readonly string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
};

/** Parses one expression; returns a sentence saying what is wrong instead of throwing. */
export function parseThresholdExpression(source: string): ThresholdExpression | string {
  const match = EXPRESSION.exec(source);
  if (!match) {
    return `"${source}" is not a threshold expression (hint: write <aggregation><operator><number>, e.g. "p(95)<250", "rate<0.01", "count==0")`;
  }
  const [, rawAggregation, rawPercentile, operator, rawValue] = match;
  const percentile = rawPercentile === undefined ? undefined : Number(rawPercentile);
  if (percentile !== undefined && (percentile < 0 || percentile > 100)) {
    return `"${source}": percentile ${percentile} is outside 0..100`;
  }
  return {
    source,
    aggregation: percentile === undefined ? rawAggregation!.toLowerCase() : `p(${percentile})`,
    ...(percentile === undefined ? {} : { percentile }),
    operator: operator as ThresholdOperator,
    value: Number(rawValue),
  };
}

/** Parses a spec (string or object) for a metric of `type`; a string result is the problem. */
export function parseThreshold(spec: ThresholdSpec, type: MetricType): Threshold | string {
  const source = typeof spec === 'string' ? spec : spec.threshold;
  if (typeof source !== 'string') return 'a threshold object needs a "threshold" string';
  const parsed = parseThresholdExpression(source);
  if (typeof parsed === 'string') return parsed;
  const allowed = AGGREGATIONS[type];
  const kind = parsed.percentile === undefined ? parsed.aggregation : 'p(N)';
  if (!allowed.includes(kind)) {
    return `"${source}": aggregation "${parsed.aggregation}" does not apply to a ${type} metric (hint: use ${allowed.join(', ')})`;
  }
  let delayAbortEvalMs = 0;
  if (typeof spec === 'object' && spec.delayAbortEval !== undefined) {
    const delay = parseDuration(spec.delayAbortEval);
    if (delay === undefined) return `"${source}": delayAbortEval "${spec.delayAbortEval}" is not a duration (hint: e.g. "10s")`;
    delayAbortEvalMs = delay;
  }
  return { ...parsed, abortOnFail: typeof spec === 'object' && spec.abortOnFail === true, delayAbortEvalMs };
}

/** Applies the operator: does `observed` satisfy the threshold? */
export function thresholdHolds(expression: ThresholdExpression, observed: number): boolean {
  const v = expression.value;
  switch (expression.operator) {
    case '>':
      return observed > v;
    case '>=':
      return observed >= v;
    case '<':
      return observed < v;
    case '<=':
      return observed <= v;
    case '==':
    case '===':
      return observed === v;
    case '!=':
      return observed !== v;
  }
}
