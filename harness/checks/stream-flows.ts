import type { HistoryRecord } from '../history/types.js';

/** One payment flow's records so far: everything sharing a logical id, key, payment, reference or event. */
export interface Flow {
  /** Position in the stream of the flow's first record: flows are judged in this order at the end. */
  first: number;
  records: HistoryRecord[];
  /** Stream position of each record (merged flows interleave). */
  at: number[];
  /** The ids (`l:`, `k:`, `p:`, `r:`, `e:`) that lead to this flow. */
  ids: string[];
  /** Requests sent and not yet completed: a flow with one open is never settled. */
  open: number;
  /** Latest record time (history ms) that touched it. */
  last: number;
}

/** The ids a record names, prefixed by what they are; opIds are looked up separately. */
function idsOf(r: HistoryRecord): string[] {
  switch (r.kind) {
    case 'invoke': {
      const ids = [`l:${r.logicalId}`];
      if (r.idempotencyKey !== undefined) ids.push(`k:${r.idempotencyKey}`);
      if (r.resourceId !== undefined) ids.push(`p:${r.resourceId}`);
      return ids;
    }
    case 'complete': return r.resourceId !== undefined ? [`p:${r.resourceId}`] : [];
    case 'delivery': return r.resourceId !== undefined ? [`e:${r.eventId}`, `p:${r.resourceId}`] : [`e:${r.eventId}`];
    case 'final-read': return r.reference !== undefined ? [`p:${r.resourceId}`, `r:${r.reference}`] : [`p:${r.resourceId}`];
    case 'reference-count': return [`r:${r.reference}`, ...(r.logicalId !== undefined ? [`l:${r.logicalId}`] : []), ...r.resourceIds.map((id) => `p:${id}`)];
    case 'fault-decision': return r.idempotencyKey !== undefined ? [`k:${r.idempotencyKey}`] : [];
    default: return [];
  }
}

/** Whether a record belongs to a flow (otherwise it is a fact of the whole run: faults, lag, notes, metrics). */
export function isFlowRecord(r: HistoryRecord): boolean {
  return r.kind === 'invoke' || r.kind === 'complete' || r.kind === 'delivery' || r.kind === 'final-read' || r.kind === 'reference-count'
    || (r.kind === 'fault-decision' && r.idempotencyKey !== undefined);
}

/**
 * Splits one scenario's records into flows, merging two flows when a record links them (a listing
 * naming a payment, a refund naming its payment). A flow leaves the partition when `take` hands it
 * to the judge; a record naming only ids of flows already taken starts a new flow (`late` tells).
 */
export class FlowPartition {
  private readonly byId = new Map<string, Flow>();
  private readonly byOp = new Map<number, Flow>();
  /** Live flows, least recently touched first (a Map keeps insertion order; touching re-inserts). */
  private readonly recent = new Map<Flow, true>();

  /** Adds a flow record at stream position `at`; returns the flow it joined and whether that flow is new. */
  add(r: HistoryRecord, at: number): { flow: Flow; created: boolean } {
    // The hot path: one flow found (or none); a list of others only when a record links flows.
    let flow: Flow | undefined;
    let others: Flow[] | undefined;
    if (r.kind === 'complete') flow = this.byOp.get(r.opId);
    const ids = idsOf(r);
    for (const id of ids) {
      const f = this.byId.get(id);
      if (f === undefined || f === flow) continue;
      if (flow === undefined) flow = f;
      else if (!others?.includes(f)) (others ??= []).push(f);
    }
    let created = false;
    if (flow === undefined) {
      flow = { first: at, records: [], at: [], ids: [], open: 0, last: r.time };
      created = true;
    } else if (others) {
      const all = [flow, ...others].sort((a, b) => a.first - b.first);
      flow = all[0]!;
      for (const other of all.slice(1)) this.merge(flow, other);
    }
    for (const id of ids) {
      if (this.byId.get(id) !== flow) {
        this.byId.set(id, flow);
        flow.ids.push(id);
      }
    }
    if (r.kind === 'invoke') {
      flow.open++;
      this.byOp.set(r.opId, flow);
    } else if (r.kind === 'complete' && this.byOp.get(r.opId) === flow) {
      flow.open--;
      this.byOp.delete(r.opId);
    }
    flow.records.push(r);
    flow.at.push(at);
    if (r.time > flow.last) flow.last = r.time;
    this.recent.delete(flow);
    this.recent.set(flow, true);
    return { flow, created };
  }

  /** Folds `other` into `into`, keeping records in stream order. */
  private merge(into: Flow, other: Flow): void {
    const records: HistoryRecord[] = [];
    const at: number[] = [];
    let i = 0;
    let j = 0;
    while (i < into.at.length || j < other.at.length) {
      if (j >= other.at.length || (i < into.at.length && into.at[i]! < other.at[j]!)) {
        records.push(into.records[i]!);
        at.push(into.at[i++]!);
      } else {
        records.push(other.records[j]!);
        at.push(other.at[j++]!);
      }
    }
    into.records = records;
    into.at = at;
    into.open += other.open;
    into.last = Math.max(into.last, other.last);
    for (const id of other.ids) {
      this.byId.set(id, into);
      into.ids.push(id);
    }
    for (const [op, f] of this.byOp) if (f === other) this.byOp.set(op, into);
    this.recent.delete(other);
  }

  /**
   * Removes and returns the flows settled at history time `now`: none of their requests open and
   * nothing touched them for `quietMs`. Oldest first; stops at the first flow still active.
   */
  takeSettled(now: number, quietMs: number): Flow[] {
    const out: Flow[] = [];
    for (const flow of this.recent.keys()) {
      if (flow.last + quietMs > now) break;
      if (flow.open > 0) continue;
      out.push(flow);
    }
    for (const flow of out) this.remove(flow);
    return out;
  }

  /** Removes and returns every flow, in the order their first records came. */
  takeAll(): Flow[] {
    const out = [...this.recent.keys()].sort((a, b) => a.first - b.first);
    for (const flow of out) this.remove(flow);
    return out;
  }

  /** How many records the partition holds (for progress and benches). */
  get size(): number {
    return this.recent.size;
  }

  private remove(flow: Flow): void {
    this.recent.delete(flow);
    for (const id of flow.ids) if (this.byId.get(id) === flow) this.byId.delete(id);
  }
}
