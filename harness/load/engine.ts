import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { MetricAdder, MetricRegistry } from './metrics.js';

/**
 * The built-in open-model engine. Arrival-rate executors start each iteration when the schedule
 * says, whether or not earlier ones finished (bounded by maxVUs; over the bound the iteration is
 * counted in `dropped_iterations`, as k6 does). Iterations get their *intended* start time so
 * latency can be measured from it (no coordinated omission). `constant-vus` is the closed model:
 * each VU loops back-to-back.
 */
export interface ArrivalPlan {
  kind: 'arrival';
  name: string;
  /** Due offsets in ms from the executor's start, ascending. */
  arrivals: () => Iterable<number>;
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  startTimeMs: number;
  gracefulStopMs: number;
}

export interface VusPlan {
  kind: 'vus';
  name: string;
  vus: number;
  durationMs: number;
  startTimeMs: number;
  gracefulStopMs: number;
}

export type ExecutorPlan = ArrivalPlan | VusPlan;

export interface IterationContext {
  scenario: string;
  /** 1-based VU number within the run, k6's `__VU`. */
  vu: number;
  /** Iteration number within its scenario, from 0. */
  iteration: number;
  /** performance.now() at which this iteration was due; latency is measured from here. */
  intendedStart: number;
  /** Aborted when the run is stopped hard (graceful stop elapsed, interrupt). */
  signal: AbortSignal;
}

export type IterationFn = (ctx: IterationContext) => Promise<void>;

export interface ScenarioProgress {
  name: string;
  elapsedMs: number;
  durationMs: number;
  active: number;
  maxVUs: number;
  completed: number;
  dropped: number;
}

export interface EngineProgress {
  elapsedMs: number;
  active: number;
  vusMax: number;
  completed: number;
  interrupted: number;
  scenarios: ScenarioProgress[];
}

export interface EngineResult {
  durationMs: number;
  completed: number;
  interrupted: number;
  dropped: number;
  /** True when `stop()` ended the run before its schedule did. */
  stoppedEarly: boolean;
}

interface ScenarioState {
  plan: ExecutorPlan;
  /** `{scenario}` tags for the iteration metrics, built once. */
  tags: Readonly<Record<string, string>>;
  /** Resolved when the scenario has no iteration in flight (drain). */
  idleWaiters: (() => void)[];
  /** VU ids not running an iteration, longest idle first. */
  idleVus: number[];
  startedAt: number;
  active: number;
  completed: number;
  dropped: number;
  iteration: number;
  done: boolean;
}

export class OpenModelEngine {
  private stopped = false;
  private readonly hardStop = new AbortController();
  private nextVu = 1;
  private active = 0;
  private completed = 0;
  private interrupted = 0;
  private vusMax = 0;
  private startedAt = 0;
  private readonly states: ScenarioState[];
  private readonly addIterations: MetricAdder;
  /** Why the first iteration that threw did so (a workload bug, not a server failure). */
  firstError?: string;
  private readonly addIterationDuration: MetricAdder;
  private readonly sleepers = new Set<() => void>();

  constructor(
    plans: readonly ExecutorPlan[],
    private readonly metrics: MetricRegistry,
    private readonly iterate: IterationFn,
  ) {
    this.states = plans.map((plan) => ({ plan, tags: { scenario: plan.name }, idleWaiters: [], idleVus: [], startedAt: 0, active: 0, completed: 0, dropped: 0, iteration: 0, done: false }));
    this.addIterations = metrics.adder('iterations');
    this.addIterationDuration = metrics.adder('iteration_duration');
    // Every in-flight request listens on the one stop signal.
    setMaxListeners(0, this.hardStop.signal);
    // Each scenario has its own VUs, pre-allocated as k6 does; more are added up to maxVUs on demand.
    for (const state of this.states) {
      const count = state.plan.kind === 'arrival' ? state.plan.preAllocatedVUs : state.plan.vus;
      for (let i = 0; i < count; i++) state.idleVus.push(this.nextVu++);
    }
    this.vusMax = this.nextVu - 1;
  }

  /** Stops starting iterations (abortOnFail, Ctrl-C); in-flight ones get their graceful stop. */
  stop(): void {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
  }

  /** Aborts in-flight iterations now. */
  abort(): void {
    this.stop();
    this.hardStop.abort();
  }

  progress(): EngineProgress {
    const now = performance.now();
    return {
      elapsedMs: now - this.startedAt,
      active: this.active,
      vusMax: this.vusMax,
      completed: this.completed,
      interrupted: this.interrupted,
      scenarios: this.states.map((s) => ({
        name: s.plan.name,
        elapsedMs: s.startedAt ? Math.min(s.plan.durationMs, now - s.startedAt) : 0,
        durationMs: s.plan.durationMs,
        active: s.active,
        maxVUs: s.plan.kind === 'arrival' ? s.plan.maxVUs : s.plan.vus,
        completed: s.completed,
        dropped: s.dropped,
      })),
    };
  }

  async run(): Promise<EngineResult> {
    this.startedAt = performance.now();
    const sampler = setInterval(() => this.sampleVus(), 1000);
    try {
      await Promise.all(this.states.map((state) => this.runScenario(state)));
    } finally {
      clearInterval(sampler);
      this.sampleVus();
    }
    const dropped = this.states.reduce((n, s) => n + s.dropped, 0);
    return { durationMs: performance.now() - this.startedAt, completed: this.completed, interrupted: this.interrupted, dropped, stoppedEarly: this.stopped };
  }

  private sampleVus(): void {
    this.metrics.add('vus', this.active, {});
    this.metrics.add('vus_max', this.vusMax, {});
  }

  private sleepUntil(at: number): Promise<void> {
    const wait = at - performance.now();
    if (wait <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      // libuv timers count whole milliseconds and can fire up to 1 ms before `at`; an iteration
      // started early would then finish "before" its intended start. Re-arm until it is due.
      const arm = (): void => {
        const left = at - performance.now();
        if (left <= 0) done();
        else timer = setTimeout(arm, Math.ceil(left));
      };
      this.sleepers.add(done);
      arm();
    });
  }

  private async runScenario(state: ScenarioState): Promise<void> {
    const plan = state.plan;
    await this.sleepUntil(this.startedAt + plan.startTimeMs);
    state.startedAt = performance.now();
    const end = state.startedAt + plan.durationMs;
    if (plan.kind === 'arrival') await this.dispatchArrivals(state, plan);
    else await Promise.all(Array.from({ length: plan.vus }, () => this.loopVu(state, end)));
    await this.drain(state);
    state.done = true;
  }

  private async dispatchArrivals(state: ScenarioState, plan: ArrivalPlan): Promise<void> {
    const tags = { scenario: plan.name };
    for (const offset of plan.arrivals()) {
      if (this.stopped) break;
      const due = state.startedAt + offset;
      if (due > performance.now()) await this.sleepUntil(due);
      if (this.stopped) break;
      if (state.active >= plan.maxVUs) {
        state.dropped++;
        this.metrics.add('dropped_iterations', 1, tags);
        continue;
      }
      this.start(state, due);
    }
    // k6 runs an arrival executor for its whole duration even when the schedule ends earlier.
    await this.sleepUntil(state.startedAt + plan.durationMs);
  }

  private async loopVu(state: ScenarioState, end: number): Promise<void> {
    while (!this.stopped && performance.now() < end) {
      await this.start(state, performance.now());
    }
  }

  private start(state: ScenarioState, intendedStart: number): Promise<void> {
    // First idle VU first (a queue, like k6's channel of idle VUs): work, and connections, rotate over all of them.
    const vu = state.idleVus.shift() ?? this.nextVu++;
    state.active++;
    this.active++;
    if (this.nextVu - 1 > this.vusMax) this.vusMax = this.nextVu - 1;
    const ctx: IterationContext = { scenario: state.plan.name, vu, iteration: state.iteration++, intendedStart, signal: this.hardStop.signal };
    return this.runIteration(state, ctx);
  }

  private async runIteration(state: ScenarioState, ctx: IterationContext): Promise<void> {
    try {
      await this.iterate(ctx);
      if (this.hardStop.signal.aborted) {
        this.interrupted++;
      } else {
        this.completed++;
        state.completed++;
        this.addIterations(1, state.tags);
        this.addIterationDuration(performance.now() - ctx.intendedStart, state.tags);
      }
    } catch (error) {
      // An iteration that throws is an interrupted iteration in k6; keep the first reason to report it.
      this.interrupted++;
      this.firstError ??= error instanceof Error ? error.message : String(error);
    } finally {
      state.active--;
      this.active--;
      state.idleVus.push(ctx.vu);
      if (state.active === 0) for (const wake of state.idleWaiters.splice(0)) wake();
    }
  }

  /** Waits for the scenario's in-flight iterations; after its graceful stop, aborts them. */
  private async drain(state: ScenarioState): Promise<void> {
    const idle = (): Promise<void> => (state.active === 0 ? Promise.resolve() : new Promise((resolve) => state.idleWaiters.push(resolve)));
    if (state.active === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.hardStop.abort();
        resolve();
      }, state.plan.gracefulStopMs);
    });
    await Promise.race([idle(), deadline]);
    clearTimeout(timer);
    await idle();
  }
}
