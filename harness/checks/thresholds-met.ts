import type { HistoryRecord, MetricsRecord } from '../history/types.js';
import type { Check, CheckVerdict, NotJudged, Witness } from './types.js';
import { parseThresholdExpression, thresholdHolds, type ThresholdSpec } from '../load/thresholds.js';

/** A load scenario's `thresholds:` block as the check's options carry it. */
type ThresholdBlock = Record<string, ThresholdSpec | ThresholdSpec[]>;

const K6_THRESHOLDS_CROSSED = 99;

function blockOf(options: Record<string, unknown> | undefined): ThresholdBlock | undefined {
  const block = options?.thresholds;
  return block && typeof block === 'object' && !Array.isArray(block) ? (block as ThresholdBlock) : undefined;
}

/**
 * A load run's thresholds (k6 syntax, e.g. `http_req_duration: ["p(95)<250"]`) hold on the figures
 * the run recorded at its end (the `metrics` record). The thresholds come from the check's options,
 * which a load run fills from its scenario, so `payharness check` re-judges them like the run did.
 */
export const thresholdsMet: Check = {
  name: 'thresholds-met',
  runKinds: ['load'],
  description: "a load run's thresholds (k6 syntax) hold on the metrics it recorded; load runs add it with the scenario's thresholds",
  run(history, context) {
    const base = { name: this.name, unit: 'thresholds' } as const;
    const block = blockOf(context.options);
    const unknown = (error: string): CheckVerdict => ({ ...base, verdict: 'unknown', witnesses: [], judged: 0, error });
    if (!block || Object.keys(block).length === 0) return unknown('no thresholds to judge (options.thresholds is empty; a load run fills it from its scenario)');
    const metrics = history.filter((r: HistoryRecord): r is MetricsRecord => r.kind === 'metrics').at(-1);
    if (!metrics) return unknown('the history holds no metrics record (the load was interrupted or failed before its figures were recorded)');
    const witnesses: Witness[] = [];
    const skipped = new Map<string, number>();
    let judged = 0;
    for (const [metric, specs] of Object.entries(block)) {
      for (const spec of Array.isArray(specs) ? specs : [specs]) {
        const parsed = parseThresholdExpression(typeof spec === 'string' ? spec : spec.threshold);
        if (typeof parsed === 'string') {
          skipped.set('unparseable threshold', (skipped.get('unparseable threshold') ?? 0) + 1);
          continue;
        }
        const observed = metrics.values[metric]?.[parsed.aggregation];
        if (observed === undefined || observed === null) {
          const reason = `no ${parsed.aggregation} of ${metric} recorded (no samples)`;
          skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
          continue;
        }
        judged++;
        if (!thresholdHolds(parsed, observed)) {
          witnesses.push({ summary: `threshold ${metric} '${parsed.source}' crossed: ${parsed.aggregation} was ${Number(observed.toFixed(3))}`, records: [metrics] });
        }
      }
    }
    if (metrics.k6ExitCode === K6_THRESHOLDS_CROSSED && witnesses.length === 0) {
      witnesses.push({ summary: 'k6 itself judged a threshold crossed (exit 99), though the recorded figures hold', records: [metrics] });
    }
    if (metrics.abortedBy) witnesses.push({ summary: `the load stopped early: threshold ${metrics.abortedBy} failed (abortOnFail)`, records: [metrics] });
    const notJudged: NotJudged[] = [...skipped].map(([reason, count]) => ({ reason, count }));
    const extra = notJudged.length ? { notJudged } : {};
    if (witnesses.length > 0) return { ...base, verdict: 'fail', witnesses, judged, ...extra };
    if (judged === 0) return { ...base, ...extra, verdict: 'unknown', witnesses, judged, error: `none of the thresholds could be judged: ${notJudged.map((n) => n.reason).join('; ')}` };
    return { ...base, verdict: 'pass', witnesses, judged, ...extra };
  },
};
