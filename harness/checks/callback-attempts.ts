import type { DeliveryRecord, FaultDecision, HistoryRecord } from '../history/types.js';
import type { HistoryView } from './history-view.js';

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

const cache = new WeakMap<HistoryView, Map<string, CallbackAttempt[]>>();

/** Proxy names that sit on the callback path, from the run's fault records and proxy notes. */
function callbackProxies(view: HistoryView): Set<string> {
  const names = new Set<string>();
  for (const f of view.faults) if (f.path === 'callbacks') names.add(f.proxy);
  const meta = view.run?.meta as { proxies?: { callbacks?: string } } | undefined;
  if (meta?.proxies?.callbacks) names.add(meta.proxies.callbacks);
  return names;
}

/**
 * Every delivery attempt per event id, in time order: what the sink received, corrected by the
 * callback proxy's decisions (a dropped response means the provider saw a failure although the sink
 * answered; a dropped request or an injected status never reached the sink at all).
 */
export function callbackAttempts(view: HistoryView): Map<string, CallbackAttempt[]> {
  const hit = cache.get(view);
  if (hit) return hit;
  const proxies = callbackProxies(view);
  const byEvent = new Map<string, CallbackAttempt[]>();
  const add = (a: CallbackAttempt): void => {
    const list = byEvent.get(a.eventId);
    if (list) list.push(a);
    else byEvent.set(a.eventId, [a]);
  };
  for (const d of view.deliveries) {
    add({ time: d.time, eventId: d.eventId, status: d.answeredStatus, retryAfterSeconds: d.retryAfterSeconds, delivery: d, record: d });
  }
  const decisions: FaultDecision[] = view.decisions.filter((d) => proxies.has(d.proxy) && d.idempotencyKey);
  for (const d of decisions) {
    const eventId = d.idempotencyKey!;
    if (d.action === 'drop_request') add({ time: d.time, eventId, record: d });
    else if (d.action === 'status') {
      // The decision names its toxic; the toxic's attributes (from the fault record) say what was answered.
      const attrs = view.faults.find((f) => f.toxic === d.toxic && f.phase === 'start')?.attributes ?? {};
      const status = typeof attrs.status === 'number' ? attrs.status : 500;
      const retryAfter = typeof attrs.retry_after === 'number' ? attrs.retry_after : undefined;
      add({ time: d.time, eventId, status, retryAfterSeconds: retryAfter, record: d });
    }
  }
  for (const list of byEvent.values()) list.sort((a, b) => a.time - b.time);
  for (const d of decisions) {
    if (d.action !== 'drop_response') continue;
    // The sink answered, but the provider never saw it: mark the sink's attempt nearest in time as failed.
    const list = byEvent.get(d.idempotencyKey!);
    if (!list) continue;
    let best: CallbackAttempt | undefined;
    for (const a of list) if (a.delivery && (!best || Math.abs(a.time - d.time) < Math.abs(best.time - d.time))) best = a;
    if (best) best.status = undefined;
  }
  cache.set(view, byEvent);
  return byEvent;
}

export const delivered = (a: CallbackAttempt): boolean => a.status !== undefined && a.status >= 200 && a.status < 300;
