import type { HistoryRecorder } from '../history/recorder.js';
import type { FaultEvent } from '../proxy/events.js';

/** One entry of the embedded proxy's `GET /events`, as it arrives over the wire (its wire shape is the proxy's). */
type FaultEventJson = Partial<Pick<FaultEvent, 'method' | 'path'>> & Omit<FaultEvent, 'method' | 'path' | 'action'> & { action: string };

/**
 * Pulls HTTP toxics' decisions from `GET /events` into the history, one poll at a time.
 * A poll asked for while one is running waits for it and then runs once more (callers that ask
 * together share that second poll), so a caller always sees events that existed when it asked, and
 * no event is appended twice: `since` only moves forward and every record keeps the proxy's `seq`.
 */
export class DecisionPoller {
  private lastSeq: number;
  private running?: Promise<void>;
  private queued?: Promise<void>;

  constructor(
    private readonly apiUrl: string,
    private readonly recorder: HistoryRecorder,
    /** Names of this run's proxies; events of other proxies on a shared server are not ours. */
    private readonly ours: () => ReadonlySet<string>,
    since: number,
  ) {
    this.lastSeq = since;
  }

  /** Resolves once every decision the proxy had taken when this was called is in the history. */
  poll(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // A failed poll must not wedge the queue: the next one runs whatever became of this one.
    this.queued = this.running.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.start();
    });
    return this.queued;
  }

  private start(): Promise<void> {
    this.running = this.fetchOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async fetchOnce(): Promise<void> {
    // An unreachable proxy is not a reason to stop the run: the next poll asks again from the same seq.
    const res = await fetch(`${this.apiUrl}/events?since=${this.lastSeq}`).catch(() => undefined);
    if (!res?.ok) return;
    const page = (await res.json()) as { events: FaultEventJson[]; next: number };
    const ours = this.ours();
    for (const e of page.events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      if (!ours.has(e.proxy)) continue;
      this.recorder.append({
        kind: 'fault-decision', time: e.time - this.recorder.startedAtMs, proxy: e.proxy, toxic: e.toxic, type: e.type, action: e.action,
        method: e.method, path: e.path, idempotencyKey: e.idempotency_key, seq: e.seq,
        ...(e.occurrence !== undefined ? { occurrence: e.occurrence } : {}),
      });
    }
    this.lastSeq = Math.max(this.lastSeq, page.next);
  }
}
