import { newId } from '../ids.js';
import type { Queryable } from '../db/database.js';
import type { Payment } from '../payments/store.js';

export const EVENT_TYPES = ['payment.created', 'payment.captured', 'payment.refunded', 'payment.canceled'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The body of every webhook: the payment as it was right after the change. */
export interface PaymentEvent {
  id: string;
  type: EventType;
  created_at: string;
  data: { object: Payment };
}

/**
 * The outbox: called inside the transaction that changes the payment, so the event and one
 * pending delivery per subscribed endpoint exist exactly when the change does.
 */
export async function recordEvent(tx: Queryable, merchant: string, type: EventType, payment: Payment): Promise<{ event: PaymentEvent; deliveries: number }> {
  const now = Date.now();
  const event: PaymentEvent = { id: newId('evt'), type, created_at: new Date(now).toISOString(), data: { object: payment } };
  await tx.query('INSERT INTO events (id, merchant, type, payload, created_at_ms) VALUES ($1, $2, $3, $4, $5)', [
    event.id, merchant, type, JSON.stringify(event), now,
  ]);
  const endpoints = await tx.query<{ id: string; events: string }>('SELECT id, events FROM webhook_endpoints WHERE merchant = $1', [merchant]);
  let deliveries = 0;
  for (const endpoint of endpoints) {
    const wanted = JSON.parse(endpoint.events) as string[];
    if (!wanted.includes('*') && !wanted.includes(type)) continue;
    deliveries++;
    await tx.query(
      `INSERT INTO deliveries (id, event_id, endpoint_id, state, attempts, next_attempt_at_ms, updated_at_ms)
       VALUES ($1, $2, $3, 'pending', 0, $4, $4)`,
      [newId('dlv'), event.id, endpoint.id, now],
    );
  }
  return { event, deliveries };
}
