import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import type { Queryable } from '../db/database.js';
import type { Payment } from '../payments/store.js';
import { ATTEMPT_TIMEOUT_MS } from './policy.js';
import { recordEvent, type EventType } from './events.js';

/**
 * The planted bug `event-before-db-commit`: the event is sent to every endpoint from inside the
 * transaction that makes the change, before it commits. When the commit (or anything after the send)
 * then fails, a lost database connection say, the change rolls back but the merchant already heard
 * of it. An endpoint that did not answer 2xx is left to the outbox's retries, as the clean path does.
 */
export async function sendBeforeCommit(tx: Queryable, merchant: string, type: EventType, payment: Payment): Promise<number> {
  const { event, deliveries } = await recordEvent(tx, merchant, type, payment);
  const targets = await tx.query<{ id: string; url: string; secret: string }>(
    'SELECT d.id, w.url, w.secret FROM deliveries d, webhook_endpoints w WHERE d.event_id = $1 AND w.id = d.endpoint_id',
    [event.id],
  );
  const body = JSON.stringify(event);
  for (const target of targets) {
    const timestamp = new Date();
    const status = await request(target.url, {
      method: 'POST', body,
      headers: {
        'content-type': 'application/json', 'user-agent': 'payharness-sandbox', 'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': new Webhook(target.secret).sign(event.id, timestamp, body),
      },
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    }).then(async (res) => (await res.body.dump().catch(() => undefined), res.statusCode), () => undefined);
    if (status !== undefined && status >= 200 && status < 300) {
      await tx.query(`UPDATE deliveries SET state = 'delivered', attempts = 1, last_status = $2, updated_at_ms = $3 WHERE id = $1`, [target.id, status, Date.now()]);
    }
  }
  return deliveries;
}
