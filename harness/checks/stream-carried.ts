import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import type { Check, FlowNeed } from './types.js';
import { InFlight } from './in-flight.js';

type Wanted = NonNullable<FlowNeed['withExchanges']>;
type Pair = [OperationInvoke, OperationComplete];

interface Carried {
  check: Check;
  wanted: Wanted;
  /** Kept requests not yet passed by the frontier, and the last one before it, sorted by send time then opId. */
  kept: Pair[];
  /** Records of the wanted kind whose pick is not yet final (sent requests may still be answered). */
  unresolved: HistoryRecord[];
  /** Each record's pick (the kept request sent last at or before it), until its batch is judged. */
  picks: Map<HistoryRecord, Pair | null>;
}

/**
 * History time the frontier stays behind the latest record: records are written about in time order,
 * not exactly (an answer and a request sent a moment before it may be written the other way round).
 */
const ORDER_SLACK_MS = 1_000;

/** Sent later: by time, then opId (the order FlowNeed.withExchanges promises). */
const after = (a: OperationInvoke, b: OperationInvoke): boolean => a.time > b.time || (a.time === b.time && a.opId > b.opId);

/** How many of `kept` were sent at or before `time` (binary search on send time). */
function countUpTo(kept: readonly Pair[], time: number): number {
  let lo = 0;
  let hi = kept.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (kept[mid]![0].time <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The flow checks of one scenario that judge each batch of flows with a few requests of the whole
 * run besides (FlowNeed.withExchanges). The frontier is the send time before which every request
 * has been answered (the oldest one in flight, or a second before the latest record): the kept request sent last
 * at or before a record is final once the record is behind it, so it is picked then, and kept
 * requests behind the frontier that nobody picked are dropped. A batch waits until its last record
 * is behind the frontier. Memory: requests in flight, picks of flows not yet judged, batches waiting.
 */
export class CarriedFlowChecks {
  private readonly checks: Carried[] = [];
  private readonly open = new InFlight<OperationInvoke>();
  private waiting: { history: HistoryRecord[]; upTo: number; flows: number }[] = [];
  private now = -Infinity;

  add(check: Check, wanted: Wanted): void {
    this.checks.push({ check, wanted, kept: [], unresolved: [], picks: new Map() });
  }

  get size(): number {
    return this.checks.length;
  }

  /** Called with every record of the scenario in history order. */
  track(r: HistoryRecord): void {
    if (r.time > this.now) this.now = r.time;
    if (r.kind === 'invoke') this.open.set(r.opId, r);
    else if (r.kind === 'complete') {
      const invoke = this.open.get(r.opId);
      if (invoke) {
        this.open.delete(r.opId);
        for (const c of this.checks) if (c.wanted.keep(invoke, r)) insert(c.kept, [invoke, r]);
      }
    }
    for (const c of this.checks) if (r.kind === c.wanted.latestBefore) c.unresolved.push(r);
  }

  /** Holds a batch of `flows` flows (the run record and their records) until its last record is behind the frontier. */
  hold(history: HistoryRecord[], flows: number): void {
    let upTo = -Infinity;
    for (const r of history) if (r.time > upTo) upTo = r.time;
    this.waiting.push({ history, upTo, flows });
  }

  /** Flows in the batches still waiting (for progress lines and benches). */
  get waitingFlows(): number {
    let n = 0;
    for (const b of this.waiting) n += b.flows;
    return n;
  }

  /** Judges with `judge` the held batches behind the frontier (every one `atEnd`), each check on its batch and the kept requests it picks. */
  flush(atEnd: boolean, judge: (check: Check, history: HistoryRecord[]) => void): void {
    let frontier = atEnd ? Infinity : this.now - ORDER_SLACK_MS;
    if (!atEnd) this.open.forEach((invoke) => {
      if (invoke.time < frontier) frontier = invoke.time;
    });
    for (const c of this.checks) advance(c, frontier);
    if (!this.waiting.length) return;
    const ready = this.waiting.filter((b) => b.upTo < frontier);
    if (!ready.length) return;
    this.waiting = this.waiting.filter((b) => b.upTo >= frontier);
    for (const { history } of ready) {
      for (const c of this.checks) {
        // Nothing picked from outside the batch: the batch's own array, whose view the flow checks already built.
        const extra = picked(c, history);
        judge(c.check, extra.length ? history.concat(extra) : history);
      }
    }
  }
}

function insert(kept: Pair[], pair: Pair): void {
  // Answers come back about in the order requests were sent: the place is at or near the end.
  let i = kept.length;
  while (i > 0 && after(kept[i - 1]![0], pair[0])) i--;
  kept.splice(i, 0, pair);
}

/** Picks for the records now behind the frontier, then drops the kept requests behind it but the last (later records may still pick it). */
function advance(c: Carried, frontier: number): void {
  if (c.unresolved.length) {
    const still: HistoryRecord[] = [];
    for (const r of c.unresolved) {
      if (r.time >= frontier) still.push(r);
      else {
        const n = countUpTo(c.kept, r.time);
        c.picks.set(r, n > 0 ? c.kept[n - 1]! : null);
      }
    }
    c.unresolved = still;
  }
  // Unresolved records are at or past the frontier: none picks a request behind it but the last.
  const behind = c.kept.findIndex((p) => p[0].time >= frontier);
  const drop = (behind < 0 ? c.kept.length : behind) - 1;
  if (drop > 0) c.kept.splice(0, drop);
}

/** The picks of a batch's records (each once, in send order), none the batch holds itself; forgotten after (its flows are judged). */
function picked(c: Carried, history: readonly HistoryRecord[]): HistoryRecord[] {
  const pairs = new Set<Pair>();
  for (const r of history) {
    if (r.kind !== c.wanted.latestBefore) continue;
    const pair = c.picks.get(r);
    c.picks.delete(r);
    if (pair) pairs.add(pair);
  }
  const out: HistoryRecord[] = [];
  if (pairs.size === 0) return out;
  // Which picked requests the batch holds itself: a set of the few picked opIds, not of every request in the batch.
  const pickedOps = new Set<number>();
  for (const [invoke] of pairs) pickedOps.add(invoke.opId);
  const inBatch = new Set<number>();
  for (const r of history) if (r.kind === 'invoke' && pickedOps.has(r.opId)) inBatch.add(r.opId);
  for (const [invoke, complete] of [...pairs].sort((a, b) => (after(a[0], b[0]) ? 1 : -1))) if (!inBatch.has(invoke.opId)) out.push(invoke, complete);
  return out;
}
