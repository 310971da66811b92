import type { ApiProfile } from '../config/profile-types.js';
import type { FinalRead, HistoryRecord, OperationComplete, OperationInvoke, PaymentOperation } from '../history/types.js';
import { readField } from '../workload/request.js';
import { readAmount } from '../profile/amount-format.js';
import { exchangeAt, type Exchange, type HistoryView } from './history-view.js';
import { IntGroups } from './int-groups.js';
import { refundLedgerOf } from '../profile/refund-ledger.js';
import { refundedAtEnd } from './refunded-total.js';

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

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The payment object inside an answer, per the profile (refunds may embed the payment). */
function paymentBody(profile: ApiProfile, ex: Exchange): unknown {
  return paymentBodyOf(profile, ex.invoke.op, ex.complete?.body);
}

function paymentBodyOf(profile: ApiProfile, op: PaymentOperation, body: unknown): unknown {
  if (op === 'refund') return profile.fields.refundPayment ? readField(body, profile.fields.refundPayment) : undefined;
  if (op === 'list' || op === 'registerWebhook') return undefined;
  return body;
}

/** An answer or final read that shows a payment; kept as a reference so the index stays small. */
export type Observation = Exchange | FinalRead;

/**
 * Observations per payment number (`view.ids`): an exchange index, or a final read's history index
 * as `-(index + 1)`, so the index holds numbers rather than an array per payment.
 */
export interface PaymentObservations {
  byPayment: IntGroups;
}

const cache = new WeakMap<HistoryView, PaymentObservations>();

const isFinal = (o: Observation): o is FinalRead => (o as FinalRead).kind === 'final-read';

/**
 * The refunded total a final read stands for: what it read (the payment's field, or the refund list
 * it fetched), or, when refund answers are the profile's only ledger, their sum up to the end.
 */
function finalRefunded(profile: ApiProfile, final: FinalRead, view: HistoryView | undefined): number | undefined {
  if (refundLedgerOf(profile)?.source !== 'answers' || !view) return final.amountRefunded;
  const payment = view.payments.find(final.resourceId);
  return payment < 0 ? undefined : refundedAtEnd(view, profile, payment, final).amount;
}

/**
 * Reads one observation's payment fields through the profile (transient; nothing is kept). With the
 * view, a final read's refunded total follows the profile's refund ledger even when that is the answers.
 */
export function snapshotOf(profile: ApiProfile, o: Observation, resourceId: string, view?: HistoryView): PaymentSnapshot {
  if (isFinal(o)) {
    return {
      resourceId, status: o.paymentStatus, amount: o.amount, amountCaptured: o.amountCaptured, amountRefunded: finalRefunded(profile, o, view),
      currency: o.currency, time: o.time, startedAt: o.time, finalRead: o,
    };
  }
  const f = profile.fields;
  const body = paymentBody(profile, o);
  return {
    resourceId,
    status: str(readField(body, f.status)),
    amount: readAmount(profile, body, f.amount),
    amountCaptured: f.amountCaptured ? readAmount(profile, body, f.amountCaptured) : undefined,
    amountRefunded: f.amountRefunded ? readAmount(profile, body, f.amountRefunded) : undefined,
    currency: f.currency ? str(readField(body, f.currency)) : undefined,
    time: o.complete!.time,
    startedAt: o.invoke.time,
    exchange: o,
  };
}

/** The observation a `PaymentObservations` entry stands for. */
export function observationAt(view: HistoryView, entry: number): Observation {
  return entry >= 0 ? exchangeAt(view, entry) : (view.history[-entry - 1] as FinalRead);
}

/** The status an observation entry shows, read from the history without making the observation. */
export function statusAt(view: HistoryView, profile: ApiProfile, entry: number): string | undefined {
  if (entry < 0) return (view.history[-entry - 1] as FinalRead).paymentStatus;
  const c = view.history[view.completeAt.get(entry)] as OperationComplete;
  // The client already read the status through the profile when it recorded the answer.
  return c.paymentStatus ?? str(readField(paymentBodyOf(profile, (view.history[view.invokeAt.get(entry)] as OperationInvoke).op, c.body), profile.fields.status));
}

/** When an observation entry was made (its answer's completion). */
export function observedAtEntry(view: HistoryView, entry: number): number {
  return view.history[entry < 0 ? -entry - 1 : view.completeAt.get(entry)]!.time;
}

/** When the request behind an observation entry was sent (a final read's own time). */
export function requestedAtEntry(view: HistoryView, entry: number): number {
  return view.history[entry < 0 ? -entry - 1 : view.invokeAt.get(entry)]!.time;
}

/** Whether an observation entry is the answer to a create. */
export function isCreateEntry(view: HistoryView, entry: number): boolean {
  return entry >= 0 && (view.history[view.invokeAt.get(entry)] as OperationInvoke).op === 'create';
}

/** Every successful answer that shows a payment, plus final reads, grouped by payment in time order (payments in first-seen order). */
export function paymentObservations(view: HistoryView, profile: ApiProfile): PaymentObservations {
  const hit = cache.get(view);
  if (hit) return hit;
  const byPayment = new IntGroups();
  const { history, invokeAt, completeAt } = view;
  for (let e = 0; e < invokeAt.length; e++) {
    const completed = completeAt.get(e);
    if (completed < 0) continue;
    const c = history[completed] as OperationComplete;
    if (c.outcome !== 'ok') continue;
    const invoke = history[invokeAt.get(e)] as OperationInvoke;
    // A deliberate replay answers with the stored result: the payment as it was then, not an observation of now.
    if (invoke.intent === 'replay') continue;
    const body = paymentBodyOf(profile, invoke.op, c.body);
    if (body === undefined || body === null || typeof body !== 'object') continue;
    // The client already read the id through the profile; a refund's answer names the refund, so use the request's payment.
    const id = invoke.op === 'refund' ? invoke.resourceId : (c.resourceId ?? str(readField(body, profile.fields.id)) ?? invoke.resourceId);
    if (id) byPayment.add(view.payments.intern(id), e);
  }
  for (let i = 0; i < view.finalReadOrder.length; i++) {
    const payment = view.finalReadOrder.get(i);
    const h = view.finalReadAt.get(payment);
    if ((view.history[h] as FinalRead).outcome === 'ok') byPayment.add(payment, -h - 1);
  }
  byPayment.trim();
  // Usually already in order (the history is appended in time order); sort only the payments that are not.
  const timeAt = (entry: number): number => observedAtEntry(view, entry);
  for (let i = 0; i < byPayment.groupCount; i++) {
    const payment = byPayment.groupAt(i);
    let previous = -Infinity;
    for (let slot = byPayment.firstSlot(payment); slot >= 0; slot = byPayment.nextSlot(slot)) {
      const time = timeAt(byPayment.valueAt(slot));
      if (time < previous) {
        byPayment.sortGroup(payment, (a, b) => timeAt(a) - timeAt(b));
        break;
      }
      previous = time;
    }
  }
  const out = { byPayment };
  cache.set(view, out);
  return out;
}
