import type { DeliveryRecord } from '../history/types.js';

/** One event the provider sent (all delivery attempts of one event id). */
export interface SentEvent {
  eventId: string;
  /** Event type in the baseline's words. */
  kind: string;
  resourceId?: string;
  /** The payment state the event carries, in the side's own words (to find the operation that caused it). */
  rawState?: string;
  /** The receiver accepted one of its attempts (2xx). */
  arrived: boolean;
  firstTime: number;
  deliveries: DeliveryRecord[];
}

/** Every distinct event of a history (retries share an event id), oldest first. */
export function sentEvents(deliveries: readonly DeliveryRecord[], kindOf: (type: string) => string): SentEvent[] {
  const byId = new Map<string, SentEvent>();
  for (const d of deliveries) {
    let event = byId.get(d.eventId);
    if (!event) {
      event = {
        eventId: d.eventId, kind: kindOf(d.eventType ?? '(no type)'), resourceId: d.resourceId, rawState: d.paymentStatus,
        arrived: false, firstTime: d.time, deliveries: [],
      };
      byId.set(d.eventId, event);
    }
    event.deliveries.push(d);
    if (d.answeredStatus >= 200 && d.answeredStatus < 300) event.arrived = true;
  }
  return [...byId.values()].sort((a, b) => a.firstTime - b.firstTime);
}

/** A write of one flow that may have caused events: its step, its raw resulting state. */
export interface CausingWrite {
  key: string;
  step: number;
  rawState?: string;
}

/**
 * Which write caused each event of one payment: the first write (in flow order) that left the payment
 * in the state the event carries and has no event of that kind yet; else the last write that left it
 * in that state; else the flow's first write. Events without a state go to the first write. The
 * same rule on both sides attributes the same events to the same logical operations.
 */
export function attributeEvents(writes: readonly CausingWrite[], events: readonly SentEvent[]): Map<string, SentEvent[]> {
  const out = new Map<string, SentEvent[]>(writes.map((w) => [w.key, []]));
  const ordered = [...writes].sort((a, b) => a.step - b.step);
  if (ordered.length === 0) return out;
  for (const event of events) {
    const matching = event.rawState === undefined ? [] : ordered.filter((w) => w.rawState === event.rawState);
    const target = matching.find((w) => !out.get(w.key)!.some((e) => e.kind === event.kind)) ?? matching.at(-1) ?? ordered[0]!;
    out.get(target.key)!.push(event);
  }
  return out;
}

/** `payment.created ×1, payment.captured ×2`: the kinds and how many events of each, sorted. */
export function describeKinds(events: readonly SentEvent[]): string {
  if (events.length === 0) return 'none';
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([kind, n]) => `${kind} ×${n}`).join(', ');
}
