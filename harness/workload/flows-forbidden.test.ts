import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startDecimalApi, type DecimalApi } from '../../test/fixtures/decimal-api/server.js';
import { loadProfile } from '../config/profile.js';
import type { ApiProfile } from '../config/profile-types.js';
import type { OperationComplete, OperationInvoke } from '../history/types.js';
import { HistoryRecorder } from '../history/recorder.js';
import { PaymentClient } from './client.js';
import { runFlow } from './flows.js';
import type { FlowPlan } from './plan.js';

const PROFILE = fileURLToPath(new URL('../../examples/profiles/decimal-api.yaml', import.meta.url));
const noDuplicates = Array.from({ length: 6 }, () => ({ concurrentCopies: 0, payloadChange: false }));

/** Runs one planned flow against the decimal API with `profile`; returns each request's op and answer status in send order. */
async function walk(api: DecimalApi, profile: ApiProfile, plan: Partial<FlowPlan>): Promise<string[]> {
  const recorder = new HistoryRecorder();
  const client = new PaymentClient({ baseUrl: api.url, profile, recorder, timeoutMs: 10_000 });
  try {
    await runFlow({
      client, retry: { attempts: 1, backoffMs: 0, multiplier: 1, on: [] }, runId: `t${Math.random().toString(36).slice(2)}`, currency: 'EUR', process: 0,
      touched: () => undefined,
    }, { id: '0-0', flow: 'forbidden-transitions', amount: 1000, refunds: [], duplicates: noDuplicates, ...plan });
  } finally {
    await client.close();
  }
  const answers = new Map(recorder.records.filter((r): r is OperationComplete => r.kind === 'complete').map((r) => [r.opId, r.status]));
  return recorder.records.filter((r): r is OperationInvoke => r.kind === 'invoke').map((r) => `${r.op} ${answers.get(r.opId)}`);
}

describe('forbidden-transitions walks, on an API that is not the sandbox', () => {
  let api: DecimalApi;
  beforeAll(async () => {
    process.env.DECIMAL_API_KEY = 'decimal-key';
    api = await startDecimalApi({ processingMs: 0 });
  });
  afterAll(() => api.close());

  it('the capture walk tries a refund before capture, a cancel and a second capture after it, then refunds in part', async () => {
    expect(await walk(api, loadProfile(PROFILE), { walk: 'capture-walk' })).toEqual([
      'create 201', 'refund 409', 'capture 200', 'cancel 409', 'capture 409', 'refund 201', 'get 200',
    ]);
  });

  it('the cancel walk tries a capture and a refund of the voided payment', async () => {
    expect(await walk(api, loadProfile(PROFILE), { walk: 'cancel-walk' })).toEqual(['create 201', 'cancel 200', 'capture 409', 'refund 409', 'get 200']);
  });

  it('does not try a second capture where the lifecycle lets a capture follow a capture', async () => {
    const profile = loadProfile(PROFILE);
    profile.lifecycle.transitions.captured = ['captured', ...profile.lifecycle.transitions.captured!];
    expect(await walk(api, profile, { walk: 'capture-walk' })).toEqual(['create 201', 'refund 409', 'capture 200', 'cancel 409', 'refund 201', 'get 200']);
  });
});
