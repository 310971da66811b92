import { describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../history/types.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import { thresholdsMet } from './thresholds-met.js';

const metrics = (values: Record<string, Record<string, number | null>>, extra: Partial<{ k6ExitCode: number; abortedBy: string }> = {}): HistoryRecord =>
  ({ kind: 'metrics', time: 5000, target: 'default', durationMs: 5000, values, ...extra });
const judge = (history: HistoryRecord[], thresholds?: Record<string, unknown>) =>
  thresholdsMet.run(history, { profile: SANDBOX_PROFILE, ...(thresholds ? { options: { thresholds } } : {}) });

describe('thresholds-met', () => {
  it('passes thresholds that hold on the recorded figures, counting what it judged', () => {
    const verdict = judge([metrics({ http_req_duration: { 'p(95)': 120 }, http_req_failed: { rate: 0 } })], {
      http_req_duration: ['p(95)<250'], http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true }],
    });
    expect(verdict).toMatchObject({ verdict: 'pass', judged: 2, unit: 'thresholds', witnesses: [] });
  });

  it('fails a crossed threshold with the observed figure as witness', () => {
    const verdict = judge([metrics({ http_req_duration: { 'p(95)': 420.5 } })], { http_req_duration: 'p(95)<250' });
    expect(verdict.verdict).toBe('fail');
    expect(verdict.witnesses[0]!.summary).toBe("threshold http_req_duration 'p(95)<250' crossed: p(95) was 420.5");
  });

  it('fails when k6 itself judged a threshold crossed (exit 99) or abortOnFail stopped the load', () => {
    expect(judge([metrics({ http_reqs: { count: 10 } }, { k6ExitCode: 99 })], { http_reqs: 'count>5' }).verdict).toBe('fail');
    expect(judge([metrics({ http_reqs: { count: 10 } }, { abortedBy: "http_reqs 'count>5'" })], { http_reqs: 'count>5' }).verdict).toBe('fail');
  });

  it('is unknown, saying why, with no thresholds, no metrics record, or no samples', () => {
    expect(judge([metrics({})])).toMatchObject({ verdict: 'unknown', judged: 0 });
    expect(judge([], { http_reqs: 'count>5' }).error).toMatch(/no metrics record/);
    const noSamples = judge([metrics({ http_req_duration: { 'p(95)': null } })], { http_req_duration: 'p(95)<250' });
    expect(noSamples).toMatchObject({ verdict: 'unknown', judged: 0, notJudged: [{ reason: 'no p(95) of http_req_duration recorded (no samples)', count: 1 }] });
  });
});
