import type { DeliveryRecord, FaultDecision, HistoryRecord } from '../history/types.js';
import type { HistoryView } from './history-view.js';
import { IntGroups } from './int-groups.js';
import { Interner } from './interner.js';
import { callbackFaultWindows, type FaultWindow } from './callback-fault-windows.js';

/** One attempt the provider made to deliver an event, as the provider experienced it. */
export interface CallbackAttempt {
  /** When the provider sent it (the proxy's decision, else the sink's arrival), run ms. */
  time: number;
  /** When the provider learned the outcome: later than `time` when the answer was held back or its own timeout fired. */
  outcomeTime: number;
  eventId: string;
  /** Status the provider received; undefined when it saw a transport failure. */
  status?: number;
  retryAfterSeconds?: number;
  /** Why the provider saw no status: a harness fault, or its own attempt timeout firing before a held answer. */
  failure?: 'fault' | 'timeout';
  /** How long the answer took to come back (sink hold + proxy delay), when the history says. */
  latencyMs: number;
  /** The sink's record, when the attempt reached the sink. */
  delivery?: DeliveryRecord;
  record: HistoryRecord;
}

/** Per event number: its raw records (no per-attempt objects kept), and what the proxy did to them. */
export interface AttemptIndex {
  /** Numbers for event ids (their own table: no other index is keyed by them). */
  events: Interner;
  /** Indexes into `records` per event number, events in first-seen order, each in time order. */
  byEvent: IntGroups;
  /** The deliveries that were provider attempts, then the callback-path fault decisions that stand for attempts. */
  records: (DeliveryRecord | FaultDecision)[];
  lostAnswers: Set<DeliveryRecord>;
  /** Sink answers replaced by a fault that forwarded the delivery and answered for the receiver. */
  replacedAnswers: Map<DeliveryRecord, FaultDecision>;
  /** Deliveries an http_delay held: for how long, and when the provider had sent them. */
  held: Map<DeliveryRecord, { ms: number; sentAt: number }>;
  toxicAttributes: Map<string, Record<string, unknown>>;
  /** The harness's own fault windows on the callback path. */
  windows: FaultWindow[];
  /** Times (sorted) of callback-path decisions that stood for an attempt but named no event. */
  keylessTimes: number[];
  /** Records that were a second record of one attempt (re-polled decision, two toxics on one request). */
  doubles: number;
  /** Deliveries the proxy sent as extra copies of one attempt (http_duplicate): not provider attempts. */
  copies: number;
  /** The provider's attempt timeout from the profile, real ms. */
  attemptTimeoutMs?: number;
}

const cache = new WeakMap<HistoryView, AttemptIndex>();
/** Decisions on one request by several toxics are appended in one pass: within this many ms of each other. */
const SAME_REQUEST_MS = 1;
/** How long after its decision a forwarded attempt may reach the sink (proxy hop under load). */
const FORWARD_WITHIN_MS = 1_000;

/** Proxy names that sit on the callback path, from the run's fault records and proxy notes. */
function callbackProxies(view: HistoryView): Set<string> {
  const names = new Set<string>();
  for (const f of view.faults) if (f.path === 'callbacks') names.add(f.proxy);
  const meta = view.run?.meta as { proxies?: { callbacks?: string } } | undefined;
  if (meta?.proxies?.callbacks) names.add(meta.proxies.callbacks);
  return names;
}

/** The proxy's `seq` when the recorder kept it: one decision polled twice carries the same one. */
function decisionSeq(d: FaultDecision): number | undefined {
  const seq = (d as FaultDecision & { seq?: unknown }).seq;
  return typeof seq === 'number' ? seq : undefined;
}

/** Identity of one proxy decision: its seq, or (older histories) everything it says. */
function decisionIdentity(d: FaultDecision): string {
  const seq = decisionSeq(d);
  return seq !== undefined ? `${d.proxy}#${seq}` : `${d.proxy}|${d.toxic}|${d.action}|${d.idempotencyKey ?? ''}|${d.time}`;
}

/** Each decision once, in time order. */
function uniqueDecisions(decisions: readonly FaultDecision[]): { unique: FaultDecision[]; doubles: number } {
  const seen = new Set<string>();
  const unique: FaultDecision[] = [];
  for (const d of decisions) {
    const id = decisionIdentity(d);
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push(d);
  }
  unique.sort((a, b) => a.time - b.time);
  return { unique, doubles: decisions.length - unique.length };
}

function buildIndex(view: HistoryView): AttemptIndex {
  const proxies = callbackProxies(view);
  const toxicAttributes = new Map<string, Record<string, unknown>>();
  for (const f of view.faults) if (f.phase === 'start' && f.attributes) toxicAttributes.set(f.toxic, f.attributes);
  const attr = (d: FaultDecision, name: string): unknown => toxicAttributes.get(d.toxic)?.[name];
  const { unique, doubles: repolled } = uniqueDecisions(view.decisions.filter((d) => proxies.has(d.proxy)));
  // The view already left out records repeating a proxy event's seq; they are doubles too.
  let doubles = repolled + view.decisionRepeats.filter((d) => proxies.has(d.proxy)).length;

  // Deliveries per event id in arrival order, to match decisions to the sink records of the same request.
  const deliveriesOf = new Map<string, DeliveryRecord[]>();
  for (const d of view.deliveries) {
    const list = deliveriesOf.get(d.eventId);
    if (list) list.push(d);
    else deliveriesOf.set(d.eventId, [d]);
  }
  // Most events arrive once: sorting a one-item list still allocates, per event of every batch.
  for (const list of deliveriesOf.values()) if (list.length > 1) list.sort((a, b) => a.time - b.time);
  const claimed = new Set<DeliveryRecord>();
  /** The first unclaimed delivery of `key` the proxy forwarded after deciding at `time`. */
  const forwardedDelivery = (key: string, time: number, withinMs: number): DeliveryRecord | undefined =>
    deliveriesOf.get(key)?.find((r) => !claimed.has(r) && r.time >= time - SAME_REQUEST_MS && r.time <= time + withinMs);

  const lostAnswers = new Set<DeliveryRecord>();
  const replacedAnswers = new Map<DeliveryRecord, FaultDecision>();
  const held = new Map<DeliveryRecord, { ms: number; sentAt: number }>();
  const copies = new Set<DeliveryRecord>();
  const standing: FaultDecision[] = [];
  const keylessTimes: number[] = [];
  const lastStanding = new Map<string, FaultDecision>();
  for (const d of unique) {
    const key = d.idempotencyKey;
    const forwarded = d.action === 'drop_response' || (d.action === 'status' && attr(d, 'forward') === true);
    const standsForAttempt = d.action === 'drop_request' || (d.action === 'status' && !forwarded);
    if (!key) {
      // The proxy could not read the event id: an attempt we cannot place (judges report it, never guess).
      if (standsForAttempt || forwarded) keylessTimes.push(d.time);
      continue;
    }
    if (standsForAttempt) {
      // Two toxics deciding on one request give two decisions for one attempt.
      const previous = lastStanding.get(key);
      if (previous && previous.toxic !== d.toxic && d.time - previous.time <= SAME_REQUEST_MS) {
        doubles++;
        continue;
      }
      lastStanding.set(key, d);
      standing.push(d);
    } else if (forwarded) {
      // The sink answered, but the provider saw a failure or the fault's status.
      const delivery = forwardedDelivery(key, d.time, FORWARD_WITHIN_MS);
      if (!delivery) continue;
      claimed.add(delivery);
      if (d.action === 'drop_response') lostAnswers.add(delivery);
      else replacedAnswers.set(delivery, d);
    } else if (d.action === 'delay') {
      const ms = Number(attr(d, 'delay_ms') ?? 0);
      const phase = attr(d, 'phase') === 'response' ? 'response' : 'request';
      const delivery = forwardedDelivery(key, d.time, FORWARD_WITHIN_MS + (phase === 'request' ? ms : 0));
      if (delivery && Number.isFinite(ms)) held.set(delivery, { ms: (held.get(delivery)?.ms ?? 0) + ms, sentAt: Math.min(d.time, delivery.time) });
    } else if (d.action === 'duplicate') {
      // The original reaches the sink first; the copies after it are the proxy's, not the provider's.
      const extra = Number(attr(d, 'copies') ?? 1);
      const spacing = Number(attr(d, 'delay_ms') ?? 0);
      const original = forwardedDelivery(key, d.time, FORWARD_WITHIN_MS);
      const list = deliveriesOf.get(key) ?? [];
      let from = original ? list.indexOf(original) + 1 : list.length;
      for (let n = 0; n < extra && from < list.length; from++) {
        const r = list[from]!;
        if (claimed.has(r) || copies.has(r) || r.time > d.time + extra * spacing + FORWARD_WITHIN_MS) continue;
        copies.add(r);
        n++;
      }
    }
  }

  const events = new Interner();
  const byEvent = new IntGroups();
  const records: (DeliveryRecord | FaultDecision)[] = [];
  const add = (eventId: string, r: DeliveryRecord | FaultDecision): void => byEvent.add(events.intern(eventId), records.push(r) - 1);
  for (const d of view.deliveries) if (!copies.has(d)) add(d.eventId, d);
  for (const d of standing) add(d.idempotencyKey!, d);
  byEvent.trim();
  const timeOf = (r: DeliveryRecord | FaultDecision): number => (r.kind === 'delivery' ? (held.get(r)?.sentAt ?? r.time) : r.time);
  const byTime = (a: number, b: number): number => timeOf(records[a]!) - timeOf(records[b]!);
  for (let i = 0; i < byEvent.groupCount; i++) if (byEvent.size(byEvent.groupAt(i)) > 1) byEvent.sortGroup(byEvent.groupAt(i), byTime);
  return {
    events, byEvent, records, lostAnswers, replacedAnswers, held, toxicAttributes, windows: callbackFaultWindows(view), keylessTimes, doubles,
    copies: copies.size, attemptTimeoutMs: view.profile.webhooks?.retryPolicy.attemptTimeoutMs,
  };
}

/** The attempt index of a view, built on first use and shared by the callback checks. */
export function attemptIndex(view: HistoryView): AttemptIndex {
  let index = cache.get(view);
  if (!index) {
    index = buildIndex(view);
    cache.set(view, index);
  }
  return index;
}

/** The status a decision that stands for an attempt answered the provider (undefined: transport failure). */
function decisionStatus(index: AttemptIndex, r: FaultDecision): { status?: number; retryAfterSeconds?: number } {
  if (r.action !== 'status') return {};
  // The decision names its toxic; the toxic's attributes (from the fault record) say what was answered.
  const attrs = index.toxicAttributes.get(r.toxic) ?? {};
  const status = typeof attrs.status === 'number' ? attrs.status : 500;
  // Retry-After may be given as seconds (number or numeric string) or an HTTP date (not judged).
  const ra = Number(attrs.retry_after);
  return { status, retryAfterSeconds: attrs.retry_after !== undefined && Number.isFinite(ra) ? ra : undefined };
}

/** How long the provider waited for this delivery's answer: the proxy's hold plus the sink's. */
function latencyOf(index: AttemptIndex, r: DeliveryRecord): number {
  return (index.held.size ? (index.held.get(r)?.ms ?? 0) : 0) + (r.answerDelayMs ?? 0);
}

/** Whether the provider's own timeout fired before this delivery's (held) answer came back. */
function timedOut(index: AttemptIndex, r: DeliveryRecord): boolean {
  return index.attemptTimeoutMs !== undefined && latencyOf(index, r) >= index.attemptTimeoutMs;
}

/**
 * One attempt object, every field always present (undefined when it does not apply) so attempts
 * share one shape: this runs for every delivery of a run, and object spreads here were most of it.
 */
function attempt(
  record: DeliveryRecord | FaultDecision, eventId: string, time: number, outcomeTime: number, latencyMs: number, delivery: DeliveryRecord | undefined,
  status: number | undefined, retryAfterSeconds: number | undefined, failure: CallbackAttempt['failure'],
): CallbackAttempt {
  return { time, outcomeTime, eventId, status, retryAfterSeconds, failure, latencyMs, delivery, record };
}

function toAttempt(index: AttemptIndex, eventId: string, r: DeliveryRecord | FaultDecision): CallbackAttempt {
  if (r.kind === 'delivery') {
    const latencyMs = latencyOf(index, r);
    const time = index.held.size ? (index.held.get(r)?.sentAt ?? r.time) : r.time;
    const replaced = index.replacedAnswers.size ? index.replacedAnswers.get(r) : undefined;
    if (replaced) {
      const answered = decisionStatus(index, replaced);
      return attempt(r, eventId, time, time + latencyMs, latencyMs, r, answered.status, answered.retryAfterSeconds, undefined);
    }
    if (index.lostAnswers.size && index.lostAnswers.has(r)) return attempt(r, eventId, time, time + latencyMs, latencyMs, r, undefined, undefined, 'fault');
    // The provider's timeout fired first: it saw a transport failure then, not the sink's answer.
    if (timedOut(index, r)) return attempt(r, eventId, time, time + index.attemptTimeoutMs!, latencyMs, r, undefined, undefined, 'timeout');
    return attempt(r, eventId, time, time + latencyMs, latencyMs, r, r.answeredStatus, r.retryAfterSeconds, undefined);
  }
  const answered = decisionStatus(index, r);
  return attempt(r, eventId, r.time, r.time, 0, undefined, answered.status, answered.retryAfterSeconds, answered.status === undefined ? 'fault' : undefined);
}

/**
 * Every delivery attempt per event id, in time order: what the sink received, corrected by the
 * callback proxy's decisions (a dropped response means the provider saw a failure although the sink
 * answered; a dropped request or an injected status never reached the sink at all; a duplicated
 * request reached it twice for one attempt) and by the provider's own attempt timeout. Attempt
 * objects are built per event as the caller iterates, so a huge history costs no extra index per attempt.
 */
export function* callbackAttempts(view: HistoryView): Generator<[string, CallbackAttempt[]]> {
  const index = attemptIndex(view);
  for (let i = 0; i < index.byEvent.groupCount; i++) {
    const event = index.byEvent.groupAt(i);
    yield [index.events.strings[event]!, attemptsOf(index, event)];
  }
}

/** The attempts of one event number, in time order. */
export function attemptsOf(index: AttemptIndex, event: number): CallbackAttempt[] {
  const eventId = index.events.strings[event]!;
  const out: CallbackAttempt[] = [];
  for (let slot = index.byEvent.firstSlot(event); slot >= 0; slot = index.byEvent.nextSlot(slot)) out.push(toAttempt(index, eventId, index.records[index.byEvent.valueAt(slot)]!));
  return out;
}

export const delivered = (a: CallbackAttempt): boolean => a.status !== undefined && a.status >= 200 && a.status < 300;

/** How the provider saw one attempt end, for witness sentences. */
export function describeAnswer(a: CallbackAttempt, index: AttemptIndex): string {
  if (a.failure === 'timeout') return `a transport failure (its ${index.attemptTimeoutMs} ms attempt timeout fired before the receiver's answer)`;
  if (a.status === undefined) return 'a transport failure';
  return `${a.status}${a.retryAfterSeconds !== undefined ? ` with Retry-After ${a.retryAfterSeconds}s` : ''}`;
}

export type { FaultWindow };
