import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HistoryRecorder, readHistory } from './recorder.js';
import { historyFileIn } from './history-file.js';
import { SANDBOX_PROFILE } from '../config/sandbox-profile.js';
import type { OperationComplete, OperationInvoke } from './types.js';
import { responsesMatchSchema } from '../checks/responses-match-schema.js';
import { runLoad } from '../load/run-load.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'ph-size-'));
const payment = { id: 'pay_1', status: 'succeeded', amount: 500, amount_captured: 500, amount_refunded: 0, currency: 'EUR', reference: 'r1', created_at: '2026-01-01T00:00:00Z', metadata: { note: 'x'.repeat(200) } };

function flow(recorder: HistoryRecorder, opId: number, keepBody: boolean): void {
  recorder.append({ kind: 'invoke', time: 1.123456789, opId, process: 1, op: 'create', logicalId: `l${opId}`, attempt: 1, idempotencyKey: `k${opId}`, method: 'POST', path: '/v1/payments', body: { amount: 500, currency: 'EUR' }, amount: 500 }, { keepBody });
  recorder.append({ kind: 'complete', time: 2.987654321, opId, outcome: 'ok', status: 201, body: payment, resourceId: 'pay_1', latencyMs: 1.8641975 });
}

describe('a small history', () => {
  it('evidence mode keeps the fields checks read, whole bodies where asked and for errors, and µs times', () => {
    const recorder = new HistoryRecorder({ bodies: 'evidence', profile: SANDBOX_PROFILE });
    flow(recorder, 1, false);
    flow(recorder, 2, true);
    recorder.append({ kind: 'invoke', time: 3, opId: 3, process: 1, op: 'refund', logicalId: 'l3', attempt: 1, resourceId: 'pay_1', method: 'POST', path: '/v1/payments/pay_1/refunds', body: { amount: 100 } });
    recorder.append({ kind: 'complete', time: 4, opId: 3, outcome: 'ok', status: 201, body: { id: 're_1', amount: 100, payment: { ...payment, amount_refunded: 100 } } });
    recorder.append({ kind: 'invoke', time: 5, opId: 4, process: 1, op: 'capture', logicalId: 'l4', attempt: 1, method: 'POST', path: '/v1/payments/pay_1/capture' });
    recorder.append({ kind: 'complete', time: 6, opId: 4, outcome: 'fail', status: 409, body: { code: 'invalid_state', detail: 'already captured' } });
    const [i1, c1, i2, c2, , c3, , c4] = recorder.records as [OperationInvoke, OperationComplete, OperationInvoke, OperationComplete, OperationInvoke, OperationComplete, OperationInvoke, OperationComplete];
    expect(i1.body).toBeUndefined();
    expect(i1.time).toBe(1.123);
    expect(c1.body).toEqual({ id: 'pay_1', status: 'succeeded', amount: 500, amount_captured: 500, amount_refunded: 0, currency: 'EUR', reference: 'r1' });
    expect(c1.latencyMs).toBe(1.864);
    expect(i2.body).toEqual({ amount: 500, currency: 'EUR' });
    expect(c2.body).toEqual(payment);
    expect(c3.body).toEqual({ id: 're_1', payment: { id: 'pay_1', status: 'succeeded', amount: 500, amount_captured: 500, amount_refunded: 100, currency: 'EUR', reference: 'r1' } });
    expect(c4.body).toEqual({ code: 'invalid_state', detail: 'already captured' });
    // Projected answers say so; whole ones do not.
    expect([c1.bodyKept, c2.bodyKept, c3.bodyKept, c4.bodyKept]).toEqual(['fields', undefined, 'fields', undefined]);
    // A check of whole bodies does not judge the projected ones: their other fields are not missing, just not kept.
    const v = responsesMatchSchema.run(recorder.records, { profile: SANDBOX_PROFILE, options: {} });
    expect(v).toMatchObject({ judged: 2, notJudged: [{ reason: expect.stringContaining('evidence bodies'), count: 2 }] });
    const onlyProjected = recorder.records.slice(0, 2);
    expect(responsesMatchSchema.run(onlyProjected, { profile: SANDBOX_PROFILE, options: {} })).toMatchObject({ verdict: 'unknown', error: expect.stringContaining('no whole answer body') });
  });

  it('a load run whose scenario lists a check of whole answers keeps them whole, and that check passes a correct API', async () => {
    const d = dir();
    const scenario = join(d, 'schema.yaml');
    writeFileSync(scenario, `name: schema-load
seed: 4
scenarios:
  s: { executor: constant-arrival-rate, rate: 20, duration: 2s, preAllocatedVUs: 5, maxVUs: 20, flows: { create: 1, create-refund: 1 } }
checks: [responses-match-schema, exactly-once]
`);
    const r = await runLoad({ scenarioFile: scenario, outDir: join(d, 'run') });
    expect(r.verdicts.find((v) => v.name === 'responses-match-schema')).toMatchObject({ verdict: 'pass' });
    expect(r.verdicts.find((v) => v.name === 'responses-match-schema')?.judged).toBeGreaterThan(20);
    expect(r.history.filter((h) => h.kind === 'complete' && h.bodyKept !== undefined)).toHaveLength(0);
  }, 120_000);

  it('writes gzip that readHistory reads transparently, and a run cut short mid-stream', async () => {
    const d = dir();
    const file = join(d, 'history.jsonl.gz');
    const recorder = new HistoryRecorder({ file, gzip: true, retain: false, bodies: 'evidence', profile: SANDBOX_PROFILE });
    for (let i = 1; i <= 500; i++) flow(recorder, i, false);
    await recorder.close();
    expect(recorder.records).toHaveLength(0);
    expect(recorder.count).toBe(1000);
    expect(historyFileIn(d)).toBe(file);
    const back = await readHistory(file);
    expect(back).toHaveLength(1000);
    expect(back[1]).toMatchObject({ kind: 'complete', opId: 1, body: { id: 'pay_1' } });
    // Compressed, a flow of two records costs a few bytes.
    expect(statSync(file).size / 500).toBeLessThan(60);
    const cut = join(d, 'cut.jsonl.gz');
    const whole = readFileSync(file);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const partial = await readHistory(cut);
    expect(partial.length).toBeGreaterThan(100);
    expect(partial.length).toBeLessThan(1000);
    const plain = join(d, 'plain.jsonl');
    writeFileSync(plain, gzipSync('{"kind":"note","time":1,"target":"default","message":"gz under any name"}\n'));
    expect(await readHistory(plain)).toMatchObject([{ message: 'gz under any name' }]);
  });
});
