import { performance } from 'node:perf_hooks';
import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { recordFinalReads } from './final-reads.js';
import type { CreatedPayment } from '../load/payment-workload.js';

export interface RollingReadsOptions {
  /** How long after its iteration ended a payment is listed and read (its effects have landed). */
  afterMs?: number;
  /** For an iteration with a request unanswered or answered 5xx: the API may still be working on it. */
  unansweredAfterMs?: number;
  /** Reads in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Default delays: an answered iteration's effects are in place; an unanswered one may land within the client's 5 s timeout. */
export const ROLLING_READ_AFTER_MS = 500;
export const ROLLING_READ_UNANSWERED_AFTER_MS = 6_000;
/** Payments read per round: a round lists them all, then reads every payment found. */
const ROUND = 256;

interface Due {
  at: number;
  payment: CreatedPayment;
}

/**
 * A soak run's final reads, made as the run goes instead of at its end: each payment the workload
 * remembers is listed by reference and read back (recordFinalReads) shortly after its iteration
 * ended, so its flow can settle and be judged while the load runs and nothing is kept per payment
 * for the end. What is waiting is bounded by rate × delay (plus 6 s of the unanswered ones).
 */
export class RollingReads {
  /** Two queues, each in due order: answered iterations and unanswered ones wait different times. */
  private readonly queues: [Due[], Due[]] = [[], []];
  private readonly heads = [0, 0];
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Set while `drain` waits: called once nothing waits or runs. */
  private idle?: () => void;
  private readonly afterMs: number;
  private readonly unansweredAfterMs: number;
  /** Payments listed and read so far. */
  read = 0;
  /** Listings by reference that failed (each recorded as a `reference-count` with `error`), and the first's message. */
  listFailures = 0;
  firstListFailure?: string;
  private failure?: unknown;

  constructor(
    private readonly baseUrl: string,
    private readonly profile: ApiProfile,
    private readonly recorder: HistoryRecorder,
    private readonly options: RollingReadsOptions = {},
  ) {
    this.afterMs = options.afterMs ?? ROLLING_READ_AFTER_MS;
    this.unansweredAfterMs = Math.max(this.afterMs, options.unansweredAfterMs ?? ROLLING_READ_UNANSWERED_AFTER_MS);
  }

  /** A remembered payment whose iteration just ended. */
  add(payment: CreatedPayment): void {
    const unanswered = payment.unanswered === true;
    this.queues[unanswered ? 1 : 0].push({ at: performance.now() + (unanswered ? this.unansweredAfterMs : this.afterMs), payment });
    this.schedule();
  }

  /** Payments waiting for their read. */
  get waiting(): number {
    return this.queues[0].length - this.heads[0]! + this.queues[1].length - this.heads[1]!;
  }

  /**
   * The load has ended: resolves once every payment still waiting has been read, each at its due
   * time as during the run (an API whose listing lags its writes lags for the last payments too).
   */
  async drain(): Promise<void> {
    if (this.running || this.waiting > 0) {
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        // A timer set during the load does not hold the process; now it is what the run waits on.
        this.timer?.ref();
        this.schedule();
      });
    }
    if (this.failure !== undefined) throw this.failure;
    if (this.listFailures > 0) {
      this.recorder.append({
        kind: 'note',
        message: `${this.listFailures} of ${this.read} listings by reference failed as the run went (the first: ${this.firstListFailure}); those payments were judged on their answers alone`,
      });
    }
  }

  /** Stops reading (the run was interrupted): what waits is not read. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const q of [0, 1] as const) {
      this.queues[q].length = 0;
      this.heads[q] = 0;
    }
    this.settleIdle();
  }

  private settleIdle(): void {
    if (!this.idle || this.running || this.waiting > 0) return;
    const idle = this.idle;
    this.idle = undefined;
    idle();
  }

  private nextDue(): number | undefined {
    const a = this.queues[0][this.heads[0]!]?.at;
    const b = this.queues[1][this.heads[1]!]?.at;
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  private schedule(): void {
    if (this.running || this.timer) return;
    const due = this.nextDue();
    if (due === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.round();
    }, Math.max(0, due - performance.now()));
    // During the load the run keeps the process alive; while draining, this timer is what it waits on.
    if (!this.idle) this.timer.unref();
  }

  /** Reads one round of due payments, then schedules the next. */
  private async round(): Promise<void> {
    const now = performance.now();
    const batch: CreatedPayment[] = [];
    for (const q of [0, 1] as const) {
      const queue = this.queues[q];
      while (batch.length < ROUND && this.heads[q]! < queue.length && queue[this.heads[q]!]!.at <= now) batch.push(queue[this.heads[q]!++]!.payment);
      // Drop what was taken once it is most of the array, so the queue does not grow with the run.
      if (this.heads[q]! > 1024 && this.heads[q]! * 2 > queue.length) {
        queue.splice(0, this.heads[q]!);
        this.heads[q] = 0;
      }
    }
    try {
      const touched = batch.map((p) => ({ reference: p.reference, logicalId: p.logicalId, resourceIds: new Set<string>() }));
      const outcome = await recordFinalReads(this.baseUrl, this.profile, this.recorder, touched, {
        concurrency: this.options.concurrency ?? 16, listFailures: 'record', ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
      this.read += batch.length;
      this.listFailures += outcome.listFailures;
      this.firstListFailure ??= outcome.firstListFailure;
    } catch (error) {
      this.failure ??= error;
    } finally {
      this.running = undefined;
      this.schedule();
      this.settleIdle();
    }
  }
}
