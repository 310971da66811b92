import type { ApiProfile, LifecycleSpec } from '../config/profile-types.js';
import type { PaymentOperation } from '../history/types.js';
import { exchangeAt, type Exchange, type HistoryView } from './history-view.js';
import { observationAt, observedAtEntry, paymentObservations, requestedAtEntry, snapshotOf, statusAt } from './payment-snapshots.js';

/** The writes on an existing payment whose effect the lifecycle governs. */
export const STATE_WRITES: ReadonlySet<PaymentOperation> = new Set(['capture', 'refund', 'cancel']);

/**
 * One logical write: every attempt that shares an idempotency key (retries, replays, copies) is one
 * request with at most one effect, so a replay's stored 2xx is never mistaken for a second write.
 */
export interface WriteRequest {
  op: PaymentOperation;
  payment: string;
  /** Its idempotency key (or `#opId` when it carried none). */
  key: string;
  /** Exchange indexes of its attempts, in send order. */
  entries: number[];
  /** When its first attempt was sent. */
  sentAt: number;
  /** Exchange index of its first 2xx attempt, -1 when none was accepted. */
  accepted: number;
  /** No attempt was accepted and one lost its answer: it may or may not have taken effect. */
  lost: boolean;
  /** By when its effect, if any, had surely happened (its 2xx answer; Infinity when its answer was lost). */
  end: number;
  /** The amount it moves, minor units. */
  amount?: number;
}

/** A status one answer (or the final read) showed, with when the request behind it was sent and answered. */
export interface StatusSeen {
  entry: number;
  status: string;
  sentAt: number;
  seenAt: number;
}

/** One payment's writes and every status seen of it, both in time order. */
export interface PaymentTimeline {
  payment: string;
  writes: WriteRequest[];
  seen: StatusSeen[];
}

export const mayHaveTakenEffect = (w: WriteRequest): boolean => w.accepted >= 0 || w.lost;

const cache = new WeakMap<HistoryView, PaymentTimeline[]>();

/** Every payment that had a capture, refund or cancel sent to it, with its writes and the statuses seen of it (built once per view). */
export function paymentTimelines(view: HistoryView, profile: ApiProfile): PaymentTimeline[] {
  const hit = cache.get(view);
  if (hit) return hit;
  const byPayment = new Map<string, Map<string, WriteRequest>>();
  for (let e = 0; e < view.invokeAt.length; e++) {
    const ex = exchangeAt(view, e);
    const { invoke, complete } = ex;
    if (!STATE_WRITES.has(invoke.op) || invoke.resourceId === undefined) continue;
    const key = invoke.idempotencyKey ?? `#${invoke.opId}`;
    let writes = byPayment.get(invoke.resourceId);
    if (!writes) byPayment.set(invoke.resourceId, (writes = new Map()));
    let w = writes.get(key);
    if (!w) {
      w = { op: invoke.op, payment: invoke.resourceId, key, entries: [], sentAt: invoke.time, accepted: -1, lost: false, end: invoke.time, amount: invoke.amount };
      writes.set(key, w);
    }
    w.entries.push(e);
    settle(w, e, ex);
  }
  const { byPayment: observed } = paymentObservations(view, profile);
  const out: PaymentTimeline[] = [];
  for (const [payment, writes] of byPayment) {
    const seen: StatusSeen[] = [];
    const n = view.payments.find(payment);
    for (let slot = n < 0 ? -1 : observed.firstSlot(n); slot >= 0; slot = observed.nextSlot(slot)) {
      const entry = observed.valueAt(slot);
      const status = statusAt(view, profile, entry);
      if (status !== undefined) seen.push({ entry, status, sentAt: requestedAtEntry(view, entry), seenAt: observedAtEntry(view, entry) });
    }
    out.push({ payment, writes: [...writes.values()].sort((a, b) => a.sentAt - b.sentAt), seen });
  }
  cache.set(view, out);
  return out;
}

/** Folds one attempt into its request: the first 2xx is the one that counts; a lost answer leaves the effect open. */
function settle(w: WriteRequest, e: number, ex: Exchange): void {
  const outcome = ex.complete?.outcome ?? 'info';
  if (w.accepted >= 0) return;
  if (outcome === 'ok') {
    w.accepted = e;
    w.lost = false;
    w.end = ex.complete!.time;
  } else if (outcome === 'info') {
    w.lost = true;
    w.end = Infinity;
  } else if (!w.lost) {
    w.end = Math.max(w.end, ex.complete!.time);
  }
}

/** The status a payment surely had over a time span, or why it is not known. */
export type KnownStatus = { status: string; seen: StatusSeen } | { unknown: string };

/**
 * The payment's status from the last answer that arrived by `from`, provided nothing else could have
 * changed it until `until`: no other write that may have taken effect was in flight between that
 * answer's request and `until`. `ignore` are the writes being judged themselves.
 */
export function statusOver(t: PaymentTimeline, from: number, until: number, ignore: readonly WriteRequest[]): KnownStatus {
  let last: StatusSeen | undefined;
  for (const s of t.seen) if (s.seenAt <= from && (!last || s.seenAt >= last.seenAt)) last = s;
  if (!last) return { unknown: 'no answer had shown the payment before it was sent' };
  for (const x of t.writes) {
    if (ignore.includes(x) || !mayHaveTakenEffect(x) || x.accepted === last.entry) continue;
    if (x.sentAt < until && x.end > last.sentAt) {
      return { unknown: x.lost ? 'state not known for sure when it was sent: an earlier write on the payment lost its answer' : 'state not known for sure when it was sent: another write on the payment was in flight' };
    }
  }
  return { status: last.status, seen: last };
}

/** The status a write's own 2xx answer showed (a refund's through the profile's embedded payment). */
export function statusAfter(t: PaymentTimeline, w: WriteRequest): string | undefined {
  return w.accepted < 0 ? undefined : t.seen.find((s) => s.entry === w.accepted)?.status;
}

/** Op → the states it was seen to lead to, learned only from moves the lifecycle allows (a buggy move teaches nothing). */
export type LearnedEffects = Map<PaymentOperation, Set<string>>;

/** What each operation does, as this run's own accepted writes showed it, read against the profile's lifecycle. */
export function learnEffects(timelines: readonly PaymentTimeline[], lifecycle: LifecycleSpec): LearnedEffects {
  const effects: LearnedEffects = new Map();
  for (const t of timelines) {
    for (const w of t.writes) {
      const after = statusAfter(t, w);
      if (after === undefined) continue;
      const before = statusOver(t, w.sentAt, w.sentAt, [w]);
      if (!('status' in before) || !(lifecycle.transitions[before.status] ?? []).includes(after)) continue;
      let set = effects.get(w.op);
      if (!set) effects.set(w.op, (set = new Set()));
      set.add(after);
    }
  }
  return effects;
}

/**
 * Operations this run saw accepted while the payment's status stayed as it was, where the lifecycle
 * declares no such self-move: they do not touch the status at all (refunds kept as their own objects
 * while the payment stays "succeeded"). Learned from writes whose prior status was known for sure.
 */
export function learnKeeps(timelines: readonly PaymentTimeline[], lifecycle: LifecycleSpec): Set<PaymentOperation> {
  const keeps = new Set<PaymentOperation>();
  for (const t of timelines) {
    for (const w of t.writes) {
      const after = statusAfter(t, w);
      if (after === undefined) continue;
      const before = statusOver(t, w.sentAt, w.sentAt, [w]);
      if ('status' in before && before.status === after && !(lifecycle.transitions[after] ?? []).includes(after)) keeps.add(w.op);
    }
  }
  return keeps;
}

/** Whether the lifecycle lets `op` act on a payment in `status`, and if not, a phrase saying why. */
export type MoveRule = { allowed: true; to: string[] } | { allowed: false; why: string } | { unknown: string };

export function ruleFor(lifecycle: LifecycleSpec, effects: LearnedEffects, op: PaymentOperation, status: string): MoveRule {
  // An operation never seen to move a payment may not touch its status at all (refunds kept as their
  // own objects while the payment stays "succeeded"): not even a terminal status forbids it then.
  const leadsTo = effects.get(op);
  if (!leadsTo?.size) return { unknown: `no accepted ${op} showed which state it leads to` };
  if (lifecycle.terminal.includes(status)) return { allowed: false, why: `"${status}" is terminal` };
  const next = lifecycle.transitions[status] ?? [];
  const to = [...leadsTo].filter((s) => next.includes(s));
  if (to.length) return { allowed: true, to };
  return { allowed: false, why: `${op} leads to ${[...leadsTo].map((s) => `"${s}"`).join(' or ')}, and the lifecycle allows only ${next.length ? next.map((s) => `"${s}"`).join(', ') : 'nothing'} from "${status}"` };
}

/** A time for sentences: "at 1234 ms". */
export const at = (ms: number): string => (Number.isFinite(ms) ? `at ${Math.round(ms)} ms` : 'with no answer');

/**
 * How a status was seen, with the amounts that answer showed, in minor units: "get #12 answered at
 * 340 ms: amount 2500, captured 0, refunded 0".
 */
export function seenBy(view: HistoryView, s: StatusSeen, payment: string): string {
  const snap = snapshotOf(view.profile, observationAt(view, s.entry), payment);
  const amounts = [['amount', snap.amount], ['captured', snap.amountCaptured], ['refunded', snap.amountRefunded]] as const;
  const shown = amounts.filter(([, v]) => v !== undefined).map(([name, v]) => `${name} ${v}`).join(', ');
  const invoke = s.entry < 0 ? undefined : exchangeAt(view, s.entry).invoke;
  const by = invoke ? `${invoke.op} #${invoke.opId} answered ${at(s.seenAt)}` : `the final read ${at(s.seenAt)}`;
  return shown ? `${by}: ${shown}` : by;
}
