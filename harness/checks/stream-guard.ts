import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import type { CheckVerdict } from './types.js';
import { WORKLOAD_GUARD } from '../run/workload-guard.js';

/**
 * The workload guard (run/workload-guard.ts) of one scenario, fed record by record: it holds the
 * requests still open, the count of writes and of their answers by status, and the first rejected
 * write — never the history. The equality tests hold its verdict to `workloadGuard`'s.
 */
export class StreamGuard {
  private writes = 0;
  private invokes = 0;
  private accepted = false;
  private readonly openWrites = new Map<number, OperationInvoke>();
  private firstWrite?: OperationInvoke;
  private sample?: [OperationInvoke, OperationComplete];
  private readonly statuses = new Map<string, number>();

  /** Called with every record of the scenario in history order. */
  add(r: HistoryRecord): void {
    if (r.kind === 'invoke') {
      this.invokes++;
      if (r.method === 'GET') return;
      this.writes++;
      this.firstWrite ??= r;
      if (!this.accepted) this.openWrites.set(r.opId, r);
      return;
    }
    if (r.kind !== 'complete' || this.accepted) return;
    const invoke = this.openWrites.get(r.opId);
    if (!invoke) return;
    this.openWrites.delete(r.opId);
    if (r.outcome === 'ok') {
      this.accepted = true;
      this.openWrites.clear();
      return;
    }
    const label = r.status !== undefined ? String(r.status) : (r.error ?? r.outcome);
    this.statuses.set(label, (this.statuses.get(label) ?? 0) + 1);
    this.sample ??= [invoke, r];
  }

  /** Whether the scenario sent any request at all. */
  get sentAny(): boolean {
    return this.invokes > 0;
  }

  /** The guard's verdict, or undefined when some write was acknowledged (or none was sent); worded as workloadGuard words it. */
  verdict(): CheckVerdict | undefined {
    if (this.accepted || this.writes === 0) return undefined;
    const statuses = [...this.statuses];
    const seen = statuses.map(([label, n]) => `${label} ×${n}`).join(', ') || 'no answers';
    return {
      name: WORKLOAD_GUARD,
      verdict: 'unknown',
      error: `none of the ${this.writes} write requests was accepted (${seen}); the checks had nothing to judge — check the target's credentials and the profile`,
      witnesses: [{ summary: 'the first rejected write and its answer', records: this.sample ? [...this.sample] : [this.firstWrite!] }],
      judged: 0,
      unit: 'accepted writes',
      notJudged: statuses.map(([label, count]) => ({ reason: `write answered ${label}`, count })),
      stats: { writes: this.writes },
    };
  }
}
