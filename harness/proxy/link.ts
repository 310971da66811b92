import type { Socket } from 'node:net';
import { StageRunner, type RunnerHost, type Sink } from './stage-runner.js';
import type { Stream, ToxicWrapper } from './toxic-wrapper.js';

/** Above this many bytes held inside toxics, stop reading the source until they drain. */
const HELD_BYTES_HIGH_WATER = 4 * 1024 * 1024;

/**
 * One direction of one connection: source socket → toxic runners → destination socket. With no
 * toxics the data goes straight from `data` to `write` (the fast path the benchmark measures).
 */
class LinkDirection {
  private readonly runners: StageRunner[] = [];
  private readonly terminal: Sink;

  constructor(
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly host: RunnerHost,
    onEnd: (full: boolean) => void,
  ) {
    this.terminal = {
      push: (data) => this.write(data),
      end: onEnd,
    };
  }

  private write(data: Buffer): void {
    if (this.dest.destroyed) return;
    if (!this.dest.write(data) && !this.source.isPaused()) {
      this.source.pause();
      this.dest.once('drain', () => this.source.resume());
    }
  }

  input(data: Buffer): void {
    const head = this.runners[0];
    if (head === undefined) this.write(data);
    else head.push(data, performance.now());
  }

  inputEnd(): void {
    const head = this.runners[0];
    if (head === undefined) this.terminal.end(false);
    else head.end(false);
  }

  /** New toxics go to the end of the chain, as in Toxiproxy; data already queued in the last stage flows through it. */
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
 * A proxied TCP connection: the client socket, the upstream socket and a toxic chain per stream.
 * Any socket error or close tears the pair down; nothing here can throw into the server.
 */
export class Link implements RunnerHost {
  private readonly upstreamDir: LinkDirection;
  private readonly downstreamDir: LinkDirection;
  private closed = false;
  private ended = { upstream: false, downstream: false };

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    toxics: readonly ToxicWrapper[],
    readonly random: () => number,
    private readonly onClosed: () => void,
  ) {
    this.upstreamDir = new LinkDirection(client, upstream, this, (full) => this.streamEnded('upstream', full));
    this.downstreamDir = new LinkDirection(upstream, client, this, (full) => this.streamEnded('downstream', full));
    for (const toxic of toxics) this.addToxic(toxic);
    client.on('data', (data: Buffer) => this.upstreamDir.input(data));
    upstream.on('data', (data: Buffer) => this.downstreamDir.input(data));
    client.on('end', () => this.upstreamDir.inputEnd());
    upstream.on('end', () => this.downstreamDir.inputEnd());
    client.on('error', () => this.destroy());
    upstream.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
    // A clean close arrives after 'end', which still has to flow through the toxics.
    upstream.on('close', (hadError) => {
      if (hadError) this.destroy();
    });
  }

  addToxic(toxic: ToxicWrapper): void {
    this.direction(toxic.stream).add(toxic);
  }

  removeToxic(toxic: ToxicWrapper): void {
    this.direction(toxic.stream).remove(toxic);
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
      other.destroy();
      dest.end(() => this.destroy());
      return;
    }
    dest.end();
    if (this.ended.upstream && this.ended.downstream) this.destroy();
  }

  reset(): void {
    if (this.closed) return;
    for (const socket of [this.client, this.upstream]) {
      try {
        socket.resetAndDestroy();
      } catch {
        socket.destroy();
      }
    }
    this.destroy();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstreamDir.dispose();
    this.downstreamDir.dispose();
    if (!this.client.destroyed) this.client.destroy();
    if (!this.upstream.destroyed) this.upstream.destroy();
    this.onClosed();
  }
}
