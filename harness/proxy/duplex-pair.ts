import { Duplex } from 'node:stream';

/**
 * One end of an in-memory connection. The HTTP front's parser reads one end while a Link writes
 * the other, so TCP toxics still apply to connections parsed as HTTP. `resetPeer` lets the HTTP
 * front reset the real client socket behind the pair (the "lost response").
 */
export class PairEnd extends Duplex {
  other: PairEnd | null = null;
  /** The HTTP front answers a request whose client sent FIN, then ends: a Link may wait for it. */
  readonly answersBeforeClosing = true;
  resetPeer: () => void = () => this.destroy();

  override _read(): void {
    // Data is pushed by the other end's writes.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.other?.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.other?.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const other = this.other;
    this.other = null;
    if (other && !other.destroyed) other.destroy();
    callback(error);
  }

  // net.Socket methods the HTTP server calls when it finds them; an in-memory end has no timers.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
}

export function createPair(): [PairEnd, PairEnd] {
  const a = new PairEnd();
  const b = new PairEnd();
  a.other = b;
  b.other = a;
  return [a, b];
}
