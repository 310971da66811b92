import type { FaultSpec } from '../config/scenario-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { ProcessFaults } from '../faults/nemesis.js';
import { hashString, mulberry32 } from '../random.js';
import { sleep } from '../workload/sleep.js';
import type { ProviderProcess } from './provider-process.js';

/** How often an armed after_op crash looks for its request in the history, ms. */
const WATCH_MS = 2;
/** Default pause between a chosen request being sent and the kill: it has reached a provider on a local link. */
const DEFAULT_DELAY_MS = 5;

interface Armed {
  /** Stops waiting for the moment (the crash did not come yet). */
  disarm(): void;
  /** Settles once the crash and restart are done, or the fault was disarmed first. */
  done: Promise<void>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Carries out `crash` faults on the provider's process: waits for the planned moment (a seeded random
 * point of a window, or right after the nth request of an operation was sent), SIGKILLs the provider,
 * starts it again with the same command and waits until it answers. A heal waits for the restart, so
 * nothing after a scenario's workload talks to a provider that is still down.
 */
export class CrashNemesis implements ProcessFaults {
  private readonly armed = new Map<string, Armed>();
  /** One crash at a time: a second one waits for the first restart. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly provider: ProviderProcess,
    private readonly recorder: HistoryRecorder,
    private readonly seed: number,
    private readonly signal: AbortSignal,
  ) {}

  private key(spec: FaultSpec, scenarioIndex: number): string {
    return `${scenarioIndex}-${spec.name ?? spec.type}`;
  }

  async apply(spec: FaultSpec, scenarioIndex: number): Promise<void> {
    const key = this.key(spec, scenarioIndex);
    if (this.armed.has(key)) return;
    const a = spec.attributes ?? {};
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, this.signal]);
    const moment = typeof a.after_op === 'string'
      ? this.afterRequest(a.after_op, num(a.nth) ?? 1, num(a.delay_ms) ?? DEFAULT_DELAY_MS, a.when === 'answered', signal)
      : this.atPoint(spec, scenarioIndex, signal);
    const done = moment.then(async (trigger) => {
      if (trigger === undefined || signal.aborted) return;
      await this.crash(key, trigger.opId, num(a.restart_after_ms) ?? 0);
    });
    // A restart that fails is reported by the heal (exit 4); until then it must not be an unhandled rejection.
    done.catch(() => undefined);
    this.armed.set(key, { disarm: () => stop.abort(), done });
  }

  async heal(spec: FaultSpec, scenarioIndex: number): Promise<void> {
    const key = this.key(spec, scenarioIndex);
    const armed = this.armed.get(key);
    if (!armed) return;
    armed.disarm();
    this.armed.delete(key);
    await armed.done;
  }

  /** The seeded random point of `window` (ms after the workload started), or now; resolves when it comes. */
  private async atPoint(spec: FaultSpec, scenarioIndex: number, signal: AbortSignal): Promise<{ opId?: number } | undefined> {
    const window = spec.attributes?.window as { from_ms: number; to_ms: number } | undefined;
    if (window) {
      // The same seed draws the same moment; the fault is applied at startMs, so wait for the rest.
      const draw = mulberry32((this.seed ^ hashString(`${scenarioIndex}-${spec.name ?? spec.type}`)) >>> 0)();
      const at = window.from_ms + draw * Math.max(0, window.to_ms - window.from_ms);
      await sleep(Math.max(0, at - spec.startMs), signal);
    }
    return signal.aborted ? undefined : {};
  }

  /**
   * Resolves `delayMs` after the nth request of `op` (counted from now) appears in the history as
   * sent, or, with `answered`, as answered 2xx (the provider committed it and said so).
   */
  private async afterRequest(op: string, nth: number, delayMs: number, answered: boolean, signal: AbortSignal): Promise<{ opId?: number } | undefined> {
    let index = this.recorder.records.length;
    let seen = 0;
    const ofOp = new Set<number>();
    while (!signal.aborted) {
      const records = this.recorder.records;
      for (; index < records.length; index++) {
        const r = records[index]!;
        let hit: number | undefined;
        if (r.kind === 'invoke' && r.op === op) {
          ofOp.add(r.opId);
          if (!answered) hit = r.opId;
        } else if (answered && r.kind === 'complete' && r.outcome === 'ok' && ofOp.has(r.opId)) hit = r.opId;
        if (hit !== undefined && ++seen === nth) {
          await sleep(delayMs, signal);
          return signal.aborted ? undefined : { opId: hit };
        }
      }
      await sleep(WATCH_MS, signal);
    }
    return undefined;
  }

  private crash(toxic: string, afterOpId: number | undefined, restartAfterMs: number): Promise<void> {
    const run = async (): Promise<void> => {
      await this.provider.kill({ toxic, ...(afterOpId !== undefined ? { afterOpId } : {}) });
      await sleep(restartAfterMs, this.signal);
      if (!this.signal.aborted) await this.provider.start(this.signal, 'restart after crash');
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }
}
