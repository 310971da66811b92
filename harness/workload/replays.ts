import { sleep } from './sleep.js';
import type { PaymentOperation } from '../history/types.js';
import type { RequestParams } from './request.js';
import type { PaymentClient, RequestMeta } from './client.js';
import type { FlowPlan } from './plan.js';

/** Attempt numbers that tell the replays apart in a history (90: the replay right after, 91: the changed payload). */
const END_OF_FLOW_ATTEMPT = 92;
const LATE_ATTEMPT = 93;
/** A late replay stays this far inside a declared retention, so it tests the promise and not its edge. */
const RETENTION_SHARE = 0.9;

/** One write a flow sent, as sent (key included), so it can be sent again once the payment has moved on. */
interface SentWrite {
  op: PaymentOperation;
  params: RequestParams;
  meta: RequestMeta;
  /** Replay it once the flow has run its last step. */
  atEnd: boolean;
}

/**
 * The writes of one flow, kept for the replays that come after the flow's later steps: an API that
 * re-renders the current resource (or runs a stored refusal again) answers a replay right after the
 * original just as the stored answer would, and is only caught once the payment has changed.
 */
export class FlowReplays {
  private readonly writes: SentWrite[] = [];
  /** Wall-clock time of the flow's first answer: late replays count from it. */
  private firstAnsweredAt: number | undefined;

  constructor(private readonly plan: FlowPlan, private readonly retentionSeconds?: number) {}

  /** Called by each write once its own attempts (and immediate duplicates) are done. */
  sent(op: PaymentOperation, params: RequestParams, meta: RequestMeta, step: number): void {
    this.firstAnsweredAt ??= Date.now();
    this.writes.push({ op, params, meta, atEnd: this.plan.duplicates[step]?.replayAtEnd === true });
  }

  /** How long after the first answer the late replays go out, inside the declared retention; undefined: none planned. */
  lateDelayMs(): number | undefined {
    const planned = this.plan.lateReplayAfterMs;
    if (planned === undefined) return undefined;
    if (this.retentionSeconds === undefined) return planned;
    const retentionMs = this.retentionSeconds * 1000;
    const share = this.plan.lateReplayRetentionShare;
    return share !== undefined ? share * retentionMs : Math.min(planned, retentionMs * RETENTION_SHARE);
  }

  /**
   * Called when the flow has run its last step: replays the writes planned for the end, then (when a
   * late replay is planned) waits until the delay has passed since the first answer and replays
   * every write. Sequential, in the order the writes were sent.
   */
  async replay(client: PaymentClient, signal?: AbortSignal): Promise<void> {
    for (const w of this.writes) {
      if (signal?.aborted) return;
      if (w.atEnd) await client.attempt(w.op, w.params, { ...w.meta, intent: 'replay' }, END_OF_FLOW_ATTEMPT);
    }
    const delay = this.lateDelayMs();
    if (delay === undefined || this.firstAnsweredAt === undefined) return;
    const wait = this.firstAnsweredAt + delay - Date.now();
    if (wait > 0) await sleep(wait, signal);
    for (const w of this.writes) {
      if (signal?.aborted) return;
      await client.attempt(w.op, w.params, { ...w.meta, intent: 'replay' }, LATE_ATTEMPT);
    }
  }
}
