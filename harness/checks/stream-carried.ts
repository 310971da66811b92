import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import type { Check, FlowNeed } from './types.js';

type Wanted = NonNullable<FlowNeed['withExchanges']>;

interface Carried {
  check: Check;
  wanted: Wanted;
  /** The run's requests kept so far, as [invoke, completion], sorted by send time then opId. */
  kept: [OperationInvoke, OperationComplete][];
}

/** Sent later: by time, then opId (the order FlowNeed.withExchanges promises). */
const after = (a: OperationInvoke, b: OperationInvoke): boolean => a.time > b.time || (a.time === b.time && a.opId > b.opId);

/**
 * The flow checks of one scenario that judge each batch of flows with a few requests of the whole
 * run besides (FlowNeed.withExchanges). It keeps those requests as they are answered, and holds each
 * batch until every request sent before the batch's last record has been answered: then the kept
 * request sent last before each record it asks about is the one the whole history holds. Memory:
 * the kept requests, the requests in flight, and the batches waiting on the oldest of them.
 */
export class CarriedFlowChecks {
  private readonly checks: Carried[] = [];
  private readonly open = new Map<number, OperationInvoke>();
  private waiting: { history: HistoryRecord[]; upTo: number }[] = [];

  add(check: Check, wanted: Wanted): void {
    this.checks.push({ check, wanted, kept: [] });
  }

  get size(): number {
    return this.checks.length;
  }

  /** Called with every record of the scenario in history order. */
  track(r: HistoryRecord): void {
    if (r.kind === 'invoke') this.open.set(r.opId, r);
    else if (r.kind === 'complete') {
      const invoke = this.open.get(r.opId);
      if (!invoke) return;
      this.open.delete(r.opId);
      for (const c of this.checks) {
        if (!c.wanted.keep(invoke, r)) continue;
        // Answers come back about in the order requests were sent: the place is at or near the end.
        let i = c.kept.length;
        while (i > 0 && after(c.kept[i - 1]![0], invoke)) i--;
        c.kept.splice(i, 0, [invoke, r]);
      }
    }
  }

  /** Holds a batch (the run record and its flows' records) until the requests sent before its last record are answered. */
  hold(history: HistoryRecord[]): void {
    let upTo = -Infinity;
    for (const r of history) if (r.time > upTo) upTo = r.time;
    this.waiting.push({ history, upTo });
  }

  /** Judges with `judge` the held batches no open request can still add to (every one `atEnd`), each check on its batch and the kept requests it asks for. */
  flush(atEnd: boolean, judge: (check: Check, history: HistoryRecord[]) => void): void {
    if (!this.waiting.length) return;
    let oldestOpen = Infinity;
    if (!atEnd) for (const invoke of this.open.values()) if (invoke.time < oldestOpen) oldestOpen = invoke.time;
    const ready = this.waiting.filter((b) => b.upTo < oldestOpen);
    if (!ready.length) return;
    this.waiting = this.waiting.filter((b) => b.upTo >= oldestOpen);
    for (const { history } of ready) for (const c of this.checks) judge(c.check, [...history, ...this.carriedFor(c, history)]);
  }

  /** For each record of the wanted kind in `history`, the kept request sent last at or before it; none the batch holds itself. */
  private carriedFor(c: Carried, history: readonly HistoryRecord[]): HistoryRecord[] {
    if (!c.kept.length) return [];
    const inBatch = new Set<number>();
    const picked = new Set<number>();
    for (const r of history) {
      if (r.kind === 'invoke') inBatch.add(r.opId);
      if (r.kind !== c.wanted.latestBefore) continue;
      // The last kept request sent at or before r.time (binary search on send time).
      let lo = 0;
      let hi = c.kept.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (c.kept[mid]![0].time <= r.time) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) picked.add(lo - 1);
    }
    const out: HistoryRecord[] = [];
    for (const i of [...picked].sort((a, b) => a - b)) {
      const [invoke, complete] = c.kept[i]!;
      if (!inBatch.has(invoke.opId)) out.push(invoke, complete);
    }
    return out;
  }
}
