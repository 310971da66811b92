import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import type { ApiProfile } from '../config/profile-types.js';
import { HistoryRecorder, readHistory, type HistoryRecorderOptions } from '../history/recorder.js';
import { historyFileName } from '../history/history-file.js';
import { Nemesis, type CreatedProxy } from '../faults/nemesis.js';
import { ExitCode, InterruptedError } from '../errors.js';
import { writeReports } from '../report/index.js';
import { newRunId } from './run-id.js';
import { prepareRunDir } from './run-dir.js';
import { startTarget, startToxiproxy, type Service, type TargetOptions } from './services.js';
import { basePathOf, throughProxy, upstreamOf } from './upstream.js';
import { startLagMonitor, type LagMonitor } from './lag-monitor.js';
import { exitCodeOf, judgeRun, type RunMeta, type VerdictFile } from './verdict.js';
import { StreamJudge, type StreamJudgeOptions } from '../checks/stream-judge.js';
import type { HistoryRecord } from '../history/types.js';
import { FlowDetail } from '../history/flow-detail.js';

export type RunKind = 'chaos' | 'load' | 'contracts';

export interface RunSessionOptions {
  kind: RunKind;
  seed: number;
  /** Run directory; default `reports/<run-id>`. Refused when it already holds files. */
  outDir?: string;
  /** Handle SIGINT/SIGTERM: heal, keep the partial history, exit code 130. The CLI turns this on. */
  handleSignals?: boolean;
  /** Aborting it interrupts the run like SIGINT does (the gate passes its own). */
  signal?: AbortSignal;
  /** Scenario stamped on every record (a load run has one). */
  scenario?: string;
  /** Name stamped as `target` on every record (a differential run names each side); default `default`. */
  targetName?: string;
  /** How the history is kept (soak runs: not in memory, gzip, evidence-only bodies); default everything in memory and in plain JSONL. */
  history?: Pick<HistoryRecorderOptions, 'retain' | 'gzip' | 'bodies' | 'profile'>;
  /** Judge the history as it is written (stream-judge.ts): live verdicts, and memory bounded by the flows in flight. */
  judgeAsItGoes?: StreamJudgeOptions;
  /**
   * `--history-detail failing` (needs `judgeAsItGoes`): flow records are written only for flows a
   * check found a witness in, plus the first `passingSample` passing flows (history/flow-detail.ts).
   */
  historyDetail?: { keep: 'failing'; passingSample: number };
}

/** What every run kind ends with: the judgement of its history, written as reports. */
export interface RunOutcome {
  runId: string;
  runDir: string;
  seed: number;
  verdict: VerdictFile;
  /** 0 pass, 1 fail, 2 unknown, 130 interrupted. */
  exitCode: number;
  interrupted: boolean;
}

/**
 * The one run core every run kind (chaos, load, contract chaos) goes through: run id and directory,
 * the recorder, signal handling, the services (proxy, target), the nemesis, and at the end healing,
 * cleanup, judging and the reports. A front end opens a session, does its workload, and calls
 * `finish` in every case, so each kind heals, keeps partial histories and judges the same way.
 */
export class RunSession {
  readonly runId = newRunId();
  readonly runDir: string;
  readonly recorder: HistoryRecorder;
  readonly seed: number;
  readonly kind: RunKind;
  /** Every in-flight request and wait listens to it; aborted on SIGINT/SIGTERM or the caller's signal. */
  readonly signal: AbortSignal;
  nemesis?: Nemesis;
  /** The judgement as the run goes, when `judgeAsItGoes` asked for it (live failures, `--abort-on-fail`). */
  readonly streamJudge?: StreamJudge;
  private runRecord?: HistoryRecord;
  private readonly flowDetail?: FlowDetail;
  /** A failing-only history's closing sentence (what was kept and dropped), once `finish` wrote it; front ends print it. */
  historyDetailNote?: string;
  private readonly abort = new AbortController();
  private readonly closers: (() => Promise<unknown>)[] = [];
  private readonly enders: (() => Promise<unknown>)[] = [];
  private readonly onSignal = (): void => this.interrupt();
  private interruptedFlag = false;
  private lagMonitor?: LagMonitor;

  constructor(private readonly options: RunSessionOptions) {
    this.kind = options.kind;
    this.seed = options.seed;
    this.runDir = prepareRunDir(options.outDir, this.runId);
    this.recorder = new HistoryRecorder({
      file: join(this.runDir, historyFileName(options.history?.gzip === true)), ...options.history, ...(options.scenario ? { scenario: options.scenario } : {}),
      ...(options.targetName ? { target: options.targetName } : {}),
      ...(options.historyDetail ? { hold: (r: HistoryRecord) => this.flowDetail!.hold(r) } : {}),
    });
    if (options.historyDetail && !options.judgeAsItGoes) throw new Error('RunSession: historyDetail needs judgeAsItGoes');
    if (options.judgeAsItGoes) {
      const onJudged = options.historyDetail ? { onJudged: (...a: Parameters<FlowDetail['judged']>) => this.flowDetail!.judged(...a) } : {};
      const judge = new StreamJudge({ ...options.judgeAsItGoes, ...onJudged });
      this.streamJudge = judge;
      if (options.historyDetail) this.flowDetail = new FlowDetail({ ...options.historyDetail, checks: options.judgeAsItGoes.checks }, judge, this.recorder);
      this.recorder.subscribe((r) => judge.push(r));
    }
    this.recorder.subscribe((r) => {
      if (r.kind === 'run') this.runRecord = r;
    });
    this.signal = this.abort.signal;
    // Many listeners at once is expected (one per request in flight), not a leak.
    setMaxListeners(0, this.abort.signal);
    if (options.signal?.aborted) this.interrupt();
    options.signal?.addEventListener('abort', this.onSignal, { once: true });
    if (options.handleSignals) {
      process.on('SIGINT', this.onSignal);
      process.on('SIGTERM', this.onSignal);
    }
  }

  get interrupted(): boolean {
    return this.interruptedFlag;
  }

  /** Interrupts the run as a signal would: everything waiting on `signal` stops, faults heal in `finish`. */
  interrupt(): void {
    if (this.interruptedFlag) return;
    this.interruptedFlag = true;
    this.abort.abort();
  }

  /** Registers something to close at the end (last registered closes first). */
  onClose(close: () => Promise<unknown>): void {
    this.closers.unshift(close);
  }

  /**
   * Registers something to stop once faults are healed and proxies deleted, before the run's end is
   * recorded (the provider's process: its exit belongs in the history).
   */
  onBeforeEnd(stop: () => Promise<unknown>): void {
    this.enders.unshift(stop);
  }

  private own(service: Service): Service {
    this.onClose(() => service.close());
    return service;
  }

  /**
   * The Toxiproxy API (the user's, or the embedded one seeded with the run's seed) and the nemesis
   * on it; the profile says where http_* decisions find their keys, the seed makes them replayable.
   */
  async connectNemesis(toxiproxyUrl: string | undefined, profile: ApiProfile): Promise<Nemesis> {
    const toxiproxy = this.own(await startToxiproxy({ toxiproxyUrl, seed: this.seed }));
    this.nemesis = await Nemesis.connect(toxiproxy.url, this.runId, this.recorder, { profile, seed: this.seed });
    return this.nemesis;
  }

  /** The API under test: the user's (checked reachable) or the in-process sandbox. */
  async startTarget(options: TargetOptions): Promise<Service> {
    return this.own(await startTarget(options));
  }

  /**
   * A proxy of this run (`<run-id>-<path>`) in front of a base URL. Its `url` is the proxy's origin
   * with the upstream's path (the API's base path), and http_* `path` filters are read under it.
   */
  async proxy(path: 'api' | 'callbacks', upstreamUrl: string): Promise<CreatedProxy> {
    if (!this.nemesis) throw new Error('connectNemesis() before proxy()');
    const created = await this.nemesis.createProxy(path, upstreamOf(upstreamUrl), { basePath: basePathOf(upstreamUrl) });
    return { ...created, url: throughProxy(created.url, upstreamUrl) };
  }

  /** Appends the `run` record: what `payharness check` needs to re-judge without the input files. */
  start(meta: RunMeta): void {
    const withProxies: RunMeta = {
      ...meta,
      kind: this.kind,
      ...(this.nemesis ? { proxies: { api: this.nemesis.proxyName('api'), callbacks: this.nemesis.proxyName('callbacks') } } : {}),
      ...(this.options.historyDetail ? { historyDetail: this.options.historyDetail } : {}),
    };
    this.flowDetail?.start(withProxies);
    this.recorder.append({ kind: 'run', time: 0, runId: this.runId, seed: this.seed, startedAt: new Date(this.recorder.startedAtMs).toISOString(), meta: withProxies as unknown as Record<string, unknown> });
    // Scheduling noise goes into the history of every run kind, so timing checks can tell it from a broken schedule.
    this.lagMonitor = startLagMonitor(this.recorder);
  }

  /** How long this run's event loop has run late so far, ms (0 before `start`). */
  get stalledMs(): number {
    return this.lagMonitor?.stalledMs ?? 0;
  }

  get started(): boolean {
    return this.recorder.hasRun;
  }

  /**
   * Ends the run in every case: heals every fault, pulls the last decisions, deletes the proxies,
   * records how it ended, closes what the run started and the history. Then rethrows a failure
   * (unless interrupted), or judges the history and writes verdict.json, junit.xml and report.html.
   */
  async finish(failure?: unknown, endMessage?: string): Promise<RunOutcome> {
    this.lagMonitor?.stop();
    const problems: string[] = [];
    if (this.nemesis) {
      problems.push(...(await this.nemesis.healAll()));
      await this.nemesis.pollDecisions().catch(() => undefined);
      problems.push(...(await this.nemesis.deleteProxies()));
    }
    for (const stop of this.enders) await stop().catch((error: unknown) => problems.push(error instanceof Error ? error.message : String(error)));
    this.recorder.setScenario(this.options.scenario);
    if (problems.length) this.recorder.append({ kind: 'note', message: `cleanup problems: ${problems.join('; ')}` });
    const message = failure !== undefined ? (failure instanceof Error ? failure.message : String(failure)) : endMessage;
    this.recorder.append({ kind: 'run-end', status: this.interrupted ? 'interrupted' : failure !== undefined ? 'error' : 'completed', ...(message ? { message } : {}) });
    for (const close of this.closers) await close().catch(() => undefined);
    // A failing-only history: judging the last flows writes the failing ones, then the note says what was dropped.
    const closingVerdict = this.flowDetail && this.started ? this.streamJudge!.end() : undefined;
    if (closingVerdict) {
      const note = this.flowDetail!.closingNote(closingVerdict);
      this.recorder.append(note);
      this.historyDetailNote = note.message;
    }
    await this.recorder.close().catch((error: unknown) => (failure ??= error));
    this.options.signal?.removeEventListener('abort', this.onSignal);
    if (this.options.handleSignals) {
      process.off('SIGINT', this.onSignal);
      process.off('SIGTERM', this.onSignal);
    }
    if (failure !== undefined && !this.interrupted) throw failure;
    if (!this.started) throw new InterruptedError('interrupted while starting; nothing ran, nothing is left behind');
    // A history not kept in memory is judged as it went, or else from its file, as `payharness check` would;
    // its reports then show the verdict without the timeline of every request.
    const retained = this.options.history?.retain !== false;
    const history = retained ? this.recorder.records : this.streamJudge ? [this.runRecord!] : await readHistory(this.recorder.file!);
    const verdict = closingVerdict ?? (this.streamJudge ? this.streamJudge.end() : judgeRun(history));
    await writeReports(this.runDir, { history, verdict });
    return {
      runId: this.runId, runDir: this.runDir, seed: this.seed, verdict, interrupted: this.interrupted,
      exitCode: this.interrupted ? ExitCode.interrupted : exitCodeOf(verdict.verdict),
    };
  }
}
