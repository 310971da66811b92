import type { ApiProfile } from '../config/profile-types.js';
import type { FinalRead, HistoryRecord } from '../history/types.js';
import { readField } from '../workload/request.js';
import type { Exchange, HistoryView } from './history-view.js';

/** A payment as one answer (or the final read) showed it. */
export interface PaymentSnapshot {
  resourceId: string;
  status?: string;
  amount?: number;
  amountCaptured?: number;
  amountRefunded?: number;
  currency?: string;
  /** When it was observed: completion time; `startedAt` is when the request that observed it was sent. */
  time: number;
  startedAt: number;
  exchange?: Exchange;
  finalRead?: FinalRead;
}

/** The records that show a snapshot, for witnesses (built only when a check fails). */
export function snapshotRecords(s: PaymentSnapshot): HistoryRecord[] {
  if (s.finalRead) return [s.finalRead];
  return s.exchange!.complete ? [s.exchange!.invoke, s.exchange!.complete] : [s.exchange!.invoke];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The payment object inside an answer, per the profile (refunds may embed the payment). */
function paymentBody(profile: ApiProfile, ex: Exchange): unknown {
  const body = ex.complete?.body;
  if (ex.invoke.op === 'refund') return profile.fields.refundPayment ? readField(body, profile.fields.refundPayment) : undefined;
  if (ex.invoke.op === 'list' || ex.invoke.op === 'registerWebhook') return undefined;
  return body;
}

/** An answer or final read that shows a payment; kept as a reference so the index stays small. */
export type Observation = Exchange | FinalRead;

const cache = new WeakMap<HistoryView, Map<string, Observation[]>>();

const isFinal = (o: Observation): o is FinalRead => (o as FinalRead).kind === 'final-read';
const timeOf = (o: Observation): number => (isFinal(o) ? o.time : o.complete!.time);

/** Reads one observation's payment fields through the profile (transient; nothing is kept). */
export function snapshotOf(profile: ApiProfile, o: Observation, resourceId: string): PaymentSnapshot {
  if (isFinal(o)) {
    return {
      resourceId, status: o.paymentStatus, amount: o.amount, amountCaptured: o.amountCaptured, amountRefunded: o.amountRefunded,
      currency: o.currency, time: o.time, startedAt: o.time, finalRead: o,
    };
  }
  const f = profile.fields;
  const body = paymentBody(profile, o);
  return {
    resourceId,
    status: str(readField(body, f.status)),
    amount: num(readField(body, f.amount)),
    amountCaptured: f.amountCaptured ? num(readField(body, f.amountCaptured)) : undefined,
    amountRefunded: f.amountRefunded ? num(readField(body, f.amountRefunded)) : undefined,
    currency: f.currency ? str(readField(body, f.currency)) : undefined,
    time: o.complete!.time,
    startedAt: o.invoke.time,
    exchange: o,
  };
}

/** Just the status and times of an observation: what the lifecycle check needs, without the amounts. */
export function statusOf(profile: ApiProfile, o: Observation): { status?: string; time: number; startedAt: number } {
  if (isFinal(o)) return { status: o.paymentStatus, time: o.time, startedAt: o.time };
  // The client already read the status through the profile when it recorded the answer.
  const status = o.complete!.paymentStatus ?? str(readField(paymentBody(profile, o), profile.fields.status));
  return { status, time: o.complete!.time, startedAt: o.invoke.time };
}

/** Every successful answer that shows a payment, plus final reads, grouped by payment id in time order. */
export function paymentObservations(view: HistoryView, profile: ApiProfile): Map<string, Observation[]> {
  const hit = cache.get(view);
  if (hit) return hit;
  const out = new Map<string, Observation[]>();
  const add = (id: string, o: Observation): void => {
    const list = out.get(id);
    if (list) list.push(o);
    else out.set(id, [o]);
  };
  for (const ex of view.exchanges) {
    const c = ex.complete;
    if (!c || c.outcome !== 'ok') continue;
    const body = paymentBody(profile, ex);
    if (body === undefined || body === null || typeof body !== 'object') continue;
    // The client already read the id through the profile; a refund's answer names the refund, so use the request's payment.
    const id = ex.invoke.op === 'refund' ? ex.invoke.resourceId : (c.resourceId ?? str(readField(body, profile.fields.id)) ?? ex.invoke.resourceId);
    if (id) add(id, ex);
  }
  for (const r of view.finalReads.values()) if (r.outcome === 'ok') add(r.resourceId, r);
  for (const [id, grown] of out) {
    // A trimmed copy: pushed arrays keep 17+ slots, most of this index's memory otherwise.
    const list = grown.length > 1 ? grown.slice() : grown;
    if (list !== grown) out.set(id, list);
    // Usually already in order (the history is appended in time order); sort only when not.
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) if (timeOf(list[i]!) < timeOf(list[i - 1]!)) sorted = false;
    if (!sorted) list.sort((a, b) => timeOf(a) - timeOf(b));
  }
  cache.set(view, out);
  return out;
}
