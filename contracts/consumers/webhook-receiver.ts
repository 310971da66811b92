import { schemaProblems } from '../schemas/index.js';
import type { Payment } from './payments-client.js';

/** A webhook event as order-service handles it. */
export interface PaymentEvent {
  id: string;
  type: string;
  created_at: string;
  data: { object: Payment };
}

/** What order-service does with an event: the order update it derives from it. */
export interface OrderUpdate {
  eventId: string;
  paymentId: string;
  orderState: 'paid' | 'refunded' | 'partially_refunded' | 'canceled';
}

const ORDER_STATE: Record<string, OrderUpdate['orderState'] | undefined> = {
  'payment.captured': 'paid',
  'payment.canceled': 'canceled',
};

/**
 * order-service's webhook handler: requires the Standard Webhooks headers (it deduplicates on
 * `webhook-id`), validates the payload and maps it to an order update. Throws on anything it
 * cannot use, which makes the message pact test fail.
 */
export function handlePaymentEvent(body: unknown, headers: Record<string, string | undefined>): OrderUpdate {
  const problems = schemaProblems('event', body);
  if (problems.length > 0) throw new Error(`event payload is invalid: ${problems.join('; ')}`);
  const event = body as PaymentEvent;
  for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    if (!headers[header]) throw new Error(`delivery lacks the ${header} header`);
  }
  if (headers['webhook-id'] !== event.id) throw new Error('webhook-id must equal the event id (receivers deduplicate on it)');
  const payment = event.data.object;
  let orderState = ORDER_STATE[event.type];
  if (event.type === 'payment.refunded') orderState = payment.amount_refunded >= payment.amount_captured ? 'refunded' : 'partially_refunded';
  if (!orderState) throw new Error(`order-service does not handle ${event.type}`);
  return { eventId: event.id, paymentId: payment.id, orderState };
}
