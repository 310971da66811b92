import type { EventKind, EventTypePaths, WebhookSpec } from '../config/profile-types.js';
import { readField } from '../workload/request.js';

/**
 * Abstract event kinds and per-event-type paths: a scenario says `canceled` and means whatever the
 * API calls a cancellation (`payment.canceled`, `payment_intent.canceled`, `payment.voided`); an
 * event type whose payload holds its payment elsewhere (a refund event pointing at its payment) is
 * read at its own paths. Every reader of a callback's type, payment id or status goes through here.
 */

/** What one callback says, read through the profile. */
export interface EventFacts {
  eventType?: string;
  /** The abstract kind the profile maps the type to, if any. */
  eventKind?: EventKind;
  /** The payment the event is about. */
  resourceId?: string;
  /** The payment status the event carries, if its type carries one. */
  paymentStatus?: string;
}

/** Ids and statuses may be strings or numbers (an integer primary key). */
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

const asList = (names: string | string[] | undefined): string[] => (names === undefined ? [] : Array.isArray(names) ? names : [names]);

/** The abstract kind an API event type stands for, per the profile's `eventKinds`. */
export function eventKindOf(spec: WebhookSpec, eventType: string | undefined): EventKind | undefined {
  if (eventType === undefined) return undefined;
  for (const [kind, names] of Object.entries(spec.eventKinds ?? {}) as [EventKind, string | string[]][]) {
    if (asList(names).includes(eventType)) return kind;
  }
  return undefined;
}

/** The API's name(s) for a kind, for sentences and scenarios; empty when the profile maps none. */
export function eventTypesOfKind(spec: WebhookSpec, kind: EventKind): string[] {
  return asList(spec.eventKinds?.[kind]);
}

/** Where an event type's payload holds its payment: its own `eventTypes` entry, else the webhook-wide paths. */
export function eventPaths(spec: WebhookSpec, eventType: string | undefined): EventTypePaths {
  const own = eventType !== undefined ? spec.eventTypes?.[eventType] : undefined;
  // A per-type entry describes that type's payload whole: no status path there means it carries none.
  return own ?? { resourceIdPath: spec.resourceIdPath, resourceStatusPath: spec.resourceStatusPath };
}

/** Reads a callback payload's type, kind, payment id and payment status, honouring per-type paths. */
export function readEvent(spec: WebhookSpec, payload: unknown): EventFacts {
  const eventType = text(readField(payload, spec.eventTypePath));
  const { resourceIdPath: idPath, resourceStatusPath: statusPath } = eventPaths(spec, eventType);
  return {
    eventType,
    eventKind: eventKindOf(spec, eventType),
    resourceId: text(readField(payload, idPath)),
    paymentStatus: statusPath ? text(readField(payload, statusPath)) : undefined,
  };
}

/**
 * Whether an event matches a list of names from a scenario (a receiver rule's `eventTypes`): each
 * name is an abstract kind or the API's own type name.
 */
export function eventMatches(facts: Pick<EventFacts, 'eventType' | 'eventKind'>, names: readonly string[]): boolean {
  return names.some((name) => name === facts.eventType || (facts.eventKind !== undefined && name === facts.eventKind));
}

const KINDS: readonly EventKind[] = ['created', 'authorized', 'captured', 'canceled', 'refunded', 'failed'];

/**
 * Names in a scenario's receiver rules that are abstract kinds the profile does not map: such a rule
 * would silently match no event (a 410 rule that never fires), so a run refuses it up front.
 */
export function unmappedKinds(webhooks: WebhookSpec | undefined, names: readonly string[]): EventKind[] {
  const kinds = names.filter((n): n is EventKind => (KINDS as readonly string[]).includes(n));
  return [...new Set(kinds.filter((k) => !webhooks || eventTypesOfKind(webhooks, k).length === 0))];
}
