import type {
  DeliveryRecord, FaultDecision, FaultRecord, FinalRead, HistoryRecord, OperationComplete, OperationInvoke, ReferenceCount, RunStart,
} from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';
import { Interner } from './interner.js';
import { IntColumn } from './int-column.js';
import { IntGroups } from './int-groups.js';
import { InFlight } from './in-flight.js';

/** One request attempt and its completion (absent when the run stopped before it completed), made on demand by `exchangeAt`. */
export interface Exchange {
  invoke: OperationInvoke;
  complete?: OperationComplete;
  /** Cache of `payloadOf` (computed only for keys that were sent more than once). */
  payload?: string;
}

/**
 * A history indexed once so every check stays linear; built lazily and shared by all checks.
 * Ids are interned to numbers and groups are linked lists in typed arrays, so the index costs a few
 * bytes per record instead of a Map entry and an array per key, payment and event.
 */
export interface HistoryView {
  history: readonly HistoryRecord[];
  run?: RunStart;
  /** History index of each exchange's invoke, in history order (exchange objects are made on demand by `exchangeAt`). */
  invokeAt: IntColumn;
  /** History index of each exchange's completion, -1 when it never completed. */
  completeAt: IntColumn;
  /** Numbers for idempotency keys and logical ids. */
  keys: Interner;
  /** Numbers for payment ids. */
  payments: Interner;
  /** Exchange indexes per key number. */
  byKey: IntGroups;
  /** Refund exchange indexes per payment number, in completion order: their sum is checked against the final refunded amount. */
  refunds: IntGroups;
  deliveries: DeliveryRecord[];
  /** Each proxy decision once: a record repeating an earlier one's proxy and `seq` is left out (see `decisionRepeats`). */
  decisions: FaultDecision[];
  /** The records left out of `decisions` as repeats of a proxy event pulled twice, for checks that count them. */
  decisionRepeats: FaultDecision[];
  faults: FaultRecord[];
  /** History index of the (last) final read per payment number, -1 when none. */
  finalReadAt: IntColumn;
  /** Payment numbers with a final read, in first-read order. */
  finalReadOrder: IntColumn;
  /** History index of the (last) reference listing per logical id (key number), -1 when none. */
  referenceCountAt: IntColumn;
  /** The profile the view was built for (payload comparison depends on it). */
  profile: ApiProfile;
  /** Time of the last record: how long the run watched for callbacks. */
  endTime: number;
  /** Whether any request names a merchant (keys are scoped per merchant only then). */
  anyMerchant: boolean;
}

/** Whether keys are already in `sort()` order (UTF-16 code units): then sorting them would only allocate. */
function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/** Stable JSON: keys sorted, so `{a,b}` and `{b,a}` compare equal. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  // One string built in a loop: the map/join version made two arrays and a string per key (a replay check's hot path).
  const keys = Object.keys(value);
  if (!isSorted(keys)) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out += `${i ? ',' : ''}${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`;
  }
  return `${out}}`;
}

function computePayload(invoke: OperationInvoke, keyField?: string): string {
  const body = invoke.body;
  if (keyField && body && typeof body === 'object' && !Array.isArray(body)) {
    const { [keyField]: _key, ...rest } = body as Record<string, unknown>;
    return `${invoke.method} ${invoke.path} ${canonical(rest)}`;
  }
  return `${invoke.method} ${invoke.path} ${canonical(body)}`;
}

/** Payloads computed for a view, by request: exchanges are made afresh per call, and four checks compare the same keys' payloads. */
const payloads = new WeakMap<HistoryView, Map<OperationInvoke, string>>();

/** Canonical payload (method, path, body without the idempotency field), for comparing requests that share a key. */
export function payloadOf(view: HistoryView, ex: Exchange): string {
  if (ex.payload !== undefined) return ex.payload;
  let known = payloads.get(view);
  if (!known) payloads.set(view, (known = new Map()));
  let payload = known.get(ex.invoke);
  if (payload === undefined) {
    payload = computePayload(ex.invoke, view.profile.idempotency.in === 'body' ? view.profile.idempotency.name : undefined);
    known.set(ex.invoke, payload);
  }
  ex.payload = payload;
  return payload;
}

const cache = new WeakMap<readonly HistoryRecord[], { view: HistoryView; length: number }>();

/** One view per history array, shared by all checks of one judgement; rebuilt if the array grew since. */
export function viewOf(history: readonly HistoryRecord[], profile: ApiProfile): HistoryView {
  const hit = cache.get(history);
  if (hit && hit.length === history.length && hit.view.profile === profile) return hit.view;
  const view: HistoryView = {
    history, invokeAt: new IntColumn(), completeAt: new IntColumn(), keys: new Interner(), payments: new Interner(), byKey: new IntGroups(), refunds: new IntGroups(), deliveries: [], decisions: [], decisionRepeats: [], faults: [],
    finalReadAt: new IntColumn(), finalReadOrder: new IntColumn(), referenceCountAt: new IntColumn(), endTime: 0, anyMerchant: false, profile,
  };
  // Exchanges still waiting for their completion, by opId (few at a time).
  const open = new InFlight<number>();
  // Proxy events already taken, by proxy and seq: a decision pulled twice from /events is one decision.
  const decisionSeen = new Set<string>();
  for (let h = 0; h < history.length; h++) {
    const r = history[h]!;
    if (r.time > view.endTime) view.endTime = r.time;
    switch (r.kind) {
      case 'run': view.run ??= r; break;
      case 'invoke': {
        const e = view.invokeAt.push(h);
        open.set(r.opId, e);
        if (r.merchant !== undefined) view.anyMerchant = true;
        // Keys are scoped per merchant: one key sent by two merchants is two keys to every key-based check.
        if (r.idempotencyKey !== undefined) view.byKey.add(view.keys.intern(r.merchant ? `${r.idempotencyKey} (merchant ${r.merchant})` : r.idempotencyKey), e);
        break;
      }
      case 'complete': {
        const e = open.get(r.opId);
        if (e !== undefined) {
          const invoke = history[view.invokeAt.get(e)] as OperationInvoke;
          view.completeAt.set(e, h);
          open.delete(r.opId);
          if (invoke.op === 'refund' && invoke.resourceId !== undefined) view.refunds.add(view.payments.intern(invoke.resourceId), e);
        }
        break;
      }
      case 'delivery': view.deliveries.push(r); break;
      case 'fault-decision': {
        if (r.seq !== undefined) {
          const id = `${r.proxy}\u0000${r.seq}`;
          if (decisionSeen.has(id)) {
            view.decisionRepeats.push(r);
            break;
          }
          decisionSeen.add(id);
        }
        view.decisions.push(r);
        break;
      }
      case 'fault': view.faults.push(r); break;
      case 'final-read': {
        const id = view.payments.intern(r.resourceId);
        if (view.finalReadAt.get(id) < 0) view.finalReadOrder.push(id);
        view.finalReadAt.set(id, h);
        break;
      }
      case 'reference-count':
        // A failed listing counted nothing: the payment is as if not listed.
        if (r.error !== undefined) break;
        if (r.logicalId !== undefined) view.referenceCountAt.set(view.keys.intern(r.logicalId), h);
        break;
      default: break;
    }
  }
  view.invokeAt.trim();
  view.completeAt.trim();
  view.byKey.trim();
  view.refunds.trim();
  view.finalReadAt.trim();
  view.finalReadOrder.trim();
  view.referenceCountAt.trim();
  cache.set(history, { view, length: history.length });
  return view;
}

/** The final read of a payment, if the run made one. */
export function finalReadOf(view: HistoryView, resourceId: string): FinalRead | undefined {
  const id = view.payments.find(resourceId);
  const h = id < 0 ? -1 : view.finalReadAt.get(id);
  return h < 0 ? undefined : (view.history[h] as FinalRead);
}

/** The reference listing made for a logical create, if any. */
export function referenceCountOf(view: HistoryView, logicalId: string): ReferenceCount | undefined {
  const id = view.keys.find(logicalId);
  const h = id < 0 ? -1 : view.referenceCountAt.get(id);
  return h < 0 ? undefined : (view.history[h] as ReferenceCount);
}

/** The request and completion of exchange `e`, as a new (short-lived) object. */
export function exchangeAt(view: HistoryView, e: number): Exchange {
  const complete = view.completeAt.get(e);
  const invoke = view.history[view.invokeAt.get(e)] as OperationInvoke;
  return complete < 0 ? { invoke } : { invoke, complete: view.history[complete] as OperationComplete };
}

/** A fresh array of the exchanges in group `group` of `groups` (for the few groups a check keeps). */
export function exchangesIn(view: HistoryView, groups: IntGroups, group: number): Exchange[] {
  const out: Exchange[] = [];
  for (let slot = groups.firstSlot(group); slot >= 0; slot = groups.nextSlot(slot)) out.push(exchangeAt(view, groups.valueAt(slot)));
  return out;
}

/** Keys sent more than once, with their exchanges: what replay and mismatch checks look at. */
export function* repeatedKeys(view: HistoryView): Generator<[string, Exchange[]]> {
  for (let i = 0; i < view.byKey.groupCount; i++) {
    const key = view.byKey.groupAt(i);
    if (view.byKey.size(key) > 1) yield [view.keys.strings[key]!, exchangesIn(view, view.byKey, key)];
  }
}

/**
 * Calls `fn` for every idempotency key with its exchanges. The list is a scratch array reused
 * between calls, so `fn` must not keep it.
 */
export function forEachKey(view: HistoryView, fn: (key: string, exchanges: readonly Exchange[]) => void): void {
  const scratch: Exchange[] = [];
  const { byKey } = view;
  for (let i = 0; i < byKey.groupCount; i++) {
    const key = byKey.groupAt(i);
    scratch.length = 0;
    for (let slot = byKey.firstSlot(key); slot >= 0; slot = byKey.nextSlot(slot)) scratch.push(exchangeAt(view, byKey.valueAt(slot)));
    fn(view.keys.strings[key]!, scratch);
  }
}

export const isSuccess = (ex: Exchange): boolean => ex.complete?.outcome === 'ok';
export const isInfo = (ex: Exchange): boolean => !ex.complete || ex.complete.outcome === 'info';

/** Records of an exchange for a witness. */
export function recordsOf(...exchanges: Exchange[]): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  for (const ex of exchanges) {
    out.push(ex.invoke);
    if (ex.complete) out.push(ex.complete);
  }
  return out;
}

/** Witness lists are capped so a huge broken history still gives a small, readable verdict. */
export const MAX_WITNESSES = 5;

export function describeExchange(ex: Exchange): string {
  const c = ex.complete;
  const result = !c ? 'never completed' : c.status !== undefined ? `got ${c.status}` : `${c.outcome} (${c.error ?? 'no response'})`;
  return `${ex.invoke.op} #${ex.invoke.opId} (${ex.invoke.method} ${ex.invoke.path}${ex.invoke.intent && ex.invoke.intent !== 'workload' ? `, ${ex.invoke.intent}` : ''}) ${result}`;
}
