import type { DeliveryRecord, FaultDecision, HistoryRecord } from '../history/types.js';
import type { HistoryView } from './history-view.js';
import { IntGroups } from './int-groups.js';
import { Interner } from './interner.js';

/** One attempt the provider made to deliver an event, as the provider experienced it. */
export interface CallbackAttempt {
  time: number;
  eventId: string;
  /** Status the provider received; undefined when the attempt failed in transport (dropped by a fault). */
  status?: number;
  retryAfterSeconds?: number;
  /** The sink's record, when the attempt reached the sink. */
  delivery?: DeliveryRecord;
  record: HistoryRecord;
}

/** Per event number: its raw records (no per-attempt objects kept), and sink answers the provider never saw. */
export interface AttemptIndex {
  /** Numbers for event ids (their own table: no other index is keyed by them). */
  events: Interner;
  /** Indexes into `records` per event number, events in first-seen order. */
  byEvent: IntGroups;
  /** The deliveries, then the callback-path fault decisions that stand for attempts. */
  records: (DeliveryRecord | FaultDecision)[];
  lostAnswers: Set<DeliveryRecord>;
  /** Sink answers replaced by a fault that forwarded the delivery and answered for the receiver. */
  replacedAnswers: Map<DeliveryRecord, FaultDecision>;
  toxicAttributes: Map<string, Record<string, unknown>>;
}

const cache = new WeakMap<HistoryView, AttemptIndex>();

/** Proxy names that sit on the callback path, from the run's fault records and proxy notes. */
function callbackProxies(view: HistoryView): Set<string> {
  const names = new Set<string>();
  for (const f of view.faults) if (f.path === 'callbacks') names.add(f.proxy);
  const meta = view.run?.meta as { proxies?: { callbacks?: string } } | undefined;
  if (meta?.proxies?.callbacks) names.add(meta.proxies.callbacks);
  return names;
}

function buildIndex(view: HistoryView): AttemptIndex {
  const proxies = callbackProxies(view);
  const events = new Interner();
  const byEvent = new IntGroups();
  const records: (DeliveryRecord | FaultDecision)[] = [];
  const add = (eventId: string, r: DeliveryRecord | FaultDecision): void => byEvent.add(events.intern(eventId), records.push(r) - 1);
  for (const d of view.deliveries) add(d.eventId, d);
  const decisions = view.decisions.filter((d) => proxies.has(d.proxy) && d.idempotencyKey);
  const toxicAttributes = new Map<string, Record<string, unknown>>();
  for (const f of view.faults) if (f.phase === 'start' && f.attributes) toxicAttributes.set(f.toxic, f.attributes);
  const forwarded = (d: FaultDecision): boolean => d.action === 'status' && toxicAttributes.get(d.toxic)?.forward === true;
  for (const d of decisions) if (d.action === 'drop_request' || (d.action === 'status' && !forwarded(d))) add(d.idempotencyKey!, d);
  byEvent.trim();
  if (decisions.length) {
    const byTime = (a: number, b: number): number => records[a]!.time - records[b]!.time;
    for (let i = 0; i < byEvent.groupCount; i++) if (byEvent.size(byEvent.groupAt(i)) > 1) byEvent.sortGroup(byEvent.groupAt(i), byTime);
  }
  const lostAnswers = new Set<DeliveryRecord>();
  const replacedAnswers = new Map<DeliveryRecord, FaultDecision>();
  for (const d of decisions) {
    if (d.action !== 'drop_response' && !forwarded(d)) continue;
    // The sink answered, but the provider saw a failure or the fault's status: mark the sink's attempt nearest in time.
    let best: DeliveryRecord | undefined;
    const event = events.find(d.idempotencyKey!);
    for (let slot = event < 0 ? -1 : byEvent.firstSlot(event); slot >= 0; slot = byEvent.nextSlot(slot)) {
      const r = records[byEvent.valueAt(slot)]!;
      if (r.kind === 'delivery' && (!best || Math.abs(r.time - d.time) < Math.abs(best.time - d.time))) best = r;
    }
    if (best && d.action === 'drop_response') lostAnswers.add(best);
    else if (best) replacedAnswers.set(best, d);
  }
  return { events, byEvent, records, lostAnswers, replacedAnswers, toxicAttributes };
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

/** The status the provider received for one attempt record, as `toAttempt` would say, without building the attempt. */
export function attemptStatus(index: AttemptIndex, r: DeliveryRecord | FaultDecision): number | undefined {
  if (r.kind === 'delivery') {
    const replaced = index.replacedAnswers.size ? index.replacedAnswers.get(r) : undefined;
    if (replaced) return decisionStatus(index, replaced).status;
    return index.lostAnswers.size && index.lostAnswers.has(r) ? undefined : r.answeredStatus;
  }
  return decisionStatus(index, r).status;
}

function toAttempt(index: AttemptIndex, eventId: string, r: DeliveryRecord | FaultDecision): CallbackAttempt {
  if (r.kind === 'delivery') {
    const replaced = index.replacedAnswers.get(r);
    if (replaced) return { ...toAttempt(index, eventId, replaced), time: r.time, delivery: r, record: r };
    return { time: r.time, eventId, status: index.lostAnswers.has(r) ? undefined : r.answeredStatus, retryAfterSeconds: r.retryAfterSeconds, delivery: r, record: r };
  }
  if (r.action === 'status') {
    const { status, retryAfterSeconds } = decisionStatus(index, r);
    return { time: r.time, eventId, status, retryAfterSeconds, record: r };
  }
  return { time: r.time, eventId, record: r };
}

/**
 * Every delivery attempt per event id, in time order: what the sink received, corrected by the
 * callback proxy's decisions (a dropped response means the provider saw a failure although the sink
 * answered; a dropped request or an injected status never reached the sink at all). Attempt objects
 * are built per event as the caller iterates, so a huge history costs no extra index per attempt.
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
