import type {
  DeliveryRecord, FaultDecision, FaultRecord, FinalRead, HistoryRecord, OperationComplete, OperationInvoke, ReferenceCount, RunStart,
} from '../history/types.js';
import type { ApiProfile } from '../config/profile-types.js';
import { Groups } from './groups.js';

/** One request attempt and its completion (absent when the run stopped before it completed). */
export interface Exchange {
  invoke: OperationInvoke;
  complete?: OperationComplete;
  /** Cache of `payloadOf` (computed only for keys that were sent more than once). */
  payload?: string;
}

/** A history indexed once so every check stays linear; built lazily and shared by all checks. */
export interface HistoryView {
  run?: RunStart;
  exchanges: Exchange[];
  byKey: Groups<Exchange>;
  /** Refund attempts per payment id: their sum is checked against the final refunded amount. */
  refundsByResource: Map<string, Exchange[]>;
  deliveries: DeliveryRecord[];
  decisions: FaultDecision[];
  faults: FaultRecord[];
  finalReads: Map<string, FinalRead>;
  referenceCounts: ReferenceCount[];
  /** The profile the view was built for (payload comparison depends on it). */
  profile: ApiProfile;
  /** Time of the last record: how long the run watched for callbacks. */
  endTime: number;
}

/** Stable JSON: keys sorted, so `{a,b}` and `{b,a}` compare equal. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

function computePayload(invoke: OperationInvoke, keyField?: string): string {
  const body = invoke.body;
  if (keyField && body && typeof body === 'object' && !Array.isArray(body)) {
    const { [keyField]: _key, ...rest } = body as Record<string, unknown>;
    return `${invoke.method} ${invoke.path} ${canonical(rest)}`;
  }
  return `${invoke.method} ${invoke.path} ${canonical(body)}`;
}

/** One view per history array, shared by all checks of one judgement; rebuilt if the array grew since. */
/** Canonical payload (method, path, body without the idempotency field), for comparing requests that share a key. */
export function payloadOf(view: HistoryView, ex: Exchange): string {
  ex.payload ??= computePayload(ex.invoke, view.profile.idempotency.in === 'body' ? view.profile.idempotency.name : undefined);
  return ex.payload;
}

const cache = new WeakMap<readonly HistoryRecord[], { view: HistoryView; length: number }>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function viewOf(history: readonly HistoryRecord[], profile: ApiProfile): HistoryView {
  const hit = cache.get(history);
  if (hit && hit.length === history.length && hit.view.profile === profile) return hit.view;
  const view: HistoryView = {
    exchanges: [], byKey: new Groups(), refundsByResource: new Map(), deliveries: [], decisions: [], faults: [], finalReads: new Map(), referenceCounts: [], endTime: 0, profile,
  };
  const open = new Map<number, Exchange>();
  for (const r of history) {
    if (r.time > view.endTime) view.endTime = r.time;
    switch (r.kind) {
      case 'run': view.run ??= r; break;
      case 'invoke': {
        const ex: Exchange = { invoke: r };
        view.exchanges.push(ex);
        open.set(r.opId, ex);
        if (r.idempotencyKey !== undefined) view.byKey.add(r.idempotencyKey, ex);
        break;
      }
      case 'complete': {
        const ex = open.get(r.opId);
        if (ex) {
          ex.complete = r;
          open.delete(r.opId);
          if (ex.invoke.op === 'refund' && ex.invoke.resourceId !== undefined) push(view.refundsByResource, ex.invoke.resourceId, ex);
        }
        break;
      }
      case 'delivery': view.deliveries.push(r); break;
      case 'fault-decision': view.decisions.push(r); break;
      case 'fault': view.faults.push(r); break;
      case 'final-read': view.finalReads.set(r.resourceId, r); break;
      case 'reference-count': view.referenceCounts.push(r); break;
      default: break;
    }
  }
  view.byKey.compact();
  for (const [k, list] of view.refundsByResource) if (list.length > 1) view.refundsByResource.set(k, list.slice());
  cache.set(history, { view, length: history.length });
  return view;
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
