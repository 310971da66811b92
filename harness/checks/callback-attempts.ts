import type { DeliveryRecord, FaultDecision, HistoryRecord } from '../history/types.js';
import type { HistoryView } from './history-view.js';
import { Groups } from './groups.js';

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

/** Per event: the raw records of its attempts (no per-attempt objects kept), and sink answers the provider never saw. */
interface AttemptIndex {
  byEvent: Groups<DeliveryRecord | FaultDecision>;
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

const timeOf = (r: DeliveryRecord | FaultDecision): number => r.time;

function buildIndex(view: HistoryView): AttemptIndex {
  const proxies = callbackProxies(view);
  const byEvent = new Groups<DeliveryRecord | FaultDecision>();
  const add = (eventId: string, r: DeliveryRecord | FaultDecision): void => byEvent.add(eventId, r);
  for (const d of view.deliveries) add(d.eventId, d);
  const decisions = view.decisions.filter((d) => proxies.has(d.proxy) && d.idempotencyKey);
  const toxicAttributes = new Map<string, Record<string, unknown>>();
  for (const f of view.faults) if (f.phase === 'start' && f.attributes) toxicAttributes.set(f.toxic, f.attributes);
  const forwarded = (d: FaultDecision): boolean => d.action === 'status' && toxicAttributes.get(d.toxic)?.forward === true;
  for (const d of decisions) if (d.action === 'drop_request' || (d.action === 'status' && !forwarded(d))) add(d.idempotencyKey!, d);
  byEvent.compact();
  if (decisions.length) {
    for (const list of byEvent.multiples()) list.sort((a, b) => timeOf(a) - timeOf(b));
  }
  const lostAnswers = new Set<DeliveryRecord>();
  const replacedAnswers = new Map<DeliveryRecord, FaultDecision>();
  for (const d of decisions) {
    if (d.action !== 'drop_response' && !forwarded(d)) continue;
    // The sink answered, but the provider saw a failure or the fault's status: mark the sink's attempt nearest in time.
    let best: DeliveryRecord | undefined;
    for (const r of byEvent.get(d.idempotencyKey!) ?? []) {
      if (r.kind === 'delivery' && (!best || Math.abs(r.time - d.time) < Math.abs(best.time - d.time))) best = r;
    }
    if (best && d.action === 'drop_response') lostAnswers.add(best);
    else if (best) replacedAnswers.set(best, d);
  }
  return { byEvent, lostAnswers, replacedAnswers, toxicAttributes };
}

function toAttempt(index: AttemptIndex, eventId: string, r: DeliveryRecord | FaultDecision): CallbackAttempt {
  if (r.kind === 'delivery') {
    const replaced = index.replacedAnswers.get(r);
    if (replaced) return { ...toAttempt(index, eventId, replaced), time: r.time, delivery: r, record: r };
    return { time: r.time, eventId, status: index.lostAnswers.has(r) ? undefined : r.answeredStatus, retryAfterSeconds: r.retryAfterSeconds, delivery: r, record: r };
  }
  if (r.action === 'status') {
    // The decision names its toxic; the toxic's attributes (from the fault record) say what was answered.
    const attrs = index.toxicAttributes.get(r.toxic) ?? {};
    const status = typeof attrs.status === 'number' ? attrs.status : 500;
    // Retry-After may be given as seconds (number or numeric string) or an HTTP date (not judged).
    const ra = Number(attrs.retry_after);
    const retryAfter = attrs.retry_after !== undefined && Number.isFinite(ra) ? ra : undefined;
    return { time: r.time, eventId, status, retryAfterSeconds: retryAfter, record: r };
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
  let index = cache.get(view);
  if (!index) {
    index = buildIndex(view);
    cache.set(view, index);
  }
  for (const [eventId, raw] of index.byEvent) yield [eventId, raw.map((r) => toAttempt(index!, eventId, r))];
}

export const delivered = (a: CallbackAttempt): boolean => a.status !== undefined && a.status >= 200 && a.status < 300;
