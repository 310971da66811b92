import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { RunningSandbox } from './index.js';
import { apiClient, dropTestSchemas, registerEndpoint, start, startReceiver, STORAGES, type Receiver, type ReceivedWebhook } from './test-support/index.js';

afterAll(dropTestSchemas);

const TIME_SCALE = 0.05;

/**
 * The schedule the sandbox promises, written out here rather than read from its code or the
 * harness's profile: 1, 2, 4, 8, 16 s between the 6 attempts, ±10 %, times the time scale.
 */
const PROMISED_GAPS_MS = [1_000, 2_000, 4_000, 8_000, 16_000];
const JITTER = 0.1;
const MAX_ATTEMPTS = 6;
/** Real milliseconds at every time scale. */
const ATTEMPT_TIMEOUT_MS = 2_000;
/**
 * Timers only fire late, never early: a gap can exceed its window by however long a loaded machine
 * keeps the dispatcher waiting, so lateness gets room no scheduler hiccup crosses; earliness none.
 */
const LATE_ROOM_MS = 3_000;
/** Starting PGlite compiles its WASM: on a loaded 2-core machine that alone has taken over 30 s. */
const START_TIMEOUT_MS = 120_000;

/** Gap between attempt n and n+1 is the promised delay − jitter at least, and not absurdly late. */
function expectOnSchedule(deliveries: ReceivedWebhook[]): void {
  for (let n = 1; n < deliveries.length; n++) {
    const gap = (deliveries[n] as ReceivedWebhook).at - (deliveries[n - 1] as ReceivedWebhook).at;
    const base = PROMISED_GAPS_MS[n - 1]! * TIME_SCALE;
    expect(gap, `gap before attempt ${n + 1}`).toBeGreaterThanOrEqual(base * (1 - JITTER) - 2);
    expect(gap, `gap before attempt ${n + 1}`).toBeLessThanOrEqual(base * (1 + JITTER) + LATE_ROOM_MS);
  }
}

for (const storage of STORAGES) {
  describe.skipIf(!storage.available)(`webhooks on ${storage.name}`, () => {
    let sandbox: RunningSandbox;
    let receiver: Receiver | undefined;
    beforeAll(async () => {
      sandbox = await start(storage, { timeScale: TIME_SCALE });
    }, START_TIMEOUT_MS);
    afterAll(() => sandbox?.close());
    afterEach(() => receiver?.close());

    it('publishes the retry policy it follows', async () => {
      const policy = await apiClient(sandbox.url).get('/v1/webhook_policy');
      expect(policy.json).toEqual({
        initial_interval_ms: 1_000,
        multiplier: 2,
        max_interval_ms: 60_000,
        jitter: 0.1,
        max_attempts: 6,
        honours_retry_after: true,
        stop_on: [410],
        time_scale: TIME_SCALE,
        attempt_timeout_ms: ATTEMPT_TIMEOUT_MS,
      });
    });

    it('delivers one signed event per state change; signatures verify with the library', async () => {
      receiver = await startReceiver();
      const api = apiClient(sandbox.url);
      const secret = await registerEndpoint(api, receiver.url);
      expect(secret).toMatch(/^whsec_/);
      const { json: payment } = await api.createPayment({ capture: 'manual', amount: 900 });
      await api.post(`/v1/payments/${payment.id}/capture`, {});
      await api.post(`/v1/payments/${payment.id}/refunds`, { amount: 100 });
      const { json: other } = await api.createPayment({ capture: 'manual' });
      await api.post(`/v1/payments/${other.id}/cancel`);
      const deliveries = await receiver.waitFor(5);
      const events = deliveries.map((d) => new Webhook(secret).verify(d.body, d.headers) as { id: string; type: string; created_at: string; data: { object: { id: string; status: string } } });
      expect(events.map((e) => e.type).sort()).toEqual(['payment.canceled', 'payment.captured', 'payment.created', 'payment.created', 'payment.refunded']);
      for (const [i, event] of events.entries()) {
        expect(event.id).toMatch(/^evt_/);
        expect(deliveries[i]?.headers['webhook-id']).toBe(event.id);
        expect(Math.abs(Number(deliveries[i]?.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
      }
      const refunded = events.find((e) => e.type === 'payment.refunded');
      expect(refunded?.data.object).toMatchObject({ id: payment.id, status: 'partially_refunded' });
      expect(() => new Webhook(`whsec_${Buffer.from('someone else').toString('base64')}`).verify(deliveries[0]!.body, deliveries[0]!.headers)).toThrow();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.received).toHaveLength(5);
    });

    it('retries a 500 on schedule with the same event id until it lands', async () => {
      receiver = await startReceiver((n) => ({ status: n <= 3 ? 500 : 204 }));
      const api = apiClient(sandbox.url);
      const secret = await registerEndpoint(api, receiver.url);
      await api.createPayment();
      const deliveries = await receiver.waitFor(4);
      expect(new Set(deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
      expect(new Set(deliveries.map((d) => (new Webhook(secret).verify(d.body, d.headers) as { id: string }).id)).size).toBe(1);
      expectOnSchedule(deliveries);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(4);
    });

    it('gives up after max_attempts', async () => {
      receiver = await startReceiver(() => ({ status: 500 }));
      const api = apiClient(sandbox.url);
      await registerEndpoint(api, receiver.url);
      await api.createPayment();
      const deliveries = await receiver.waitFor(MAX_ATTEMPTS);
      expectOnSchedule(deliveries);
      // A 7th attempt would come one more backoff step (32 s scaled) later: wait past it.
      await new Promise((resolve) => setTimeout(resolve, 32_000 * TIME_SCALE * (1 + JITTER) + 200));
      expect(receiver.received).toHaveLength(MAX_ATTEMPTS);
    });

    it('stops on 410 Gone', async () => {
      receiver = await startReceiver(() => ({ status: 410 }));
      const api = apiClient(sandbox.url);
      await registerEndpoint(api, receiver.url);
      await api.createPayment();
      await receiver.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(receiver.received).toHaveLength(1);
    });

    it('treats a receiver that never answers as a failure and retries after the attempt timeout', async () => {
      receiver = await startReceiver((n) => ({ status: n === 1 ? 0 : 200 }));
      const api = apiClient(sandbox.url);
      await registerEndpoint(api, receiver.url);
      await api.createPayment();
      const [hung, retried] = await receiver.waitFor(2);
      expect(retried!.headers['webhook-id']).toBe(hung!.headers['webhook-id']);
      // The 2 s timeout, then the first backoff step. The hung attempt's arrival may be stamped late on
      // a loaded machine, shortening the measured gap by that much, so the bound is well below 2 s yet
      // far above what a retry that skipped the timeout (the first backoff step, 50 ms) would show.
      expect(retried!.at - hung!.at).toBeGreaterThanOrEqual(ATTEMPT_TIMEOUT_MS * 0.75);
    });

    it('honours Retry-After', async () => {
      receiver = await startReceiver((n) => (n === 1 ? { status: 503, headers: { 'retry-after': '10' } } : { status: 200 }));
      const api = apiClient(sandbox.url);
      await registerEndpoint(api, receiver.url);
      await api.createPayment();
      const [first, second] = await receiver.waitFor(2);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(10_000 * TIME_SCALE - 2);
    });

    it('sends only the event types an endpoint asked for', async () => {
      receiver = await startReceiver();
      const api = apiClient(sandbox.url);
      await registerEndpoint(api, receiver.url, ['payment.refunded']);
      const { json: payment } = await api.createPayment();
      await api.post(`/v1/payments/${payment.id}/refunds`, { amount: 10 });
      const [only] = await receiver.waitFor(1);
      expect(JSON.parse(only!.body)).toMatchObject({ type: 'payment.refunded' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.received).toHaveLength(1);
    });
  });
}
