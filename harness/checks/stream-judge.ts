import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecord, RunStart } from '../history/types.js';
import { runStartOf, type RunMeta, type VerdictFile } from '../run/verdict.js';
import type { Check, CheckVerdict } from './types.js';
import { combineVerdicts, findCheck, judgeWith } from './index.js';
import { flowNeedOf, streamNeedOf } from './stream-needs.js';
import { CarriedFlowChecks } from './stream-carried.js';
import { MergedVerdict } from './stream-merge.js';
import { FlowPartition, isFlowRecord, type Flow, type ReadsAsItGoes } from './stream-flows.js';
import { StreamGuard } from './stream-guard.js';

export interface StreamJudgeOptions {
  /** Judge with this profile instead of the run record's. */
  profile?: ApiProfile;
  /** Run only these checks instead of each scenario's. */
  checks?: string[];
  /**
   * Judge a flow once none of its requests is open and nothing touched it for this long (history
   * time, ms): past the callback horizon and after its final read. Undefined: what the run record
   * says the run used (`meta.settleAfterMs`), else flows are held and judged at the end, which gives
   * the whole-history verdict for any history.
   */
  settleAfterMs?: number;
  /** Flows judged together: larger batches cost memory, smaller ones time. */
  batchFlows?: number;
  /** Witnesses kept per check; the rest are counted (`stats.witnessesNotKept`). */
  witnessLimit?: number;
  /** Called after each batch is judged with its flows and the flow checks' verdicts on them (`--history-detail failing` keeps the failing ones). */
  onJudged?: (flows: readonly Flow[], verdicts: readonly CheckVerdict[]) => void;
}

/** A check failing while the run goes on: what the progress line shows and `--abort-on-fail` acts on. */
export interface LiveFailure {
  scenario: string;
  check: string;
  witnesses: number;
}

const DEFAULT_BATCH = 2_000;
const DEFAULT_WITNESSES = 20;
/** A settled flow is judged within this much history time even when its batch is not full, so failures show live. */
const LIVE_DELAY_MS = 1_000;

/** One scenario of the run: its checks by what they need, its flows, and what they found so far. */
class ScenarioStream {
  readonly flowChecks: Check[] = [];
  /** Flow checks whose batches carry requests of the whole run besides (FlowNeed.withExchanges). */
  readonly carried = new CarriedFlowChecks();
  readonly merged = new Map<string, MergedVerdict>();
  /** Records the checks that need more than flows keep: by kind, or all of them. */
  readonly kept: HistoryRecord[] = [];
  readonly keptKinds = new Set<string>();
  keepAll = false;
  readonly partition: FlowPartition;
  readonly guard = new StreamGuard();
  readonly notes: string[] = [];
  pending: Flow[] = [];
  /** History time the oldest pending flow settled: a batch never waits longer than LIVE_DELAY_MS for company. */
  pendingSince = 0;
  batches = 0;
  /** Flows judged before the end; a record for one of them afterwards is "late". */
  releasedEarly = 0;
  late = 0;

  constructor(readonly name: string, readonly names: readonly string[], readonly checkOptions: Record<string, Record<string, unknown> | undefined>, witnessLimit: number, reads?: ReadsAsItGoes) {
    this.partition = new FlowPartition(reads);
    for (const name of names) {
      const check = findCheck(name);
      const need = streamNeedOf(check);
      const flow = flowNeedOf(check);
      if (flow) {
        if (flow.withExchanges) this.carried.add(check, flow.withExchanges);
        else this.flowChecks.push(check);
        this.merged.set(name, new MergedVerdict(name, witnessLimit, flow.stats));
      } else if (need === 'whole') this.keepAll = true;
      else if (typeof need === 'object' && 'kinds' in need) for (const kind of need.kinds) this.keptKinds.add(kind);
    }
  }
}

/**
 * Judges a history as it is written (or read), in memory bounded by the flows in flight rather
 * than by the run's length. Records go to their scenario; within it, to a payment flow (see
 * FlowPartition). Checks that judge flow by flow (`Check.stream`, stream-needs.ts) run on batches
 * of settled flows — each batch a small history of the run record, its flows' records and the
 * run's first reference listing — and their verdicts merge (MergedVerdict). Checks that need
 * certain kinds get those records; checks that need the whole history get it (held to the end).
 * `end()` gives the verdict `judgeRun` gives on the same history (test/stream-equality.test.ts).
 */
export class StreamJudge {
  private run?: RunStart;
  private readonly before: HistoryRecord[] = [];
  private scenarios = new Map<string, ScenarioStream>();
  private order: ScenarioStream[] = [];
  private position = 0;
  private now = 0;
  private runEnd?: HistoryRecord;
  private profile?: ApiProfile;
  private settleAfterMs?: number;

  constructor(private readonly options: StreamJudgeOptions = {}) {}

  /** Called with every record in history order. */
  push(r: HistoryRecord): void {
    if (!this.run) {
      if (r.kind !== 'run') {
        this.before.push(r);
        return;
      }
      this.start(r);
      for (const early of this.before.splice(0)) this.route(early);
      return;
    }
    this.route(r);
  }

  private start(run: RunStart): void {
    this.run = run;
    const meta = run.meta as unknown as RunMeta;
    this.profile = this.options.profile ?? meta.profile;
    this.settleAfterMs = this.options.settleAfterMs ?? meta.settleAfterMs;
    for (const s of meta.scenarios) {
      const names = this.options.checks ?? s.checks.map((c) => c.name);
      const options = Object.fromEntries(s.checks.map((c) => [c.name, c.options]));
      const stream = new ScenarioStream(s.name, names, options, this.options.witnessLimit ?? DEFAULT_WITNESSES, meta.readsAsItGoes);
      this.scenarios.set(s.name, stream);
      this.order.push(stream);
    }
  }

  private route(r: HistoryRecord): void {
    this.position++;
    if (r.time > this.now) this.now = r.time;
    if (r.kind === 'run-end') this.runEnd = r;
    const settle = this.settleAfterMs;
    if (settle !== undefined && this.position % 256 === 0) {
      for (const stream of this.order) this.release(stream, stream.partition.takeSettled(this.now, settle), false);
    }
    if (r.kind === 'run') return;
    const s = r.scenario === undefined ? undefined : this.scenarios.get(r.scenario);
    if (!s) return;
    s.guard.add(r);
    if (r.kind === 'note') s.notes.push(r.message);
    if (s.keepAll || s.keptKinds.has(r.kind)) s.kept.push(r);
    if (s.carried.size) s.carried.track(r);
    if ((s.flowChecks.length || s.carried.size) && isFlowRecord(r)) {
      const { created } = s.partition.add(r, this.position);
      if (created && s.releasedEarly && r.kind !== 'invoke') s.late++;
    }
  }

  private release(s: ScenarioStream, flows: Flow[], atEnd: boolean): void {
    if (!atEnd) s.releasedEarly += flows.length;
    if (s.pending.length === 0 && flows.length) s.pendingSince = this.now;
    for (const f of flows) s.pending.push(f);
    const batch = this.options.batchFlows ?? DEFAULT_BATCH;
    const overdue = s.pending.length > 0 && this.now - s.pendingSince >= LIVE_DELAY_MS;
    while (s.pending.length >= batch || ((atEnd || overdue) && s.pending.length > 0)) this.judgeBatch(s, s.pending.splice(0, batch));
    this.judgeCarried(s, atEnd);
  }

  /** Runs the flow checks on one batch of flows and merges their verdicts. */
  private judgeBatch(s: ScenarioStream, flows: readonly Flow[]): void {
    // Each flow's records are in history order; flows follow one another (a flow check looks at one
    // key, payment or event at a time, all inside one flow, so the order across flows only orders witnesses).
    const history: HistoryRecord[] = [this.run!];
    for (const f of flows) for (const r of f.records) history.push(r);
    s.batches++;
    const verdicts = judgeWith(s.flowChecks, history, { profile: this.profile!, checkOptions: s.checkOptions });
    for (const v of verdicts) s.merged.get(v.name)!.add(v);
    this.options.onJudged?.(flows, verdicts);
    if (s.carried.size) s.carried.hold(history, flows.length);
  }

  /** Whether `r` will be held in a flow until its batch is judged (and so handed to `onJudged`). */
  holdsUntilJudged(r: HistoryRecord): boolean {
    const s = this.run && r.scenario !== undefined ? this.scenarios.get(r.scenario) : undefined;
    return s !== undefined && s.flowChecks.length > 0 && isFlowRecord(r);
  }

  /** Judges the batches held for checks that carry run-wide requests, once none still in flight can add to them. */
  private judgeCarried(s: ScenarioStream, atEnd: boolean): void {
    s.carried.flush(atEnd, (check, history) => {
      for (const v of judgeWith([check], history, { profile: this.profile!, checkOptions: s.checkOptions })) s.merged.get(v.name)!.add(v);
    });
  }

  /** Checks that have found a witness so far (flow checks, on the flows judged so far). */
  failures(): LiveFailure[] {
    const out: LiveFailure[] = [];
    for (const s of this.order) for (const [check, m] of s.merged) if (m.failing) out.push({ scenario: s.name, check, witnesses: m.witnessCount });
    return out;
  }

  /** Records held for flows not yet judged, for progress lines and benches. */
  get heldFlows(): number {
    let n = 0;
    for (const s of this.order) n += s.partition.size + s.pending.length + s.carried.waitingFlows;
    return n;
  }

  /** Judges what is left and returns the verdict of the whole history (as `judgeRun` would). */
  end(): VerdictFile {
    // Without a run record: the same refusal judgeRun gives.
    const run = this.run ?? runStartOf([]);
    const scenarios = this.order.map((s) => {
      this.release(s, s.partition.takeAll(), true);
      // A history with no flow still gets each flow check's own "nothing to judge" verdict.
      if (s.batches === 0 && s.merged.size) this.judgeBatch(s, []);
      this.judgeCarried(s, true);
      const late = s.late
        ? `${s.late} record(s) arrived for flows already judged (settle time ${this.settleAfterMs} ms too short for this run); re-judge the saved history with payharness check`
        : undefined;
      const others = s.names.filter((n) => !s.merged.has(n));
      const otherVerdicts = new Map<string, CheckVerdict>();
      if (others.length) {
        const history = [run, ...s.kept];
        for (const v of judgeWith(others.map(findCheck), history, { profile: this.profile!, checkOptions: s.checkOptions })) otherVerdicts.set(v.name, v);
      }
      const checks = s.names.map((n) => s.merged.get(n)?.verdict(late) ?? otherVerdicts.get(n)!);
      const guard = s.guard.verdict() ?? this.silent(s);
      if (guard) checks.push(guard);
      return { name: s.name, verdict: combineVerdicts(checks.map((c) => c.verdict)), checks };
    });
    const interrupted = this.runEnd === undefined || (this.runEnd.kind === 'run-end' && this.runEnd.status === 'interrupted');
    return { verdict: combineVerdicts(scenarios.map((s) => s.verdict)), seed: run.seed, runId: run.runId, ...(interrupted ? { interrupted } : {}), scenarios };
  }

  private silent(s: ScenarioStream): CheckVerdict | undefined {
    if (s.guard.sentAny) return undefined;
    return {
      name: 'workload-reached-target', verdict: 'unknown', witnesses: [], judged: 0, unit: 'requests',
      error: `the scenario sent no request, so the checks had nothing to judge${s.notes.length ? ` (${s.notes.join('; ')})` : ''}`,
    };
  }
}
