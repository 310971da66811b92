import { afterEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../config/profile.js';
import { judge } from '../checks/index.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { HistoryRecord } from '../history/types.js';
import { runBuiltin } from './builtin-runner.js';
import { compileK6Script, execName } from './k6-script.js';
import { OP_METADATA, OPS_METRIC, rebuildK6History } from './k6-history.js';
import type { K6Point } from './k6-ndjson.js';
import { parseLoadScenario, type LoadPlan } from './load-scenario.js';
import { MetricRegistry } from './metrics.js';
import { iterationRandom, pickWeighted } from './random.js';
import { CheckTally } from './summary.js';
import { KeyedPaymentApi } from './test-support/keyed-payment-api.js';
import { buildRequest } from '../workload/request.js';
import { fileURLToPath } from 'node:url';

/**
 * Executes a generated k6 script in Node against stand-ins for k6's modules (there is no k6
 * binary here) to check what type-checking cannot: the script's flows, keys and duplicates, the
 * tags and metadata its samples carry, and that the history rebuilt from them is the one the
 * built-in engine records. The stand-ins follow k6's documented behaviour: a sample carries the
 * VU's tags plus the tags passed to it (its time series), and a copy of the VU's metadata
 * (`exec.vu.metrics.metadata`), which is not part of the series.
 */
interface Sample {
  metric: string;
  tags: Record<string, string>;
  metadata?: Record<string, string>;
}

interface StandIn {
  samples: Sample[];
  points: K6Point[];
  run(iterations: number): void;
}

/** Tags k6 itself puts on HTTP, check and custom-metric samples, and the two our counter adds. */
const LOW_CARDINALITY_TAGS = new Set(['scenario', 'group', 'name', 'method', 'status', 'url', 'expected_response', 'proto', 'check', 'op', 'intent']);

function standInK6(script: string, scenario: string, env: Record<string, string>, api: KeyedPaymentApi): StandIn {
  const samples: Sample[] = [];
  const points: K6Point[] = [];
  const exec = { scenario: { iterationInTest: 0 }, vu: { idInTest: 1, metrics: { tags: {} as Record<string, string>, metadata: {} as Record<string, string> } } };
  const emit = (metric: string, value: number, tags: Record<string, string>): void => {
    const metadata = { ...exec.vu.metrics.metadata };
    const sample: Sample = { metric, tags: { scenario, group: '', ...exec.vu.metrics.tags, ...tags }, ...(Object.keys(metadata).length ? { metadata } : {}) };
    samples.push(sample);
    points.push({ metric, timeMs: Date.now(), value, tags: sample.tags, ...(sample.metadata ? { metadata: sample.metadata } : {}) });
  };
  const send = (method: string, url: string, body: string | null, params: { headers: Record<string, string>; tags?: Record<string, string> }) => {
    const started = performance.now();
    const answer = api.handle(method, new URL(url).pathname, body, params.headers);
    const name = params.tags?.name ?? url;
    emit('http_reqs', 1, { ...params.tags, name, url: name, method, status: String(answer.status), proto: 'HTTP/1.1', expected_response: String(answer.status < 400) });
    return { status: answer.status, body: answer.body, headers: answer.headers, timings: { duration: performance.now() - started }, error: '' };
  };
  const http = {
    request: send,
    batch: (items: { method: string; url: string; body: string | null; params: { headers: Record<string, string>; tags?: Record<string, string> } }[]) =>
      items.map((i) => send(i.method, i.url, i.body, i.params)),
    expectedStatuses: (...statuses: unknown[]) => ({ statuses }),
  };
  class Counter {
    constructor(readonly name: string) {}
    add(value: number, tags: Record<string, string> = {}): void {
      emit(this.name, value, tags);
    }
  }
  const check = (res: unknown, sets: Record<string, (r: unknown) => boolean>): boolean =>
    Object.entries(sets).every(([name, f]) => {
      const ok = f(res);
      emit('checks', ok ? 1 : 0, { check: name });
      return ok;
    });
  const body = script
    .replace(/^import .*$/gm, '')
    .replace(/^export const options/m, 'const options')
    .replace(/^export function (\w+)/gm, 'exports.$1 = function $1');
  const exports: Record<string, () => void> = {};
  new Function('http', 'check', 'Counter', 'exec', '__ENV', 'exports', body)(http, check, Counter, exec, env, exports);
  return {
    samples,
    points,
    run(iterations) {
      for (let i = 0; i < iterations; i++) {
        exec.scenario.iterationInTest = i;
        exec.vu.idInTest = 1 + (i % 3);
        exports[execName(scenario)]!();
      }
    },
  };
}

const profile = loadProfile('sandbox');
const env = { PAYHARNESS_HEADER_AUTHORIZATION: 'Bearer sk_test_x' };

function plan(yaml: string): LoadPlan {
  return parseLoadScenario('exec.yaml', yaml);
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('generated k6 script, executed against stand-ins for k6', () => {
  const duplicates = plan(`name: exec
seed: 9
scenarios:
  pay:
    executor: constant-arrival-rate
    rate: 10
    duration: 3s
    preAllocatedVUs: 2
    flows: { create: 1, authorize-capture: 1 }
    duplicates: { concurrent: 0.3, retry: 0.2 }
    amount: { min: 100, max: 900 }
`);

  it('runs the same seeded flows as the built-in engine and yields a history the checks pass', () => {
    const script = compileK6Script(duplicates, profile, { target: 'http://127.0.0.1:9', seed: 9, runId: 'run1' });
    const api = new KeyedPaymentApi();
    const k6 = standInK6(script, 'pay', env, api);
    k6.run(30);
    const ops = k6.points.filter((p) => p.metric === OPS_METRIC);
    const records = ops.map((p) => JSON.parse(p.metadata![OP_METADATA]!) as Record<string, string>);
    // The built-in engine's choices for the same seed and iterations.
    const executor = duplicates.executors[0]!;
    let expectedRequests = 0;
    for (let i = 0; i < 30; i++) {
      const random = iterationRandom(9, 'pay', i);
      const flow = pickWeighted(random, executor.flows);
      const roll = random();
      const amount = 100 + Math.floor(random() * 801);
      const creates = records.filter((r) => r.logical === `pay-${i}` && r.op === 'create');
      expect(creates.length).toBe(roll < 0.5 ? 2 : 1);
      expect(creates[0]!.amount).toBe(String(amount));
      expect(creates[0]!.ikey).toBe(`run1-pay-${i}-create`);
      expectedRequests += (roll < 0.5 ? 2 : 1) + (flow === 'authorize-capture' ? 1 : 0);
    }
    expect(ops).toHaveLength(expectedRequests);
    expect(api.creates).toBe(30); // duplicates were replayed, not executed
    const recorder = new HistoryRecorder();
    const { created, unreadable } = rebuildK6History(ops, recorder);
    expect(unreadable).toBe(0);
    expect(created).toHaveLength(30);
    expect(recorder.records.some((r) => r.kind === 'invoke' && r.intent === 'concurrent-copy')).toBe(true);
    expect(recorder.records.some((r) => r.kind === 'complete' && r.headers?.['idempotent-replayed'] === 'true')).toBe(true);
    expect(JSON.stringify(recorder.records)).not.toContain('sk_test_x');
    const verdicts = judge(recorder.records, { profile }, ['exactly-once', 'idempotent-replay', 'concurrent-duplicates-once']);
    expect(verdicts.map((v) => v.verdict)).toEqual(['pass', 'pass', 'pass']);
  });

  it('keeps per-request values out of tags: a few time series whatever the number of requests', () => {
    const script = compileK6Script(duplicates, profile, { target: 'http://127.0.0.1:9', seed: 9, runId: 'run1' });
    const k6 = standInK6(script, 'pay', env, new KeyedPaymentApi());
    k6.run(60);
    const ops = k6.samples.filter((s) => s.metric === OPS_METRIC);
    expect(ops.length).toBeGreaterThan(90);
    // Every tag key is one of k6's low-cardinality ones (no t0, ms, req, res, rid, ikey, logical…).
    const keys = new Set(k6.samples.flatMap((s) => Object.keys(s.tags)));
    expect([...keys].filter((k) => !LOW_CARDINALITY_TAGS.has(k))).toEqual([]);
    // A time series is a metric plus its tag set: their number does not grow with the requests.
    const series = new Set(k6.samples.map((s) => `${s.metric}${JSON.stringify(Object.entries(s.tags).sort())}`));
    expect(series.size).toBeLessThan(20);
    // No tag value is a per-request value (start time, key, reference, id).
    const perRequest = new Set(
      ops.flatMap((s) => {
        const r = JSON.parse(s.metadata![OP_METADATA]!) as Record<string, unknown>;
        return [r.t0, r.ikey, r.logical, r.ref, r.rid].filter((v) => v !== undefined).map(String);
      }),
    );
    expect(perRequest.size).toBeGreaterThan(200);
    expect(k6.samples.flatMap((s) => Object.values(s.tags)).filter((v) => perRequest.has(v))).toEqual([]);
    // The record rides only on the payharness_ops point: HTTP and check samples carry no metadata.
    expect(k6.samples.filter((s) => s.metadata !== undefined).every((s) => s.metric === OPS_METRIC)).toBe(true);
    expect(ops.every((s) => s.metadata?.[OP_METADATA] !== undefined)).toBe(true);
  });

  // Concurrent copies are left out: which of two simultaneous requests the API serves first is
  // the network's choice, not the seed's, so the stored and the replayed answer may swap.
  it('rebuilds the history the built-in engine records for the same seed', { timeout: 30_000 }, async () => {
    const same = plan(`name: same
seed: 4
scenarios:
  pay:
    executor: constant-arrival-rate
    rate: 20
    duration: 1s
    preAllocatedVUs: 4
    maxVUs: 40
    flows: { create: 1, authorize-capture: 1, create-refund: 1, create-get: 1 }
    duplicates: { retry: 0.3 }
    amount: { min: 100, max: 900 }
`);
    const builtinApi = new KeyedPaymentApi();
    const served = await builtinApi.serve();
    closers.push(served.close);
    const builtin = new HistoryRecorder();
    await runBuiltin({
      plan: same,
      profile,
      origin: served.url,
      recorder: builtin,
      metrics: new MetricRegistry(),
      checks: new CheckTally(),
      seed: 4,
      runId: 'same',
      signal: new AbortController().signal,
      progress: false,
    });
    // Iterations are numbered as they start (a dropped one takes no number), so the built-in run
    // covers iterations 0..n−1; the script runs the same ones.
    const iterations = new Set(builtin.records.flatMap((r) => (r.kind === 'invoke' ? [r.logicalId] : []))).size;
    expect(iterations).toBeGreaterThan(5);

    const script = compileK6Script(same, profile, { target: served.url, seed: 4, runId: 'same' });
    const k6 = standInK6(script, 'pay', env, new KeyedPaymentApi());
    k6.run(iterations);
    const rebuilt = new HistoryRecorder();
    rebuildK6History(k6.points.filter((p) => p.metric === OPS_METRIC), rebuilt);

    const fromBuiltin = comparable(builtin.records);
    const fromK6 = comparable(rebuilt.records);
    expect(fromK6.size).toBeGreaterThan(iterations); // follow-up steps and retries, not just creates
    expect([...fromK6.keys()].sort()).toEqual([...fromBuiltin.keys()].sort());
    for (const [key, record] of fromBuiltin) expect(fromK6.get(key), key).toEqual(record);
  });
});

describe('generated k6 script on an API with decimal amounts and value maps', () => {
  it('writes every placeholder as the built-in client does (amount formats, value maps, currency in every operation)', () => {
    process.env.DECIMAL_API_KEY = 'decimal-key';
    const decimal = loadProfile(fileURLToPath(new URL('../../examples/profiles/decimal-api.yaml', import.meta.url)));
    const flows = plan(`name: decimal
seed: 5
scenarios:
  pay:
    executor: constant-arrival-rate
    rate: 10
    duration: 1s
    preAllocatedVUs: 2
    flows: { create: 1, authorize-capture: 1, create-refund: 1 }
    amount: { min: 1, max: 99999 }
`);
    const script = compileK6Script(flows, decimal, { target: 'http://127.0.0.1:9', seed: 5, runId: 'dec' });
    // A stand-in of the decimal API's answers: every write succeeds with a payment of its own.
    const sent: { method: string; path: string; body: string | null; headers: Record<string, string> }[] = [];
    const api = {
      handle(method: string, path: string, body: string | null, headers: Record<string, string>) {
        sent.push({ method, path, body, headers });
        return { status: 201, body: JSON.stringify({ payment_id: `pay${sent.length}`, state: 'authorized' }), headers: {} };
      },
    } as unknown as KeyedPaymentApi;
    standInK6(script, 'pay', { DECIMAL_API_KEY: 'decimal-key' }, api).run(20);
    const creates = sent.filter((s) => s.path === '/v2/payments');
    expect(creates).toHaveLength(20);
    for (const create of creates) {
      const body = JSON.parse(create.body!) as Record<string, unknown>;
      const key = create.headers['X-Request-Id']!;
      const manual = sent.some((s) => s.path.endsWith('/capture') && s.headers['X-Request-Id'] === key.replace(/-create$/, '-capture'));
      const amount = Number(String((body.amount as { value: string }).value).replace('.', ''));
      const builtin = buildRequest(decimal, 'create', { amount, reference: String(body.merchant_reference), captureMode: manual ? 'manual' : 'automatic', idempotencyKey: key });
      expect(body).toEqual(builtin.fields);
    }
    // Captures and refunds: decimal strings with the currency's two digits, never the minor-unit integer.
    const follow = sent.filter((s) => /\/(capture|refunds)$/.test(s.path));
    expect(follow.length).toBeGreaterThan(3);
    for (const s of follow) expect(JSON.parse(s.body!)).toEqual({ amount: expect.stringMatching(/^\d+\.\d{2}$/) });
    expect(creates.some((c) => c.body!.includes('"auto_capture":false'))).toBe(true);
    expect(creates.every((c) => c.body!.includes('"currency":"eur"'))).toBe(true);
  });

  it('refuses a profile that maps a placeholder the script cannot apply per request', () => {
    const profile = loadProfile('sandbox');
    profile.placeholders = { reference: { case: 'upper' } };
    expect(() => compileK6Script(duplicatesPlan(), profile, { target: 'http://127.0.0.1:9', seed: 1 })).toThrow(/maps placeholder reference, which a k6 script cannot apply/);
  });
});

const duplicatesPlan = (): LoadPlan => plan(`name: p
scenarios:
  pay: { executor: constant-vus, vus: 1, duration: 1s }
`);

/**
 * Each request's invoke and completion, keyed by logical payment, operation and attempt, without
 * what differs between two runs by nature: times, latencies, op ids and VU numbers.
 */
function comparable(records: readonly HistoryRecord[]): Map<string, unknown> {
  const invokes = new Map<number, Record<string, unknown>>();
  const out = new Map<string, unknown>();
  for (const r of records) {
    if (r.kind === 'invoke') {
      const { time: _t, opId: _o, process: _p, ...rest } = r;
      invokes.set(r.opId, rest);
    } else if (r.kind === 'complete') {
      const invoke = invokes.get(r.opId)!;
      const { time: _t, opId: _o, latencyMs: _l, ...rest } = r;
      out.set(`${String(invoke.logicalId)}/${String(invoke.op)}/${String(invoke.attempt)}`, { invoke, complete: rest });
    }
  }
  return out;
}
