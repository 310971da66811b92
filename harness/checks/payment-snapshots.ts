import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecord } from '../history/types.js';
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
  records: HistoryRecord[];
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

const cache = new WeakMap<HistoryView, Map<string, PaymentSnapshot[]>>();

/** Every successful answer that shows a payment, plus final reads, grouped by payment id in time order. */
export function paymentSnapshots(view: HistoryView, profile: ApiProfile): Map<string, PaymentSnapshot[]> {
  const hit = cache.get(view);
  if (hit) return hit;
  const f = profile.fields;
  const out = new Map<string, PaymentSnapshot[]>();
  const add = (s: PaymentSnapshot): void => {
    const list = out.get(s.resourceId);
    if (list) list.push(s);
    else out.set(s.resourceId, [s]);
  };
  for (const ex of view.exchanges) {
    const c = ex.complete;
    if (!c || c.outcome !== 'ok') continue;
    const body = paymentBody(profile, ex);
    if (body === undefined || body === null || typeof body !== 'object') continue;
    const id = str(readField(body, f.id)) ?? (ex.invoke.op === 'create' ? c.resourceId : ex.invoke.resourceId);
    if (!id) continue;
    add({
      resourceId: id,
      status: str(readField(body, f.status)),
      amount: num(readField(body, f.amount)),
      amountCaptured: f.amountCaptured ? num(readField(body, f.amountCaptured)) : undefined,
      amountRefunded: f.amountRefunded ? num(readField(body, f.amountRefunded)) : undefined,
      currency: f.currency ? str(readField(body, f.currency)) : undefined,
      time: c.time,
      startedAt: ex.invoke.time,
      exchange: ex,
      records: [ex.invoke, c],
    });
  }
  for (const r of view.finalReads.values()) {
    if (r.outcome !== 'ok') continue;
    add({
      resourceId: r.resourceId, status: r.paymentStatus, amount: r.amount, amountCaptured: r.amountCaptured,
      amountRefunded: r.amountRefunded, currency: r.currency, time: r.time, startedAt: r.time, records: [r],
    });
  }
  for (const list of out.values()) list.sort((a, b) => a.time - b.time);
  cache.set(view, out);
  return out;
}
