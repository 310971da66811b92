import { performance } from 'node:perf_hooks';
import { failure, Http1Connection, newTimings, serialiseRequest, type Http1Handler, type Http1Request, type Http1Timings } from './http1-client.js';

/**
 * Up to `max` keep-alive connections to one origin (one pool per VU, like k6's per-VU
 * transport); requests beyond that wait, first come first served.
 */
export class Http1Pool {
  private readonly connections: Http1Connection[] = [];
  private readonly waiting: { payload: string; method: string; handler: Http1Handler; timings: Http1Timings }[] = [];
  private readonly url: URL;
  private readonly host: string;

  constructor(origin: string, private readonly max: number, private readonly timeoutMs: number) {
    this.url = new URL(origin);
    this.host = this.url.host;
  }

  /** Sends a request; exactly one of the handler's onEnd/onError is called. */
  request(req: Http1Request, handler: Http1Handler): void {
    const timings = newTimings(performance.now());
    let payload: string;
    try {
      payload = serialiseRequest(req, this.host);
    } catch (error) {
      handler.onError(error as Error, timings);
      return;
    }
    const connection = this.acquire();
    if (connection) connection.send(payload, req.method, handler, timings);
    else this.waiting.push({ payload, method: req.method, handler, timings });
  }

  /** Aborts every request in flight or waiting (the run was stopped). */
  abortAll(reason: string): void {
    for (const w of this.waiting.splice(0)) w.handler.onError(failure('ABORT_ERR', reason), w.timings);
    for (const c of this.connections) if (c.busy) c.abort(reason);
  }

  /** A connection finished a request (or died): hand the next waiting request a connection. */
  private next(): void {
    const waiter = this.waiting[0];
    if (!waiter) return;
    const connection = this.acquire();
    if (!connection) return;
    this.waiting.shift();
    connection.send(waiter.payload, waiter.method, waiter.handler, waiter.timings);
  }

  close(): void {
    for (const c of this.connections) c.close();
    this.connections.length = 0;
  }

  private acquire(): Http1Connection | undefined {
    for (let i = this.connections.length - 1; i >= 0; i--) {
      const c = this.connections[i]!;
      if (c.closed) this.connections.splice(i, 1);
      else if (!c.busy) return c;
    }
    if (this.connections.length >= this.max) return undefined;
    const connection = new Http1Connection(this.url, this.timeoutMs, () => this.next());
    this.connections.push(connection);
    return connection;
  }
}
