import { afterAll, describe, expect, it } from 'vitest';
import { SandboxUsageError } from './errors.js';
import { startSandbox, type RunningSandbox } from './index.js';
import { CommitFailures } from './payments/commit-failures.js';
import { apiClient, registerEndpoint, startReceiver, type PaymentJson } from './test-support/index.js';

const START_TIMEOUT_MS = 120_000;

describe('the sandbox failure mode (--fail-rate)', () => {
  let sandbox: RunningSandbox | undefined;
  afterAll(() => sandbox?.close());

  it('fails a chosen write after its work: 500, nothing changed, no event, and its retries fail too', async () => {
    sandbox = await startSandbox({ quiet: true, timeScale: 0.01, seed: 5 });
    const receiver = await startReceiver();
    try {
      const api = apiClient(sandbox.url);
      await registerEndpoint(api, receiver.url);
      const { json: payment } = await api.createPayment({ capture: 'manual', reference: 'fail-rate' });
      await receiver.waitFor(1, START_TIMEOUT_MS);
      sandbox.setFailRate(1);
      const capture = await api.post(`/v1/payments/${payment.id}/capture`, {}, 'capture-key');
      expect(capture.status).toBe(500);
      expect(capture.text).toContain('internal_error');
      // The same key fails again: its commit keeps failing, the payment stays as it was.
      sandbox.setFailRate(0);
      expect((await api.post(`/v1/payments/${payment.id}/capture`, {}, 'capture-key')).status).toBe(500);
      expect((await api.get<PaymentJson>(`/v1/payments/${payment.id}`)).json).toMatchObject({ status: 'requires_capture', amount_captured: 0 });
      // A new key is a new request: it succeeds, and only its event is sent.
      expect((await api.post(`/v1/payments/${payment.id}/capture`, {}, 'capture-key-2')).status).toBe(200);
      const events = (await receiver.waitFor(2, START_TIMEOUT_MS)).map((d) => (JSON.parse(d.body) as { type: string }).type);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.received.map((d) => (JSON.parse(d.body) as { type: string }).type)).toEqual(events);
      expect(events).toEqual(['payment.created', 'payment.captured']);
    } finally {
      await receiver.close();
    }
  }, START_TIMEOUT_MS);

  it('draws from its seed: the same seed fails the same writes, the rate sets the share', () => {
    const run = (seed: number, rate: number): boolean[] => {
      const failures = new CommitFailures(seed, rate);
      return Array.from({ length: 400 }, (_, i) => failures.decide('m', `k${i}`));
    };
    expect(run(7, 0.25)).toEqual(run(7, 0.25));
    expect(run(7, 0.25)).not.toEqual(run(8, 0.25));
    const share = run(7, 0.25).filter(Boolean).length / 400;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.32);
    expect(run(7, 0).some(Boolean)).toBe(false);
  });

  it('refuses a rate outside 0..1 with a usage error', async () => {
    await expect(startSandbox({ quiet: true, failRate: 1.5 })).rejects.toThrow(SandboxUsageError);
  });
});
