import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';
import { failure, type Http1Handler, type Http1Timings } from './http1-request.js';

// The request side moved to http1-request.ts; its names stay importable from here.
export { failure, newTimings, serialiseRequest, type Http1Handler, type Http1Request, type Http1Timings } from './http1-request.js';

/**
 * A small HTTP/1.1 keep-alive client for the load engine. Load generation spends most of its CPU
 * per request in the client; a general-purpose client (undici) costs about a third more per
 * request than a load tool's (autocannon), which caps the top rate one core can drive. This one
 * does one write per request and parses answers with Buffer searches: status line, headers,
 * then a Content-Length body, a chunked body, or a body up to connection close.
 */

const CRLF2 = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const MAX_HEAD = 64 * 1024;

type BodyMode = 'none' | 'length' | 'chunked' | 'close';

/** One keep-alive connection; one request at a time. */
export class Http1Connection {
  private readonly socket: net.Socket;
  private buffer: Buffer | null = null;
  private handler: Http1Handler | null = null;
  private method = 'GET';
  private mode: BodyMode = 'none';
  private remaining = 0;
  private chunks: Buffer[] = [];
  private inHead = true;
  private keepAlive = true;
  private chunkState: 'size' | 'data' | 'data-crlf' | 'trailers' = 'size';
  private timings: Http1Timings | null = null;
  /** A request waiting for the connection (and its TLS session) to be established. */
  private pending: string | null = null;
  private ready = false;
  private readonly openedAt = performance.now();
  private connectedAt = 0;
  private secureAt = 0;
  /** The connect and handshake times go to the first request only: later ones reuse the connection. */
  private setupReported = false;
  closed = false;
  get busy(): boolean {
    return this.handler !== null;
  }

  constructor(url: URL, private readonly timeoutMs: number, private readonly onFree: (connection: Http1Connection) => void) {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const secure = url.protocol === 'https:';
    this.socket = secure ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => {
      this.connectedAt = performance.now();
      if (!secure) this.onReady();
    });
    if (secure) {
      this.socket.once('secureConnect', () => {
        this.secureAt = performance.now();
        if (this.connectedAt === 0) this.connectedAt = this.secureAt;
        this.onReady();
      });
    }
    this.socket.on('data', (data: Buffer) => this.onData(data));
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.fail(failure(error.code ?? 'ECONNRESET', error.message)));
    this.socket.on('close', () => this.onClose());
    this.socket.on('timeout', () => {
      this.fail(failure('UND_ERR_HEADERS_TIMEOUT', `no complete answer within ${this.timeoutMs} ms`));
      this.socket.destroy();
    });
  }

  send(payload: string, method: string, handler: Http1Handler, timings: Http1Timings): void {
    timings.assignedAt = performance.now();
    this.handler = handler;
    this.timings = timings;
    this.method = method;
    this.inHead = true;
    this.chunks = [];
    this.socket.setTimeout(this.timeoutMs);
    // Written once the connection is up, so sending measures the write, not the connect.
    if (this.ready) this.write(payload, timings);
    else this.pending = payload;
  }

  private onReady(): void {
    this.ready = true;
    const payload = this.pending;
    this.pending = null;
    if (payload !== null && this.timings) this.write(payload, this.timings);
  }

  private write(payload: string, timings: Http1Timings): void {
    if (!this.setupReported) {
      this.setupReported = true;
      timings.connectingMs = this.connectedAt - this.openedAt;
      timings.tlsHandshakingMs = this.secureAt === 0 ? 0 : this.secureAt - this.connectedAt;
    }
    timings.bytesSent = Buffer.byteLength(payload);
    timings.writeStartAt = performance.now();
    // The callback runs once the bytes are with the kernel; it cannot be shared, a later request may be written first.
    this.socket.write(payload, () => {
      if (timings.writtenAt === 0) timings.writtenAt = performance.now();
    });
  }

  /** Gives up on the current request; the connection cannot be reused. */
  abort(reason: string): void {
    this.fail(failure('ABORT_ERR', reason));
    this.socket.destroy();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onClose(): void {
    this.closed = true;
    if (this.handler && !this.inHead && this.mode === 'close') return this.complete();
    this.fail(failure('UND_ERR_SOCKET', 'the connection closed before the answer was complete'));
  }

  private fail(error: Error & { code?: string }): void {
    const handler = this.handler;
    const timings = this.timings;
    this.handler = null;
    this.timings = null;
    this.pending = null;
    this.closed = true;
    this.buffer = null;
    if (!handler) return;
    handler.onError(error, timings!);
    this.onFree(this);
  }

  private onData(data: Buffer): void {
    if (!this.handler) {
      // Bytes nobody asked for: the connection's framing can no longer be trusted.
      this.close();
      return;
    }
    this.timings!.bytesReceived += data.length;
    this.buffer = this.buffer ? Buffer.concat([this.buffer, data]) : data;
    while (this.handler && this.buffer && this.buffer.length > 0) {
      if (this.inHead ? !this.parseHead() : !this.parseBody()) return;
    }
  }

  /** Returns false when more bytes are needed. */
  private parseHead(): boolean {
    const buffer = this.buffer!;
    const end = buffer.indexOf(CRLF2);
    if (end < 0) {
      if (buffer.length > MAX_HEAD) this.abort('response head larger than 64 KiB');
      return false;
    }
    const lines = buffer.toString('latin1', 0, end).split('\r\n');
    this.buffer = buffer.length > end + 4 ? buffer.subarray(end + 4) : null;
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]!);
    if (!statusLine) {
      this.abort(`not an HTTP/1.x answer: ${JSON.stringify(lines[0]!.slice(0, 40))}`);
      return false;
    }
    const status = Number(statusLine[2]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    if (status >= 100 && status < 200 && status !== 101) return true; // interim answer: the real one follows
    const connection = (headers.connection ?? '').toLowerCase();
    this.keepAlive = statusLine[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    this.inHead = false;
    // An answer before the write callback ran (it is queued behind I/O): the write was done by then.
    const timings = this.timings!;
    if (timings.writtenAt === 0) timings.writtenAt = performance.now();
    if (this.method === 'HEAD' || status === 204 || status === 304) this.mode = 'none';
    else if ((headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
      this.mode = 'chunked';
      this.chunkState = 'size';
    } else if (headers['content-length'] !== undefined) {
      this.mode = 'length';
      this.remaining = Number(headers['content-length']);
    } else this.mode = 'close';
    this.handler!.onHeaders(status, headers);
    if (this.mode === 'none' || (this.mode === 'length' && this.remaining === 0)) this.complete();
    return true;
  }

  private parseBody(): boolean {
    const buffer = this.buffer!;
    if (this.mode === 'close') {
      this.chunks.push(buffer);
      this.buffer = null;
      return false;
    }
    if (this.mode === 'length') {
      const take = Math.min(this.remaining, buffer.length);
      this.chunks.push(take === buffer.length ? buffer : buffer.subarray(0, take));
      this.remaining -= take;
      this.buffer = take === buffer.length ? null : buffer.subarray(take);
      if (this.remaining === 0) this.complete();
      return this.buffer !== null;
    }
    return this.parseChunked();
  }

  private parseChunked(): boolean {
    let buffer = this.buffer!;
    while (buffer.length > 0) {
      if (this.chunkState === 'size' || this.chunkState === 'trailers') {
        const eol = buffer.indexOf(CRLF);
        if (eol < 0) break;
        const line = buffer.toString('latin1', 0, eol);
        buffer = buffer.subarray(eol + 2);
        if (this.chunkState === 'trailers') {
          if (line === '') {
            this.buffer = buffer.length ? buffer : null;
            this.complete();
            return this.buffer !== null;
          }
          continue;
        }
        const size = parseInt(line, 16);
        if (Number.isNaN(size)) {
          this.abort(`bad chunk size line ${JSON.stringify(line.slice(0, 20))}`);
          return false;
        }
        if (size === 0) this.chunkState = 'trailers';
        else {
          this.remaining = size;
          this.chunkState = 'data';
        }
      } else if (this.chunkState === 'data') {
        const take = Math.min(this.remaining, buffer.length);
        this.chunks.push(buffer.subarray(0, take));
        buffer = buffer.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.chunkState = 'data-crlf';
      } else {
        if (buffer.length < 2) break;
        buffer = buffer.subarray(2);
        this.chunkState = 'size';
      }
    }
    this.buffer = buffer.length ? buffer : null;
    return false;
  }

  private complete(): void {
    const handler = this.handler!;
    const timings = this.timings!;
    this.handler = null;
    this.timings = null;
    this.socket.setTimeout(0);
    const chunks = this.chunks;
    this.chunks = [];
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    // Bytes beyond the answer, or a server that will close: this connection is done.
    if (!this.keepAlive || this.mode === 'close' || this.buffer !== null) this.close();
    handler.onEnd(body, timings);
    this.onFree(this);
  }
}
