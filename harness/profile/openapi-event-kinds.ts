import type { EventKind } from '../config/profile-types.js';
import { EVENT_KINDS } from '../config/profile-schema.js';
import type { OpenApiDocument, OpenApiSchema } from './openapi-read.js';
import type { DraftBuilder } from './openapi-match.js';

/**
 * `webhooks.eventKinds` of a drafted profile: which of the API's event types stands for each abstract
 * kind (created, captured, …) that scenarios' receiver rules name. The names come from the document
 * (the registration's event enum, or OpenAPI 3.1 `webhooks`); each mapping is a guess from the name
 * and says so. Without names, a commented placeholder says what to fill in.
 */

/** Words in an event type name that mean each kind (`payment_intent.succeeded` is a capture on a Stripe-shaped API). */
const KIND_WORDS: Record<EventKind, RegExp> = {
  created: /\.(created|initiated)$/i,
  authorized: /\.(authori[sz]ed|amount_capturable_updated|requires_capture)$/i,
  captured: /\.(captured|succeeded|settled|paid)$/i,
  canceled: /\.(canceled|cancelled|voided|reversed)$/i,
  refunded: /\.(refunded|refund\.succeeded|refund_succeeded)$/i,
  failed: /\.(failed|payment_failed|declined)$/i,
};
/** Event families about a payment (not a customer, a payout, a dispute…). */
const PAYMENT_FAMILY = /^(payment|payment_intent|charge|transaction|order)s?\./i;

/** The API's event type names the document lists. */
export function documentedEventTypes(b: DraftBuilder, registerSchema: OpenApiSchema | undefined, eventsField: string | undefined): string[] {
  const field = eventsField ? b.propertySchema(registerSchema, eventsField) : undefined;
  const listed = [...(field?.enum ?? []), ...(b.resolve(field?.items)?.enum ?? [])];
  const webhooks = Object.keys((b.doc as OpenApiDocument & { webhooks?: Record<string, unknown> }).webhooks ?? {});
  return [...new Set([...listed, ...webhooks].filter((n): n is string => typeof n === 'string' && n !== '*' && /\./.test(n)))];
}

/** Maps each kind to the payment event whose name means it, the payment's own family first (`payment_intent.*` before `charge.*`). */
export function draftEventKinds(b: DraftBuilder, names: string[], at: string[]): Record<string, string> | undefined {
  const payment = names.filter((n) => PAYMENT_FAMILY.test(n));
  if (payment.length === 0) {
    b.placeholder([
      ' webhooks.eventKinds: the document names no payment event types, so receiver rules can only use the',
      ' API\'s own names. Map the abstract kinds a scenario may name to the API\'s event types (docs/profiles.md):',
      ' webhooks:',
      '   eventKinds: {created: <type>, authorized: <type>, captured: <type>, canceled: <type>, refunded: <type>, failed: <type>}',
    ]);
    return undefined;
  }
  const family = (n: string): string => n.split('.')[0]!.replace(/s$/, '');
  // The payment's own family is the one whose names mean the most kinds; another family fills the rest.
  const kindsOf = (f: string): number => EVENT_KINDS.filter((k) => payment.some((n) => family(n) === f && KIND_WORDS[k].test(n))).length;
  const main = [...new Set(payment.map(family))].sort((x, y) => kindsOf(y) - kindsOf(x))[0];
  const kinds: Record<string, string> = {};
  for (const kind of EVENT_KINDS) {
    const matches = payment.filter((n) => KIND_WORDS[kind].test(n));
    const pick = matches.find((n) => family(n) === main) ?? matches[0];
    if (pick) kinds[kind] = pick;
  }
  if (Object.keys(kinds).length === 0) return undefined;
  b.note([...at, 'eventKinds'], `guessed from the event type names in the document (${payment.length} payment events): check each against the API's docs`);
  const unmapped = EVENT_KINDS.filter((k) => kinds[k] === undefined);
  if (unmapped.length) b.note([...at, 'eventKinds'], `no event type name looked like ${unmapped.join(', ')}; add them if the API sends them`);
  return kinds;
}
