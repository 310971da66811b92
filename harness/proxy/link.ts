import type { Duplex } from 'node:stream';
import { StageRunner, type RunnerHost, type Sink } from './stage-runner.js';
import type { Stream, ToxicWrapper } from './toxic-wrapper.js';

/** A net.Socket, or an in-memory end leading to the HTTP front. */
export type Endpoint = Duplex & { resetAndDestroy?: () => unknown };

/** How long a toxic's close may take to flush the last bytes to a slow reader. */
const FLUSH_TIMEOUT_MS = 5_000;

/** Above this many bytes held inside a direction's toxics, stop reading its source (Toxiproxy blocks too). */
const HELD_HIGH_WATER = 4 * 1024 * 1024;

/** Orders deliveries across both directions of every link (cheaper than reading a clock per write). */
let deliverySequence = 0;

/** Sees each chunk just before it is delivered, and may swap the upstream endpoint first. */
export interface LinkObserver {
  beforeDelivery(stream: Stream, data: Buffer): void;
}

/**
 * One direction of one connection: source → toxic runners → destination. With no toxics the data
 * goes straight from `data` to `write` (the fast path the benchmark measures).
 */
class LinkDirection {
  private readonly runners: StageRunner[] = [];
  private readonly terminal: Sink;
  observer: LinkObserver | null = null;
  /** `deliverySequence` at this direction's last delivery; 0 = never. */
  lastDelivery = 0;
  /** Bytes read into the toxic chain and not yet delivered (approximate: a dropping toxic ends the link). */
  private held = 0;
  private heldPaused = false;

  constructor(
    public source: Endpoint,
    public dest: Endpoint,
    private readonly stream: Stream,
    private readonly host: RunnerHost,
    onEnd: (full: boolean) => void,
  ) {
    this.terminal = { push: (data) => this.write(data), end: onEnd };
  }

  private write(data: Buffer): void {
    if (this.held > 0) {
      this.held = Math.max(0, this.held - data.length);
      if (this.heldPaused && this.held < HELD_HIGH_WATER / 2) {
        this.heldPaused = false;
        this.source.resume();
      }
    }
    this.observer?.beforeDelivery(this.stream, data);
    const dest = this.dest;
    if (dest.destroyed) return;
    const source = this.source;
    if (!dest.write(data) && !source.isPaused()) {
      source.pause();
      dest.once('drain', () => {
        if (!this.heldPaused) source.resume();
      });
    }
    this.lastDelivery = ++deliverySequence;
  }

  input(data: Buffer): void {
    const head = this.runners[0];
    if (head === undefined) return this.write(data);
    this.held += data.length;
    if (this.held > HELD_HIGH_WATER) {
      this.heldPaused = true;
      this.source.pause();
    }
    head.push(data, performance.now());
  }

  inputEnd(): void {
    const head = this.runners[0];
    if (head === undefined) this.terminal.end(false);
    else head.end(false);
  }

  /** New toxics go to the end of the chain, as in Toxiproxy; data queued in the last stage flows through it. */
  add(toxic: ToxicWrapper): void {
    const last = this.runners[this.runners.length - 1];
    const runner = new StageRunner(toxic, this.terminal, this.host);
    if (last) last.next = runner;
    this.runners.push(runner);
  }

  remove(toxic: ToxicWrapper): void {
    const runner = this.runners.find((r) => r.toxic === toxic);
    if (!runner) return;
    runner.onDrained = () => {
      runner.onDrained = null;
      const index = this.runners.indexOf(runner);
      if (index < 0) return;
      if (index > 0) this.runners[index - 1].next = runner.next;
      this.runners.splice(index, 1);
    };
    runner.interrupt();
  }

  dispose(): void {
    for (const runner of this.runners) runner.interrupt();
  }
}

/**
 * A proxied connection: the client socket, the upstream endpoint and a toxic chain per stream.
 * Any error or close tears the pair down; nothing here can throw into the server.
 */
export class Link implements RunnerHost {
  private readonly upstreamDir: LinkDirection;
  private readonly downstreamDir: LinkDirection;
  private closed = false;
  private readonly ended = { upstream: false, downstream: false };
  private detachUpstream: () => void = () => undefined;
  /** The side a toxic's close is flushing to; destroyed once its last bytes are out, not before. */
  private flushing: Endpoint | null = null;
  upstream: Endpoint;

  constructor(
    readonly client: Endpoint,
    upstream: Endpoint,
    toxics: readonly ToxicWrapper[],
    readonly random: () => number,
  ) {
    this.upstream = upstream;
    this.upstreamDir = new LinkDirection(client, upstream, 'upstream', this, (full) => this.streamEnded('upstream', full));
    this.downstreamDir = new LinkDirection(upstream, client, 'downstream', this, (full) => this.streamEnded('downstream', full));
    for (const toxic of toxics) this.addToxic(toxic);
    client.on('data', (data: Buffer) => this.upstreamDir.input(data));
    client.on('end', () => this.upstreamDir.inputEnd());
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
    this.attachUpstream(upstream);
  }

  private attachUpstream(upstream: Endpoint): void {
    const onData = (data: Buffer): void => this.downstreamDir.input(data);
    const onEnd = (): void => this.downstreamDir.inputEnd();
    const onError = (): void => this.destroy();
    // A clean close comes after 'end', which still has to flow through the toxics; any other close ends the link.
    const onClose = (): void => {
      if (!upstream.readableEnded) this.destroy();
    };
    upstream.on('data', onData);
    upstream.on('end', onEnd);
    upstream.on('error', onError);
    upstream.on('close', onClose);
    this.detachUpstream = () => {
      upstream.off('data', onData);
      upstream.off('end', onEnd);
      upstream.off('error', onError);
      upstream.off('close', onClose);
      upstream.on('error', () => undefined);
    };
  }

  /**
   * Swaps the upstream side between two exchanges (to start parsing HTTP on a live keep-alive
   * connection); the old upstream is closed. Safe from `beforeDelivery` of a new request's first bytes.
   */
  replaceUpstream(next: Endpoint): void {
    if (this.closed) {
      next.destroy();
      return;
    }
    const previous = this.upstream;
    this.detachUpstream();
    this.upstream = next;
    this.upstreamDir.dest = next;
    this.downstreamDir.source = next;
    this.attachUpstream(next);
    previous.destroy();
  }

  set observer(observer: LinkObserver | null) {
    this.upstreamDir.observer = observer;
    this.downstreamDir.observer = observer;
  }

  /** Byte toxics only: http_* toxics act in the HTTP front, not on bytes. */
  addToxic(toxic: ToxicWrapper): void {
    if (toxic.definition.layer === 'tcp') this.direction(toxic.stream).add(toxic);
  }

  removeToxic(toxic: ToxicWrapper): void {
    if (toxic.definition.layer === 'tcp') this.direction(toxic.stream).remove(toxic);
  }

  /** Which way the last byte went: null before any; `downstream` after an answer (perhaps idle). */
  get lastDelivered(): Stream | null {
    const up = this.upstreamDir.lastDelivery;
    const down = this.downstreamDir.lastDelivery;
    if (up === 0 && down === 0) return null;
    return up > down ? 'upstream' : 'downstream';
  }

  private direction(stream: Stream): LinkDirection {
    return stream === 'upstream' ? this.upstreamDir : this.downstreamDir;
  }

  /** A stream's end reached its destination: FIN it; a toxic's close (or both ends) closes the pair. */
  private streamEnded(stream: Stream, full: boolean): void {
    this.ended[stream] = true;
    const dest = stream === 'upstream' ? this.upstream : this.client;
    const other = stream === 'upstream' ? this.client : this.upstream;
    if (full) {
      this.flushing = dest;
      // A peer that never reads must not keep the socket forever.
      setTimeout(() => dest.destroy(), FLUSH_TIMEOUT_MS).unref();
      dest.end(() => {
        this.flushing = null;
        dest.destroy();
        this.destroy();
      });
      other.destroy();
      return;
    }
    dest.end();
    if (this.ended.upstream && this.ended.downstream) this.destroy();
  }

  reset(): void {
    if (this.closed) return;
    for (const endpoint of [this.client, this.upstream]) {
      try {
        if (endpoint.resetAndDestroy) endpoint.resetAndDestroy();
        else endpoint.destroy();
      } catch {
        endpoint.destroy();
      }
    }
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstreamDir.dispose();
    this.downstreamDir.dispose();
    for (const endpoint of [this.client, this.upstream]) {
      if (!endpoint.destroyed && endpoint !== this.flushing) endpoint.destroy();
    }
  }
}
