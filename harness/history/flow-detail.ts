import type { CheckVerdict, VerdictValue } from '../checks/types.js';
import { findCheck } from '../checks/index.js';
import { streamNeedOf } from '../checks/stream-needs.js';
import type { Flow } from '../checks/stream-flows.js';
import type { StreamJudge } from '../checks/stream-judge.js';
import { UsageError } from '../errors.js';
import type { RunMeta, VerdictFile } from '../run/verdict.js';
import type { HistoryRecorder } from './recorder.js';
import type { HistoryRecord, NoteRecord } from './types.js';

/** Passing flows kept whole by `--history-detail failing`, so a reader sees what normal looked like. */
export const DEFAULT_PASSING_SAMPLE = 100;

/** One check's run-time verdict as the closing record keeps it (the witnesses are the kept flows). */
export interface RecordedCheck {
  name: string;
  verdict: VerdictValue;
  judged?: number;
  unit?: string;
  witnesses: number;
  error?: string;
}

/** What a failing-only history says at its end: what was kept and dropped, and the verdict the run gave. */
export interface FlowDetailSummary {
  keep: 'failing';
  passingSample: number;
  /** Flows judged at run time: kept because a check found a witness in them, kept as the sample, dropped. */
  flows: { failing: number; sampled: number; dropped: number };
  recordsDropped: number;
  runVerdict: { verdict: VerdictValue; interrupted?: boolean; scenarios: { name: string; verdict: VerdictValue; checks: RecordedCheck[] }[] };
}

/** The closing note of a failing-only history: a sentence for readers, the figures for `payharness check`. */
export interface FlowDetailNote extends NoteRecord {
  flowDetail: FlowDetailSummary;
}

export function isFlowDetailNote(r: HistoryRecord): r is FlowDetailNote {
  return r.kind === 'note' && typeof (r as Partial<FlowDetailNote>).flowDetail === 'object';
}

/**
 * Refuses `--history-detail failing` when a check judges the whole history: its records cannot be
 * told apart by flow, so dropping passing flows would make it unjudgeable afterwards (and keeping
 * everything for it would keep the whole history). Checks that read certain kinds keep those
 * records (FlowDetail writes them as they come).
 */
export function assertFailingOnlyFits(scenarios: readonly { name: string; checks: readonly string[] }[]): void {
  // A check that carries run-wide requests between flows (events-match-payments) is judged after the
  // flows are written, so its witnesses could not keep them: it is refused alike.
  const unfit = (c: string): boolean => {
    const need = streamNeedOf(findCheck(c));
    return need === 'whole' || (typeof need === 'object' && 'flows' in need && need.withExchanges !== undefined);
  };
  const whole = scenarios.flatMap((s) => s.checks.filter(unfit).map((c) => `${c} (${s.name})`));
  if (whole.length === 0) return;
  throw new UsageError('E_HISTORY_DETAIL', `--history-detail failing cannot keep what ${whole.join(', ')} need${whole.length === 1 ? 's' : ''}: ${whole.length === 1 ? 'it judges' : 'they judge'} the whole history (or requests carried between flows), not flow by flow alone`, {
    hint: 'drop those checks from the scenario for the soak run, or keep every record (--history-detail all, the default)',
  });
}

/** The records of `flows` that a witness of `verdicts` names (by record, or by request for copies). */
function failingFlows(flows: readonly Flow[], verdicts: readonly CheckVerdict[]): Set<Flow> {
  const failing = new Set<Flow>();
  if (!verdicts.some((v) => v.witnesses.length > 0)) return failing;
  const byRecord = new Map<HistoryRecord, Flow>();
  const byOp = new Map<number, Flow>();
  for (const f of flows) {
    for (const r of f.records) {
      byRecord.set(r, f);
      if (r.kind === 'invoke' || r.kind === 'complete') byOp.set(r.opId, f);
    }
  }
  for (const v of verdicts) {
    for (const w of v.witnesses) {
      for (const r of w.records) {
        const f = byRecord.get(r) ?? (r.kind === 'invoke' || r.kind === 'complete' ? byOp.get(r.opId) : undefined);
        if (f) failing.add(f);
      }
    }
  }
  return failing;
}

/**
 * `--history-detail failing`: a flow's records (its requests, answers, deliveries, final reads,
 * listings) are held back from the file (`HistoryRecorder.hold`) while the streaming judge holds
 * them anyway; once its batch is judged they are written when a check found a witness in the flow,
 * or while the sample of passing flows is not full, and dropped otherwise. Run-wide records
 * (run, faults, lag, notes, metrics, run-end) and records a `{ kinds }` check reads go to the file
 * as they come. The run ends with a note saying what was dropped and the verdict the run gave,
 * which `payharness check` shows instead of a fresh verdict it could not make.
 */
export class FlowDetail {
  private readonly held = new WeakSet<HistoryRecord>();
  private readonly keptKinds = new Map<string, ReadonlySet<string>>();
  private readonly counts = { failing: 0, sampled: 0, dropped: 0 };
  private recordsDropped = 0;

  constructor(
    private readonly options: { passingSample: number; checks?: readonly string[] },
    private readonly judge: StreamJudge,
    private readonly recorder: HistoryRecorder,
  ) {}

  /** Called with the run's meta before its run record: refuses whole-history checks, learns the kinds to keep. */
  start(meta: RunMeta): void {
    const scenarios = meta.scenarios.map((s) => ({ name: s.name, checks: this.options.checks ?? s.checks.map((c) => c.name) }));
    assertFailingOnlyFits(scenarios);
    for (const s of scenarios) {
      const kinds = s.checks.flatMap((c) => {
        const need = streamNeedOf(findCheck(c));
        return typeof need === 'object' && 'kinds' in need ? need.kinds : [];
      });
      this.keptKinds.set(s.name, new Set(kinds));
    }
  }

  /** The recorder's `hold`: true for a record the judge holds in a flow (written or dropped once judged). */
  hold(r: HistoryRecord): boolean {
    if (!this.judge.holdsUntilJudged(r) || this.keptKinds.get(r.scenario!)?.has(r.kind)) return false;
    this.held.add(r);
    return true;
  }

  /** The judge's `onJudged`: writes the failing flows and the sample, counts the rest. */
  judged(flows: readonly Flow[], verdicts: readonly CheckVerdict[]): void {
    const failing = failingFlows(flows, verdicts);
    for (const f of flows) {
      const keep = failing.has(f) || this.counts.sampled < this.options.passingSample;
      if (failing.has(f)) this.counts.failing++;
      else if (keep) this.counts.sampled++;
      else this.counts.dropped++;
      for (const r of f.records) {
        if (!this.held.has(r)) continue;
        if (keep) this.recorder.writeHeld(r);
        else this.recordsDropped++;
      }
    }
  }

  /** The closing note, once every flow is judged (`verdict` is the run's own). */
  closingNote(verdict: VerdictFile): Omit<FlowDetailNote, 'time' | 'target'> {
    const { failing, sampled, dropped } = this.counts;
    const summary: FlowDetailSummary = {
      keep: 'failing', passingSample: this.options.passingSample, flows: { ...this.counts }, recordsDropped: this.recordsDropped,
      runVerdict: {
        verdict: verdict.verdict, ...(verdict.interrupted ? { interrupted: true } : {}),
        scenarios: verdict.scenarios.map((s) => ({ name: s.name, verdict: s.verdict, checks: s.checks.map(recorded) })),
      },
    };
    const message = `history keeps only failing flows' detail (--history-detail failing): ${failing} failing flow(s) and a sample of ${sampled} passing flow(s) kept, ${dropped} other flow(s) dropped (${this.recordsDropped} records, no witness reported in them); the run's verdict was ${verdict.verdict}`;
    return { kind: 'note', message, flowDetail: summary };
  }
}

function recorded(c: CheckVerdict): RecordedCheck {
  return {
    name: c.name, verdict: c.verdict, witnesses: c.witnesses.length + (c.stats?.witnessesNotKept ?? 0),
    ...(c.judged === undefined ? {} : { judged: c.judged }), ...(c.unit ? { unit: c.unit } : {}), ...(c.error ? { error: c.error } : {}),
  };
}
