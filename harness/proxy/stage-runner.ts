import type { StageEnv, ToxicStage } from './toxics/types.js';
import type { ToxicWrapper } from './toxic-wrapper.js';

/** Where a stage's output goes: the next runner, or the destination socket. */
export interface Sink {
  push(data: Buffer, receivedAt: number): void;
  /** The stream ended here: a FIN from the source, or a toxic closed it (Toxiproxy cannot tell them apart either). */
  end(): void;
}

/** What a runner needs from its connection. */
export interface RunnerHost {
  random(): number;
}

type Item = { data: Buffer; receivedAt: number } | { end: true };

/**
 * Runs one toxic on one direction of one connection: items are handled strictly in order, a
 * pending promise holds the rest back. A runner whose toxicity roll failed, or whose toxic was
 * removed, passes items straight through, so removal never reorders data. A stage that closed its
 * stream (Toxiproxy's stub.Close) drops whatever arrives afterwards.
 */
export class StageRunner implements Sink {
  next: Sink;
  private stage: ToxicStage | null;
  private readonly queue: Item[] = [];
  private running = false;
  private closed = false;
  private readonly abort = new AbortController();
  private current: { receivedAt: number } | null = null;
  /** Bytes waiting in this runner (queued, or in a stage that has not finished with them): what backpressure counts. */
  heldBytes = 0;
  /** Called when the runner is removed and has nothing left in flight, so the chain can drop it. */
  onDrained: (() => void) | null = null;

  constructor(
    readonly toxic: ToxicWrapper,
    next: Sink,
    host: RunnerHost,
  ) {
    this.next = next;
    if (host.random() >= toxic.toxicity) {
      this.stage = null;
      return;
    }
    const env: StageEnv = {
      attributes: () => toxic.attributes,
      signal: this.abort.signal,
      random: () => host.random(),
      push: (data) => {
        if (!this.closed) this.next.push(data, this.current?.receivedAt ?? performance.now());
      },
      end: () => this.close(),
      close: () => this.close(),
    };
    this.stage = toxic.definition.layer === 'tcp' ? toxic.definition.createStage(env) : null;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.next.end();
  }

  push(data: Buffer, receivedAt: number): void {
    if (this.closed) return;
    if (this.stage === null && !this.running && this.queue.length === 0) {
      this.next.push(data, receivedAt);
      return;
    }
    this.queue.push({ data, receivedAt });
    this.heldBytes += data.length;
    void this.pump();
  }

  end(): void {
    if (this.closed) return;
    if (this.stage === null && !this.running && this.queue.length === 0) {
      this.close();
      return;
    }
    this.queue.push({ end: true });
    void this.pump();
  }

  /**
   * The toxic was removed (`removed`) or the connection closed: stop holding data and pass the rest
   * through. A removed toxic gets its cleanup first (the `timeout` toxic closes the connection there).
   */
  interrupt(removed: boolean): void {
    if (removed) this.stage?.onRemove?.();
    this.abort.abort();
    this.stage = null;
    if (!this.running && this.queue.length === 0) this.onDrained?.();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const item = this.queue.shift()!;
        const size = 'data' in item ? item.data.length : 0;
        if (this.closed) {
          this.heldBytes -= size;
          continue;
        }
        const stage = this.stage;
        if ('end' in item) {
          if (stage?.onEnd) await stage.onEnd();
          else this.close();
          continue;
        }
        if (stage === null) {
          this.heldBytes -= size;
          this.next.push(item.data, item.receivedAt);
          continue;
        }
        this.current = item;
        try {
          const pending = stage.onChunk(item.data, item.receivedAt);
          if (pending) await pending;
        } finally {
          this.heldBytes -= size;
          this.current = null;
        }
      }
    } finally {
      this.running = false;
      if (this.stage === null) this.onDrained?.();
    }
  }
}
