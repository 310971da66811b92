import { describe, expect, it } from 'vitest';
import { loadProfile } from '../config/profile.js';
import { judge } from '../checks/index.js';
import { HistoryRecorder } from '../history/recorder.js';
import { compileK6Script, execName } from './k6-script.js';
import { appendK6History, OPS_METRIC } from './k6-history.js';
import type { K6Point } from './k6-ndjson.js';
import { parseLoadScenario } from './load-scenario.js';
import { iterationRandom, pickWeighted } from './random.js';

/**
 * Executes a generated k6 script in Node against stand-ins for k6's modules and an in-memory
 * payment API, to check what type-checking cannot: the script's flows, keys and duplicates, and
 * that its `payharness_ops` points rebuild a history the checks can judge.
 */
interface FakeResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
  timings: { duration: number };
  error: string;
}

function fakePaymentApi(): { handle(method: string, url: string, body: string | null, headers: Record<string, string>): FakeResponse; creates: number; unauthorised: number } {
  const byKey = new Map<string, FakeResponse>();
  const payments = new Map<string, { amount: number; status: string }>();
  const api = {
    creates: 0,
    unauthorised: 0,
    handle(method: string, url: string, body: string | null, headers: Record<string, string>): FakeResponse {
      if (headers.Authorization !== 'Bearer sk_test_x') api.unauthorised++;
      const key = headers['Idempotency-Key'];
      const path = new URL(url).pathname;
      if (key && byKey.has(key)) return { ...byKey.get(key)!, headers: { 'Idempotent-Replayed': 'true' } };
      let response: FakeResponse;
      const fields = body ? (JSON.parse(body) as { amount: number; capture?: string }) : undefined;
      if (method === 'POST' && path === '/v1/payments') {
        api.creates++;
        const id = `pay_${api.creates}`;
        const payment = { amount: fields!.amount, status: fields!.capture === 'manual' ? 'requires_capture' : 'succeeded' };
        payments.set(id, payment);
        response = { status: 201, body: JSON.stringify({ id, ...payment }), headers: {}, timings: { duration: 3 }, error: '' };
      } else {
        const id = path.split('/')[3]!;
        const payment = payments.get(id)!;
        if (path.endsWith('/capture')) payment.status = 'succeeded';
        response = { status: 200, body: JSON.stringify({ id, ...payment }), headers: {}, timings: { duration: 2 }, error: '' };
      }
      if (key) byKey.set(key, response);
      return response;
    },
  };
  return api;
}

function loadScript(script: string, env: Record<string, string>, api: ReturnType<typeof fakePaymentApi>, points: K6Point[], exec: { scenario: { iterationInTest: number }; vu: { idInTest: number } }): Record<string, unknown> {
  const body = script
    .replace(/^import .*$/gm, '')
    .replace(/^export const options/m, 'const options')
    .replace(/^export function (\w+)/gm, 'exports.$1 = function $1');
  const http = {
    request: (method: string, url: string, reqBody: string | null, params: { headers: Record<string, string> }) => api.handle(method, url, reqBody, params.headers),
    batch: (items: { method: string; url: string; body: string | null; params: { headers: Record<string, string> } }[]) => items.map((i) => api.handle(i.method, i.url, i.body, i.params.headers)),
    expectedStatuses: (...statuses: unknown[]) => ({ statuses }),
  };
  class Counter {
    constructor(readonly name: string) {}
    add(value: number, tags: Record<string, string>): void {
      points.push({ metric: this.name, timeMs: Date.now(), value, tags: { ...tags, scenario: 'pay', group: '' } });
    }
  }
  const checks: boolean[] = [];
  const check = (res: unknown, sets: Record<string, (r: unknown) => boolean>) => Object.values(sets).every((f) => (checks.push(f(res)), checks.at(-1)));
  const exports: Record<string, unknown> = {};
  new Function('http', 'check', 'Counter', 'exec', '__ENV', 'exports', `${body}\nexports.options = options;`)(http, check, Counter, exec, env, exports);
  return exports;
}

describe('generated k6 script, executed against stand-ins for k6', () => {
  it('runs the same seeded flows as the built-in engine and yields a history the checks pass', () => {
    const plan = parseLoadScenario(
      'exec.yaml',
      `name: exec
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
`,
    );
    const profile = loadProfile('sandbox');
    const script = compileK6Script(plan, profile, { target: 'http://127.0.0.1:9', seed: 9, runId: 'run1' });
    const api = fakePaymentApi();
    const points: K6Point[] = [];
    const exec = { scenario: { iterationInTest: 0 }, vu: { idInTest: 1 } };
    const exports = loadScript(script, { PAYHARNESS_HEADER_AUTHORIZATION: 'Bearer sk_test_x' }, api, points, exec);
    for (let i = 0; i < 30; i++) {
      exec.scenario.iterationInTest = i;
      (exports[execName('pay')] as () => void)();
    }
    const ops = points.filter((p) => p.metric === OPS_METRIC);
    // The built-in engine's choices for the same seed and iterations.
    const executor = plan.executors[0]!;
    let expectedRequests = 0;
    for (let i = 0; i < 30; i++) {
      const random = iterationRandom(9, 'pay', i);
      const flow = pickWeighted(random, executor.flows);
      const roll = random();
      const amount = 100 + Math.floor(random() * 801);
      const creates = ops.filter((p) => p.tags.logical === `pay-${i}` && p.tags.op === 'create');
      expect(creates.length).toBe(roll < 0.5 ? 2 : 1);
      expect(creates[0]!.tags.amount).toBe(String(amount));
      expect(creates[0]!.tags.ikey).toBe(`run1-pay-${i}-create`);
      expectedRequests += (roll < 0.5 ? 2 : 1) + (flow === 'authorize-capture' ? 1 : 0);
    }
    expect(ops).toHaveLength(expectedRequests);
    expect(api.creates).toBe(30); // duplicates were replayed, not executed
    expect(api.unauthorised).toBe(0); // the secret header came from the environment
    const recorder = new HistoryRecorder();
    const created = appendK6History(ops, recorder);
    expect(created).toHaveLength(30);
    const invokes = recorder.records.filter((r) => r.kind === 'invoke');
    expect(invokes.some((r) => r.kind === 'invoke' && r.intent === 'concurrent-copy')).toBe(true);
    expect(JSON.stringify(recorder.records)).not.toContain('sk_test_x');
    const verdicts = judge(recorder.records, { profile }, ['exactly-once', 'idempotent-replay', 'concurrent-duplicates-once']);
    expect(verdicts.map((v) => v.verdict)).toEqual(['pass', 'pass', 'pass']);
  });
});
