import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import type { BugSwitches } from '../bugs.js';
import type { Database } from '../db/database.js';
import { toNumber } from '../db/database.js';
import { newId } from '../ids.js';
import { ATTEMPT_TIMEOUT_MS, maxAttempts, parseRetryAfter, retryDelayMs } from './policy.js';
import { jitterDraw } from './jitter.js';

export interface DispatcherOptions {
  timeScale: number;
  bugs: BugSwitches;
  /** Seeds the retry jitter: the same seed gives each delivery attempt the same delay. */
  seed: number;
  log?: (line: string) => void;
  /** Rewrites each payload before it is signed and sent (the legacy flavour's event shape). */
  renderPayload?: (payload: string) => string;
}

/** The longest the dispatcher sleeps without looking at the outbox (other sandboxes may share it). */
const IDLE_POLL_MS = 500;
/** Deliveries claimed per pass. */
const BATCH = 20;

interface DueDelivery {
  id: string;
  event_id: string;
  endpoint_id: string;
  attempts: unknown;
}

/**
 * Delivers the outbox. A due delivery is claimed by pushing its next_attempt_at forward by a lease
 * (row-locked, SKIP LOCKED), so a crashed sandbox's half-done attempt is simply due again later and
 * pending deliveries survive restarts: at-least-once, with the same event id every time.
 */
export class WebhookDispatcher {
  private stopped = false;
  private kicked = false;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly attempts = new Set<Promise<void>>();
  /**
   * Deliveries with an attempt running in this process. A starved process can outlive an attempt's
   * lease; re-claiming the delivery then would send a second attempt alongside the first.
   */
  private readonly inFlight = new Set<string>();
  private readonly abort = new AbortController();
  private readonly agent = new Agent({ keepAliveTimeout: 1_000, connections: 32 });
  /** The stale-signature bug's memory: when each delivery was first signed (in memory: the bug, not a feature). */
  private readonly firstSigned = new Map<string, Date>();

  constructor(private readonly db: Database, private readonly options: DispatcherOptions) {}

  start(): void {
    this.loopDone = this.loop();
  }

  /** Called after a state change commits: look at the outbox now rather than at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Stops claiming, aborts attempts in progress (they stay pending and are retried after a restart). */
  async close(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.kick();
    await this.loopDone;
    await Promise.allSettled([...this.attempts]);
    await this.agent.close().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let waitMs = IDLE_POLL_MS;
      try {
        const leaseMs = ATTEMPT_TIMEOUT_MS + 1_000;
        for (const due of await this.claimDue(Date.now(), leaseMs)) {
          this.inFlight.add(due.id);
          const attempt = this.attempt(due).catch((error: unknown) => this.options.log?.(`webhook delivery ${due.id} failed internally: ${String(error)}`));
          this.attempts.add(attempt);
          void attempt.finally(() => {
            this.attempts.delete(attempt);
            this.inFlight.delete(due.id);
            this.kick();
          });
        }
        const [next] = await this.db.query<{ at: unknown }>("SELECT min(next_attempt_at_ms) AS at FROM deliveries WHERE state = 'pending'");
        if (next?.at !== null && next?.at !== undefined) waitMs = Math.min(Math.max(toNumber(next.at) - Date.now(), 0), IDLE_POLL_MS);
      } catch (error) {
        if (this.stopped) break;
        this.options.log?.(`webhook dispatcher: ${String(error)}`);
      }
      if (this.kicked || waitMs === 0) {
        this.kicked = false;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      this.kicked = false;
    }
  }

  private claimDue(now: number, leaseMs: number): Promise<DueDelivery[]> {
    return this.db.query<DueDelivery>(
      `UPDATE deliveries SET next_attempt_at_ms = $2, updated_at_ms = $1
       WHERE id IN (SELECT id FROM deliveries WHERE state = 'pending' AND next_attempt_at_ms <= $1
                    AND NOT (id = ANY($3::text[]))
                    ORDER BY next_attempt_at_ms LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING id, event_id, endpoint_id, attempts`,
      [now, now + leaseMs, [...this.inFlight]],
    );
  }

  private async attempt(due: DueDelivery): Promise<void> {
    const [target] = await this.db.query<{ payload: string; url: string; secret: string }>(
      'SELECT e.payload, w.url, w.secret FROM events e, webhook_endpoints w WHERE e.id = $1 AND w.id = $2',
      [due.event_id, due.endpoint_id],
    );
    if (!target) return;
    const { bugs, timeScale } = this.options;
    const attemptNumber = toNumber(due.attempts) + 1;
    let eventId = due.event_id;
    let payload = target.payload;
    if (bugs.has('webhook-new-event-id') && attemptNumber > 1) {
      eventId = newId('evt');
      payload = JSON.stringify({ ...(JSON.parse(payload) as object), id: eventId });
    }
    if (this.options.renderPayload) payload = this.options.renderPayload(payload);
    // The bad-signature bug signs a pretty-printed copy while sending the compact bytes.
    const signedBytes = bugs.has('webhook-bad-signature') ? JSON.stringify(JSON.parse(payload), null, 2) : payload;
    // Correct: signed when sent. The stale-signature bug signs once and reuses that timestamp on every retry.
    const timestamp = bugs.has('webhook-stale-signature') ? this.firstSignedAt(due.id) : new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'payharness-sandbox',
      'webhook-id': eventId,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': new Webhook(target.secret).sign(eventId, timestamp, signedBytes),
    };
    let status: number | undefined;
    let retryAfter: string | undefined;
    let failure: string | undefined;
    try {
      const response = await request(target.url, {
        method: 'POST', headers, body: payload, dispatcher: this.agent,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      status = response.statusCode;
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
      await response.body.dump().catch(() => undefined);
    } catch (error) {
      if (this.stopped) return; // aborted by close(): stays pending, retried when the lease ends
      failure = error instanceof Error ? error.message : String(error);
    }
    await this.recordOutcome(due.id, attemptNumber, status, retryAfter, failure);
  }

  private firstSignedAt(deliveryId: string): Date {
    const first = this.firstSigned.get(deliveryId) ?? new Date();
    this.firstSigned.set(deliveryId, first);
    return first;
  }

  private async recordOutcome(id: string, attemptNumber: number, status: number | undefined, retryAfter: string | undefined, failure: string | undefined): Promise<void> {
    const now = Date.now();
    let state = 'pending';
    let next = now;
    if (status !== undefined && status >= 200 && status < 300) state = 'delivered';
    else if (status === 410) state = 'stopped';
    else if (attemptNumber >= maxAttempts(this.options.bugs)) state = 'failed';
    else {
      const random = jitterDraw(this.options.seed, id, attemptNumber);
      next = now + retryDelayMs(attemptNumber, { timeScale: this.options.timeScale, bugs: this.options.bugs, retryAfterMs: parseRetryAfter(retryAfter, now), random });
    }
    await this.db.query(
      'UPDATE deliveries SET state = $2, attempts = $3, next_attempt_at_ms = $4, last_status = $5, last_error = $6, updated_at_ms = $7 WHERE id = $1',
      [id, state, attemptNumber, Math.round(next), status ?? null, failure ?? null, now],
    );
    this.options.log?.(`webhook ${id} attempt ${attemptNumber}: ${status ?? failure} → ${state}`);
  }
}
