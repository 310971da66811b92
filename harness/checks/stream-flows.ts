import type { HistoryRecord } from '../history/types.js';
import { InFlight } from './in-flight.js';
import { IdScratch, KINDS } from './flow-ids.js';

export { isFlowRecord } from './flow-ids.js';

/** One payment flow's records so far: everything sharing a logical id, key, payment, reference or event. */
export interface Flow {
  /** Position in the stream of the flow's first record: flows are judged in this order at the end. */
  first: number;
  records: HistoryRecord[];
  /** Stream position of each record (merged flows interleave). */
  at: number[];
  /**
   * The ids that lead to this flow, each as its kind then its value (`ids[2i]` is the kind of
   * `ids[2i + 1]`): one array per flow rather than two, fewer allocations per flow.
   */
  ids: (number | string)[];
  /** Requests sent and not yet completed: a flow with one open is never settled (their opIds are the partition's `byOp` entries naming it). */
  open: number;
  /** Reads the run promised for this flow and has not recorded yet (`readsAsItGoes`): each counts as an open request. */
  awaiting: number;
  /** Latest record time (history ms) that touched it. */
  last: number;
  /** Absolute position of its live entry in the partition's touch queue; -1 once merged away or taken. */
  queued: number;
}

/**
 * Which flows a run reads back as it goes (`meta.readsAsItGoes`, a soak run with final reads): every
 * logical payment, or those whose create was sent twice. Such a flow is not settled before the
 * listing by its reference and a final read of each payment it found arrive, which is a fact of the
 * history, so re-judging the saved file settles flows exactly as the run did.
 */
export type ReadsAsItGoes = 'all' | 'duplicates';

/**
 * Splits one scenario's records into flows, merging two flows when a record links them (a listing
 * naming a payment, a refund naming its payment). A flow leaves the partition when `take` hands it
 * to the judge; a record naming only ids of flows already taken starts a new flow (`late` tells).
 *
 * Live flows are kept least recently touched first in a queue: touching a flow appends it again
 * and leaves its older entry behind, stale (`Flow.queued` names the live one); stale entries are
 * skipped when read and dropped when they outnumber the live ones.
 */
export class FlowPartition {
  private readonly byId: Map<string, Flow>[] = Array.from({ length: KINDS }, () => new Map<string, Flow>());
  private readonly byOp = new InFlight<Flow>();
  /** Touch queue from `head` on; the entry at array index i has absolute position `dropped + i`. */
  private queue: Flow[] = [];
  private head = 0;
  private dropped = 0;
  private stale = 0;
  private live = 0;
  private readonly scratch = new IdScratch();
  /** What `add` returns, reused: one object per record was a measurable share of the garbage a streamed run makes. */
  private readonly joined: { flow: Flow; created: boolean } = { flow: undefined as unknown as Flow, created: false };

  constructor(private readonly reads?: ReadsAsItGoes) {}

  /**
   * Adds a flow record at stream position `at`; returns the flow it joined and whether that flow is
   * new, in an object the next call reuses (read it before adding the next record).
   */
  add(r: HistoryRecord, at: number): { flow: Flow; created: boolean } {
    // The hot path: one flow found (or none); a list of others only when a record links flows.
    let flow: Flow | undefined;
    let others: Flow[] | undefined;
    // The flow a completion's request opened, looked up once (a merge below re-points it, and then it is looked up again).
    const opened = r.kind === 'complete' ? this.byOp.get(r.opId) : undefined;
    flow = opened;
    const { kinds, values, found } = this.scratch;
    const count = this.scratch.fill(r);
    for (let i = 0; i < count; i++) {
      const f = this.byId[kinds[i]!]!.get(values[i]!);
      found[i] = f;
      if (f === undefined || f === flow) continue;
      if (flow === undefined) flow = f;
      else if (!others?.includes(f)) (others ??= []).push(f);
    }
    let created = false;
    if (flow === undefined) {
      flow = { first: at, records: [], at: [], ids: [], open: 0, awaiting: 0, last: r.time, queued: -1 };
      this.live++;
      created = true;
    } else if (others) {
      const all = [flow, ...others].sort((a, b) => a.first - b.first);
      flow = all[0]!;
      for (const other of all.slice(1)) this.merge(flow, other);
    }
    for (let i = 0; i < count; i++) {
      // Without a merge (tables unchanged since the lookup) an id that led to this flow needs no second look.
      if (others === undefined && found[i] === flow) continue;
      const table = this.byId[kinds[i]!]!;
      if (table.get(values[i]!) !== flow) {
        table.set(values[i]!, flow);
        flow.ids.push(kinds[i]!, values[i]!);
      }
    }
    if (r.kind === 'invoke') {
      flow.open++;
      this.byOp.set(r.opId, flow);
      if (this.reads !== undefined && r.op === 'create' && readPromised(this.reads, r.intent, r.attempt)) {
        flow.awaiting++;
        flow.open++;
      }
    } else if (r.kind === 'reference-count' && r.logicalId !== undefined && flow.awaiting > 0) {
      // The listing came; each payment it found is read next (rolling-reads.ts): those reads are awaited now.
      const reads = r.error === undefined ? new Set(r.resourceIds).size : 0;
      flow.awaiting += reads - 1;
      flow.open += reads - 1;
    } else if (r.kind === 'final-read' && this.reads !== undefined && flow.awaiting > 0) {
      flow.awaiting--;
      flow.open--;
    } else if (r.kind === 'complete' && opened !== undefined && (others === undefined ? opened === flow : this.byOp.get(r.opId) === flow)) {
      flow.open--;
      this.byOp.delete(r.opId);
    }
    flow.records.push(r);
    flow.at.push(at);
    if (r.time > flow.last) flow.last = r.time;
    this.touch(flow);
    this.joined.flow = flow;
    this.joined.created = created;
    return this.joined;
  }

  /** Makes `flow` the most recently touched (a no-op when it already is). */
  private touch(flow: Flow): void {
    // A live entry is never before `head`, so a flow whose entry is the last one is already the most recent.
    const tail = this.dropped + this.queue.length - 1;
    if (flow.queued >= 0 && flow.queued === tail) return;
    if (flow.queued >= 0) this.stale++;
    flow.queued = tail + 1;
    this.queue.push(flow);
  }

  /** Takes `flow` out of the queue: its entry goes stale. */
  private unqueue(flow: Flow): void {
    flow.queued = -1;
    this.stale++;
    this.live--;
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
    into.awaiting += other.awaiting;
    into.last = Math.max(into.last, other.last);
    for (let k = 0; k < other.ids.length; k += 2) {
      this.byId[other.ids[k] as number]!.set(other.ids[k + 1] as string, into);
      into.ids.push(other.ids[k]!, other.ids[k + 1]!);
    }
    // byOp holds only requests in flight (a few per concurrent user), and merges are rare: a scan beats a list per flow.
    if (other.open > other.awaiting) this.byOp.forEach((f, op) => f === other && this.byOp.set(op, into));
    this.unqueue(other);
  }

  /**
   * Removes and returns the flows settled at history time `now`: none of their requests open and
   * nothing touched them for `quietMs`. Oldest first; stops at the first flow still active.
   */
  takeSettled(now: number, quietMs: number): Flow[] {
    const out: Flow[] = [];
    const { queue, dropped } = this;
    for (let i = this.head; i < queue.length; i++) {
      const flow = queue[i]!;
      if (flow.queued !== dropped + i) continue;
      if (flow.last + quietMs > now) break;
      if (flow.open > 0) continue;
      out.push(flow);
    }
    for (const flow of out) this.remove(flow);
    this.tidy();
    return out;
  }

  /** Removes and returns every flow, in the order their first records came. */
  takeAll(): Flow[] {
    const out: Flow[] = [];
    for (let i = this.head; i < this.queue.length; i++) if (this.queue[i]!.queued === this.dropped + i) out.push(this.queue[i]!);
    out.sort((a, b) => a.first - b.first);
    for (const flow of out) this.remove(flow);
    this.tidy();
    return out;
  }

  /** How many flows the partition holds (for progress and benches). */
  get size(): number {
    return this.live;
  }

  private remove(flow: Flow): void {
    this.unqueue(flow);
    // Every id a live flow lists leads to it (add points each id it lists at it, a merge re-points the merged flow's), so no look first.
    for (let k = 0; k < flow.ids.length; k += 2) this.byId[flow.ids[k] as number]!.delete(flow.ids[k + 1] as string);
  }

  /** Drops stale entries at the head, and rebuilds the queue when stale entries outnumber live ones. */
  private tidy(): void {
    const { queue } = this;
    while (this.head < queue.length && queue[this.head]!.queued !== this.dropped + this.head) {
      this.head++;
      this.stale--;
    }
    if (this.stale > 1024 && this.stale > this.live) {
      const kept: Flow[] = [];
      for (let i = this.head; i < queue.length; i++) {
        const flow = queue[i]!;
        if (flow.queued !== this.dropped + i) continue;
        flow.queued = this.dropped + queue.length + kept.length;
        kept.push(flow);
      }
      this.dropped += queue.length;
      this.queue = kept;
      this.head = 0;
      this.stale = 0;
    } else if (this.head > 4096 && this.head * 2 > queue.length) {
      this.dropped += this.head;
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }
}

/** Whether this create invoke promises a read of its payment: its workload send (all), or its copy (duplicates). */
function readPromised(reads: ReadsAsItGoes, intent: string | undefined, attempt: number | undefined): boolean {
  return reads === 'all' ? (intent === undefined || intent === 'workload') && attempt === 1 : intent === 'concurrent-copy' || intent === 'retry';
}
