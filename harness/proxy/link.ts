import type { Duplex } from 'node:stream';
import { StageRunner, type RunnerHost, type Sink } from './stage-runner.js';
import type { Stream, ToxicWrapper } from './toxic-wrapper.js';

/**
 * A net.Socket, or an in-memory end leading to the HTTP front. `answersBeforeClosing`: the peer
 * always ends its side once it has answered (the HTTP front), so a close waits for that, unbounded.
 */
export type Endpoint = Duplex & { resetAndDestroy?: () => unknown; answersBeforeClosing?: boolean };

/** How long a close may take to flush the last bytes to a slow reader (Toxiproxy's write timeout is 5 s too). */
const FLUSH_TIMEOUT_MS = 5_000;

/**
 * After a stream ended and its destination got FIN, how long what that destination already sent
 * back may still arrive before it is closed for good. Toxiproxy closes the socket outright; an echo
 * of the last bytes in flight still comes back through it (limit_data on the upstream stream), and
 * on loopback that takes well under a millisecond. A peer that keeps its side open is cut after this.
 */
const CLOSE_DRAIN_MS = 50;

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
  /** Set while the source is paused because the toxics hold too much (Toxiproxy blocks its reader too). */
  private heldPaused = false;
  /** The source ended (FIN, error or close): Toxiproxy closes the link's input; once per direction. */
  private sourceEnded = false;

  constructor(
    public source: Endpoint,
    public dest: Endpoint,
    private readonly stream: Stream,
    private readonly host: RunnerHost,
    onEnd: () => void,
  ) {
    this.terminal = { push: (data) => this.write(data), end: onEnd };
  }

  /** Bytes waiting inside this direction's toxics (a dropping toxic holds none). */
  private held(): number {
    let total = 0;
    for (const runner of this.runners) total += runner.heldBytes;
    return total;
  }

  private write(data: Buffer): void {
    if (this.heldPaused && this.held() < HELD_HIGH_WATER / 2) {
      this.heldPaused = false;
      this.source.resume();
    }
    this.observer?.beforeDelivery(this.stream, data);
    const dest = this.dest;
    if (dest.destroyed || dest.writableEnded) return;
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
    head.push(data, performance.now());
    if (!this.heldPaused && this.held() > HELD_HIGH_WATER) {
      this.heldPaused = true;
      this.source.pause();
    }
  }

  inputEnd(): void {
    if (this.sourceEnded) return;
    this.sourceEnded = true;
    const head = this.runners[0];
    if (head === undefined) this.terminal.end();
    else head.end();
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
    runner.interrupt(true);
  }

  dispose(): void {
    for (const runner of this.runners) runner.interrupt(false);
  }
}

/** Closes an endpoint once its last bytes are written (bounded, for a peer that never reads). */
function destroyWhenFlushed(endpoint: Endpoint): void {
  if (endpoint.destroyed) return;
  if (endpoint.writableFinished) {
    endpoint.destroy();
    return;
  }
  if (!endpoint.writableEnded) endpoint.end();
  const timer = setTimeout(() => endpoint.destroy(), FLUSH_TIMEOUT_MS);
  timer.unref();
  endpoint.once('finish', () => {
    clearTimeout(timer);
    endpoint.destroy();
  });
}

function hardReset(endpoint: Endpoint): void {
  if (endpoint.destroyed) return;
  try {
    if (endpoint.resetAndDestroy) endpoint.resetAndDestroy();
    else endpoint.destroy();
  } catch {
    endpoint.destroy();
  }
}

/**
 * A proxied connection: the client socket, the upstream endpoint and a toxic chain per stream,
 * closed the way Toxiproxy closes one. Each stream is independent: when it ends (its source sent
 * FIN, failed or closed, or a toxic closed it) its destination is closed after the data already
 * passed; that destination is the other stream's source, so the other stream then ends too, after
 * delivering what it had already read. The first FIN on either side thus closes the connection.
 * A connection that started while a `lingerZero` toxic (reset_peer) was present closes with RST.
 * Nothing here can throw into the server.
 */
export class Link implements RunnerHost {
  private readonly upstreamDir: LinkDirection;
  private readonly downstreamDir: LinkDirection;
  private closed = false;
  private readonly ended = { upstream: false, downstream: false };
  private detachUpstream: () => void = () => undefined;
  /** Set at the start only, as Toxiproxy sets SO_LINGER 0 only when a connection starts. */
  private readonly lingerZero: boolean;
  upstream: Endpoint;

  constructor(
    readonly client: Endpoint,
    upstream: Endpoint,
    toxics: readonly ToxicWrapper[],
    readonly random: () => number,
  ) {
    this.upstream = upstream;
    this.lingerZero = toxics.some((toxic) => toxic.definition.layer === 'tcp' && toxic.definition.lingerZero === true);
    this.upstreamDir = new LinkDirection(client, upstream, 'upstream', this, () => this.streamEnded('upstream'));
    this.downstreamDir = new LinkDirection(upstream, client, 'downstream', this, () => this.streamEnded('downstream'));
    for (const toxic of toxics) this.addToxic(toxic);
    client.on('data', (data: Buffer) => this.upstreamDir.input(data));
    client.on('end', () => this.upstreamDir.inputEnd());
    client.on('error', () => undefined);
    // A client that vanished (reset, destroyed) ends its stream like a FIN: Toxiproxy's read fails the same way.
    client.on('close', () => {
      this.upstreamDir.inputEnd();
      this.closeIfDone();
    });
    this.attachUpstream(upstream);
  }

  private attachUpstream(upstream: Endpoint): void {
    const onData = (data: Buffer): void => this.downstreamDir.input(data);
    const onEnd = (): void => this.downstreamDir.inputEnd();
    const onError = (): void => undefined;
    const onClose = (): void => {
      this.downstreamDir.inputEnd();
      this.closeIfDone();
    };
    upstream.on('data', onData);
    upstream.on('end', onEnd);
    upstream.on('error', onError);
    upstream.on('close', onClose);
    this.detachUpstream = () => {
      upstream.off('data', onData);
      upstream.off('end', onEnd);
      upstream.off('close', onClose);
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

  /**
   * A stream ended at its destination (Toxiproxy's link.write returning, then dest.Close()): FIN
   * after the data written, or RST under linger 0. What the destination already sent still flows
   * the other way until it closes its side or CLOSE_DRAIN_MS pass; then it is closed, which ends
   * the other stream.
   */
  private streamEnded(stream: Stream): void {
    if (this.ended[stream]) return;
    this.ended[stream] = true;
    const dest = stream === 'upstream' ? this.upstream : this.client;
    if (this.lingerZero) {
      // SO_LINGER 0 discards unsent data; locally written bytes get their turn first, then the reset.
      if (dest.writableLength > 0) dest.once('drain', () => hardReset(dest));
      else hardReset(dest);
    } else if (!dest.destroyed) {
      dest.end(() => {
        if (dest.answersBeforeClosing) return;
        const timer = setTimeout(() => setImmediate(() => dest.destroy()), CLOSE_DRAIN_MS);
        timer.unref();
        dest.once('close', () => clearTimeout(timer));
      });
      if (!dest.answersBeforeClosing) setTimeout(() => dest.destroy(), FLUSH_TIMEOUT_MS).unref();
    }
    this.closeIfDone();
  }

  private closeIfDone(): void {
    if (this.ended.upstream && this.ended.downstream) this.destroy();
  }

  /** Closes both sides now ("down", proxy deleted, both streams ended): FIN after what was written, or RST under linger 0. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstreamDir.dispose();
    this.downstreamDir.dispose();
    for (const endpoint of [this.client, this.upstream]) {
      if (this.lingerZero) hardReset(endpoint);
      else destroyWhenFlushed(endpoint);
    }
  }
}
