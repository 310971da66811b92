import { performance } from 'node:perf_hooks';
import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { OpenModelEngine, type EngineResult } from './engine.js';
import { TimedHttpClient } from './http-timing.js';
import type { LoadPlan } from './load-scenario.js';
import type { MetricRegistry } from './metrics.js';
import { PaymentWorkload, type CreatedPayment } from './payment-workload.js';
import { ProgressPrinter } from './progress.js';
import type { CheckTally } from './summary.js';
import type { LiveFailure } from '../checks/stream-judge.js';

export interface EngineRunContext {
  plan: LoadPlan;
  profile: ApiProfile;
  /** Where the load goes (the target, or the fault proxy in front of it). */
  origin: string;
  recorder: HistoryRecorder;
  metrics: MetricRegistry;
  checks: CheckTally;
  seed: number;
  runId: string;
  /** Aborts the run (Ctrl-C). */
  signal: AbortSignal;
  progress: boolean;
  /** Which creates the workload remembers for final reads (all by default). */
  remember?: 'all' | 'duplicates' | 'none';
  /** Takes each remembered create when its iteration ends (a soak run's reads as it goes) instead of `created`. */
  onIterationEnd?: (payment: CreatedPayment) => void;
  /** Checks failing so far, from the judgement as the run goes (soak runs); shown on the progress line. */
  liveFailures?: () => readonly LiveFailure[];
  /** What the run judges as it goes, for the progress line (soak runs). */
  liveStatus?: () => string | undefined;
  /** Stop the load as soon as a check fails (`--abort-on-fail`), like an abortOnFail threshold. */
  abortOnFail?: boolean;
}

export interface EngineRunOutcome {
  durationMs: number;
  created: CreatedPayment[];
  /** Set when an abortOnFail threshold stopped the run. */
  abortedBy?: string;
  /** Set when a failing check stopped the run (`--abort-on-fail`). */
  stoppedByCheck?: string;
  interrupted: boolean;
  engine?: EngineResult;
  /** The k6 process's exit code, on the k6 engine (99: k6 judged a threshold crossed). */
  k6ExitCode?: number;
}

/** How often abortOnFail thresholds are evaluated during a run (k6 does it every 2 s). */
const ABORT_EVAL_INTERVAL_MS = 1000;

/** Runs a load plan on the built-in open-model engine. */
export async function runBuiltin(ctx: EngineRunContext): Promise<EngineRunOutcome> {
  const client = new TimedHttpClient(ctx.origin, ctx.metrics);
  const perfOrigin = performance.now() - ctx.recorder.now();
  const workload = new PaymentWorkload({
    profile: ctx.profile,
    client,
    recorder: ctx.recorder,
    checks: ctx.checks,
    metrics: ctx.metrics,
    seed: ctx.seed,
    runId: ctx.runId,
    perfOrigin,
    ...(ctx.remember ? { remember: ctx.remember } : {}),
    ...(ctx.onIterationEnd ? { onIterationEnd: ctx.onIterationEnd } : {}),
    ...(ctx.plan.scenario.expectedStatuses ? { expected: [{ min: 200, max: 399 }, ...ctx.plan.scenario.expectedStatuses] } : {}),
  });
  const plans = ctx.plan.executors.map((e) => e.plan);
  const iterations = new Map(ctx.plan.executors.map((e) => [e.name, workload.iterationFor(e)]));
  const engine = new OpenModelEngine(plans, ctx.metrics, (it) => iterations.get(it.scenario)!(it));
  const started = performance.now();
  let abortedBy: string | undefined;
  let stoppedByCheck: string | undefined;
  const monitor = setInterval(() => {
    const elapsed = performance.now() - started;
    const failing = ctx.abortOnFail ? ctx.liveFailures?.()[0] : undefined;
    if (failing && !stoppedByCheck) {
      stoppedByCheck = failing.check;
      engine.stop();
    }
    for (const r of ctx.metrics.evaluate(elapsed)) {
      if (!r.ok && r.threshold.abortOnFail && elapsed >= r.threshold.delayAbortEvalMs) {
        abortedBy ??= `${r.metric} '${r.threshold.source}'`;
        engine.stop();
      }
    }
  }, ABORT_EVAL_INTERVAL_MS);
  const onAbort = (): void => engine.abort();
  ctx.signal.addEventListener('abort', onAbort);
  // Ctrl-C while the sandbox or the faults were still starting.
  if (ctx.signal.aborted) engine.abort();
  const progress = new ProgressPrinter(process.stderr, () => engine.progress(), ctx.progress, ctx.liveFailures, ctx.liveStatus);
  progress.start();
  try {
    const result = await engine.run();
    if (engine.firstError !== undefined) {
      ctx.recorder.append({ kind: 'note', message: `${result.interrupted} iteration(s) ended with an error; the first: ${engine.firstError}` });
    }
    return {
      durationMs: result.durationMs, created: workload.created, ...(abortedBy ? { abortedBy } : {}), ...(stoppedByCheck ? { stoppedByCheck } : {}),
      interrupted: ctx.signal.aborted, engine: result,
    };
  } finally {
    clearInterval(monitor);
    progress.stop();
    ctx.signal.removeEventListener('abort', onAbort);
    await client.close();
  }
}
