import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseK6Lines, parseK6Time } from './k6-ndjson.js';
import { MetricRegistry } from './metrics.js';
import { ExactTrend } from './sinks.js';
import { attachThresholds, compileThresholds } from './threshold-set.js';
import { buildSummary, type K6SummaryData } from './summary.js';

// Recorded from real k6 v1.3.0 runs (see fixtures/arrival.js and /work/shared/fixtures/README.md).
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const lines = (name: string): string[] => gunzipSync(readFileSync(fixture(name))).toString('utf8').split('\n');

async function summarise(ndjson: string, thresholds: Parameters<typeof compileThresholds>[0], durationMs: number): Promise<K6SummaryData> {
  const registry = new MetricRegistry(() => new ExactTrend());
  const compiled = compileThresholds(thresholds);
  expect(compiled.problems).toEqual([]);
  attachThresholds(registry, compiled.set);
  const parsed = await parseK6Lines(lines(ndjson), { registry });
  return buildSummary({ registry, checks: parsed.checks, testRunDurationMs: durationMs, thresholdResults: registry.evaluate(durationMs) });
}

describe('k6 NDJSON parser', () => {
  it('reads nanosecond RFC 3339 times', () => {
    expect(parseK6Time('2026-11-24T09:17:35.513416958Z')).toBeCloseTo(Date.UTC(2026, 10, 24, 9, 17, 35) + 513.416958, 3);
  });

  it('rebuilds the exact handleSummary data of the arrival run, thresholds included', async () => {
    const expected = JSON.parse(readFileSync(fixture('handle-summary.json'), 'utf8')) as K6SummaryData;
    const summary = await summarise(
      'k6-arrival.ndjson.gz',
      {
        'http_req_duration{scenario:create_payments}': ['p(95)<250'],
        http_req_failed: ['rate<0.01'],
        dropped_iterations: ['count==0'],
        checks: ['rate>0.95'],
      },
      expected.state.testRunDurationMs,
    );
    expect(Object.keys(summary.metrics).sort()).toEqual(Object.keys(expected.metrics).sort());
    for (const [key, metric] of Object.entries(expected.metrics)) {
      const ours = summary.metrics[key]!;
      expect(ours.type, key).toBe(metric.type);
      expect(ours.contains, key).toBe(metric.contains);
      expect(Object.keys(ours.values).sort(), key).toEqual(Object.keys(metric.values).sort());
      for (const [stat, value] of Object.entries(metric.values)) expect(ours.values[stat], `${key} ${stat}`).toBeCloseTo(value, 6);
      expect(ours.thresholds, key).toEqual(metric.thresholds);
    }
    expect(summary.root_group).toEqual(expected.root_group);
    expect(summary.options).toEqual(expected.options);
    expect(summary.state).toEqual(expected.state);
  });

  it('judges the passing run as k6 did: every threshold ok', async () => {
    const summary = await summarise(
      'k6-pass.ndjson.gz',
      { http_req_duration: ['p(95)<250', { threshold: 'p(99)<500', abortOnFail: true }], dropped_iterations: ['count==0'] },
      3000,
    );
    expect(summary.metrics.http_req_duration!.thresholds).toEqual({ 'p(95)<250': { ok: true }, 'p(99)<500': { ok: true } });
    // k6's console summary for this run: http_req_failed 1.66% 2 out of 120, p(95)=4.04ms.
    expect(summary.metrics.http_req_failed!.values).toMatchObject({ passes: 2, fails: 118 });
    expect(summary.metrics.http_req_duration!.values['p(95)']).toBeCloseTo(4.04, 2);
    expect(summary.metrics.iterations!.values.count).toBe(120);
  });

  // k6's JSON output (output/json/wrapper.go) writes a sample's metadata as data.metadata, and
  // leaves the key out when the sample has none.
  it('hands each point its metadata, kept apart from its tags', async () => {
    const seen: { tags: Record<string, string>; metadata?: Record<string, string> }[] = [];
    await parseK6Lines(
      [
        '{"metric":"payharness_ops","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":1,"tags":{"op":"create","scenario":"pay"},"metadata":{"payharness_op":"{\\"op\\":\\"create\\"}"}}}',
        '{"metric":"http_reqs","type":"Point","data":{"time":"2026-01-01T00:00:00Z","value":1,"tags":{"status":"201"}}}',
      ],
      { privatePrefix: 'payharness_ops', onPoint: (p) => seen.push({ tags: { ...p.tags }, ...(p.metadata ? { metadata: { ...p.metadata } } : {}) }) },
    );
    expect(seen).toEqual([
      { tags: { op: 'create', scenario: 'pay' }, metadata: { payharness_op: '{"op":"create"}' } },
      { tags: { status: '201' } },
    ]);
  });

  it('counts lines that are not JSON instead of failing (k6 killed mid-write)', async () => {
    const parsed = await parseK6Lines(['{"type":"Point","metric":"iterations","data":{"time":"2026-01-01T00:00:00Z","value":1,"tags":{}}}', '{"type":"Po']);
    expect(parsed.badLines).toBe(1);
    expect(parsed.points).toBe(1);
  });
});
