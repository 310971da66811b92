import type { StageEnv, ToxicStage } from './toxics/types.js';
import type { ToxicWrapper } from './toxic-wrapper.js';

/** Where a stage's output goes: the next runner, or the destination socket. */
export interface Sink {
  push(data: Buffer, receivedAt: number): void;
  /** `full`: a toxic closed the connection (close both sides), not just a FIN passing through. */
  end(full: boolean): void;
}

/** What a runner needs from its connection. */
export interface RunnerHost {
  random(): number;
  reset(): void;
}

type Item = { data: Buffer; receivedAt: number } | { end: true; full: boolean };

/**
 * Runs one toxic on one direction of one connection: items are handled strictly in order, a
 * pending promise holds the rest back. A runner whose toxicity roll failed, or whose toxic was
 * removed, passes items straight through, so removal never drops or reorders data.
 */
export class StageRunner implements Sink {
  next: Sink;
  private stage: ToxicStage | null;
  private readonly queue: Item[] = [];
  private running = false;
  private closed = false;
  private readonly abort = new AbortController();
  private current: { receivedAt: number } | null = null;
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
      end: () => {
        if (!this.closed) this.next.end(false);
      },
      close: () => {
        if (this.closed) return;
        this.closed = true;
        this.next.end(true);
      },
      reset: () => {
        this.closed = true;
        host.reset();
      },
    };
    this.stage = (toxic.definition.layer === 'tcp' ? toxic.definition.createStage(env) : null);
  }

  push(data: Buffer, receivedAt: number): void {
    if (this.closed) return;
    if (this.stage === null && !this.running && this.queue.length === 0) {
      this.next.push(data, receivedAt);
      return;
    }
    this.queue.push({ data, receivedAt });
    void this.pump();
  }

  end(full: boolean): void {
    if (this.closed) return;
    if (this.stage === null && !this.running && this.queue.length === 0) {
      this.next.end(full);
      return;
    }
    this.queue.push({ end: true, full });
    void this.pump();
  }

  /** The toxic was removed or the connection closed: stop holding data, pass the rest through. */
  interrupt(): void {
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
        if (this.closed) continue;
        const stage = this.stage;
        if ('end' in item) {
          if (stage?.onEnd && !item.full) await stage.onEnd();
          else this.next.end(item.full);
          continue;
        }
        if (stage === null) {
          this.next.push(item.data, item.receivedAt);
          continue;
        }
        this.current = item;
        const pending = stage.onChunk(item.data, item.receivedAt);
        if (pending) await pending;
        this.current = null;
      }
    } finally {
      this.running = false;
      if (this.stage === null) this.onDrained?.();
    }
  }
}
