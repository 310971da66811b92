import type { ApiProfile, EventKind, WebhookSpec } from '../config/profile-types.js';
import { eventTypesOfKind } from './event-kinds.js';

/**
 * The profile's own words for what check descriptions, witness sentences and reports talk about, so
 * a report on a Stripe-signed API does not speak of `webhook-id`, nor one on an API whose key is a
 * body field of an `Idempotency-Key` header.
 */

/** Where the idempotency key travels: "Idempotency-Key header", "idem_key body field". */
export function idempotencyKeyWords(profile: ApiProfile): string {
  const { in: where, name } = profile.idempotency;
  return `${name} ${where === 'header' ? 'header' : 'body field'}`;
}

/** One key as a witness names it: "key k1 (Idempotency-Key header)", "key k1 (idem_key body field)"; "Key …" to start a sentence. */
export function keyWords(profile: ApiProfile, key: string, startsSentence = false): string {
  return `${startsSentence ? 'Key' : 'key'} ${key} (${idempotencyKeyWords(profile)})`;
}

/** Where a callback's event id is read: "$.id, or the webhook-id header", "$.event_id". */
export function eventIdWords(webhooks: WebhookSpec): string {
  // The sink falls back to the Standard Webhooks header when the payload has no id.
  return webhooks.signature === 'standard-webhooks' ? `${webhooks.eventIdPath}, or the webhook-id header` : webhooks.eventIdPath;
}

/** The signature scheme and the header it travels in: "Stripe (Stripe-Signature)", "HMAC (X-Signature)". */
export function signatureWords(webhooks: WebhookSpec): string {
  const scheme = webhooks.signature;
  if (typeof scheme === 'object') return `HMAC (${scheme.header})`;
  if (scheme === 'stripe') return 'Stripe (Stripe-Signature)';
  if (scheme === 'standard-webhooks') return 'Standard Webhooks (webhook-signature)';
  return 'none';
}

/** An abstract event kind with the API's name(s) for it: "canceled (payment_intent.canceled)". */
export function eventKindWords(webhooks: WebhookSpec, kind: EventKind): string {
  const names = eventTypesOfKind(webhooks, kind);
  return names.length ? `${kind} (${names.join(', ')})` : kind;
}
