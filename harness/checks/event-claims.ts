import type { ApiProfile, LifecycleSpec } from '../config/profile-types.js';
import type { DeliveryRecord } from '../history/types.js';
import type { HistoryView } from './history-view.js';

/** What one callback event says about a payment, as the profile reads it. */
export interface EventClaim {
  eventId: string;
  type?: string;
  /** The payment the event is about. */
  resourceId?: string;
  /** The state the event says the payment reached; undefined when the profile gives no way to read it. */
  status?: string;
  /** When the event first reached the sink, run ms: it existed by then, whatever order its retries came in. */
  firstSeen: number;
  /** Its first delivery, for witnesses. */
  delivery: DeliveryRecord;
}

/**
 * The one place an event's type, payment and claimed state are read: the sink recorded them through
 * the profile's webhooks section (eventTypePath, resourceIdPath, resourceStatusPath). Profiles that
 * name events by kind rather than carry a status would map type → state here.
 */
export function claimOf(_profile: ApiProfile, d: DeliveryRecord): Pick<EventClaim, 'type' | 'resourceId' | 'status'> {
  return { type: d.eventType, resourceId: d.resourceId, status: d.paymentStatus };
}

/** Events (one claim per event id, from its earliest delivery) grouped by payment; events naming none under ''. */
export interface EventsByPayment {
  byPayment: Map<string, EventClaim[]>;
  events: number;
}

const cache = new WeakMap<HistoryView, EventsByPayment>();

/** Every delivered event once, grouped by the payment it names, each group in first-seen order. */
export function eventsByPayment(view: HistoryView, profile: ApiProfile): EventsByPayment {
  const hit = cache.get(view);
  if (hit) return hit;
  const first = new Map<string, DeliveryRecord>();
  // Retries and proxy copies repeat one event: its first arrival says when it existed.
  for (const d of view.deliveries) {
    const seen = first.get(d.eventId);
    if (!seen || d.time < seen.time) first.set(d.eventId, d);
  }
  const byPayment = new Map<string, EventClaim[]>();
  for (const [eventId, d] of first) {
    // Fields copied by name, not spread: a spread is a slow generic copy, once per event of every batch.
    const c = claimOf(profile, d);
    const claim: EventClaim = { eventId, type: c.type, resourceId: c.resourceId, status: c.status, firstSeen: d.time, delivery: d };
    const key = claim.resourceId ?? '';
    const list = byPayment.get(key);
    if (list) list.push(claim);
    else byPayment.set(key, [claim]);
  }
  for (const list of byPayment.values()) if (list.length > 1) list.sort((a, b) => a.firstSeen - b.firstSeen);
  const out = { byPayment, events: first.size };
  cache.set(view, out);
  return out;
}

/** state → every state reachable from it in zero or more allowed steps. */
export function reachability(lifecycle: LifecycleSpec): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const states = new Set([...lifecycle.initial, ...lifecycle.terminal, ...Object.keys(lifecycle.transitions), ...Object.values(lifecycle.transitions).flat()]);
  for (const start of states) {
    const seen = new Set([start]);
    const stack = [start];
    while (stack.length) for (const next of lifecycle.transitions[stack.pop()!] ?? []) if (!seen.has(next)) (seen.add(next), stack.push(next));
    out.set(start, seen);
  }
  return out;
}

/** Whether the lifecycle leads from `from` to `to` (a state it does not know reaches only itself). */
export const leadsTo = (reach: Map<string, Set<string>>, from: string, to: string): boolean => reach.get(from)?.has(to) ?? from === to;

/**
 * Two events of one payment, in whichever order they happened, claim states the payment cannot both
 * have been in: neither leads to the other. Delivery order is not event order, so only this
 * order-free fact is judged.
 */
export function incompatibleEvents(reach: Map<string, Set<string>>, events: readonly EventClaim[]): [EventClaim, EventClaim] | undefined {
  const withStatus = events.filter((e) => e.status !== undefined);
  for (let i = 0; i < withStatus.length; i++) {
    for (let j = i + 1; j < withStatus.length; j++) {
      const a = withStatus[i]!;
      const b = withStatus[j]!;
      if (!leadsTo(reach, a.status!, b.status!) && !leadsTo(reach, b.status!, a.status!)) return [a, b];
    }
  }
  return undefined;
}

export const secs = (ms: number): string => `+${(ms / 1000).toFixed(2)} s`;

/** "evt_1 (payment.captured, first delivered at +2.31 s)", for sentences. */
export function describeEvent(e: EventClaim): string {
  return `event ${e.eventId} (${e.type ?? 'type unread'}, first delivered at ${secs(e.firstSeen)})`;
}
