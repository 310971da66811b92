/**
 * What the load engine's HTTP/1.1 client (http1-client.ts) is handed and reports: a request, its
 * per-phase timings, the handler that receives its answer, and the request serialised for one write.
 */
export interface Http1Handler {
  /** Status and lower-cased headers arrived (duplicates joined with ", "). */
  onHeaders(status: number, headers: Record<string, string>): void;
  /** The whole body arrived; the connection is free again. */
  onEnd(body: Buffer, timings: Http1Timings): void;
  /** No complete answer: connection refused/reset/closed early, timeout, abort, malformed answer. */
  onError(error: Error & { code?: string }, timings: Http1Timings): void;
}

/**
 * Where one request's time went, in the phases k6 reports (all times are performance.now()).
 * A phase that did not happen stays 0 (a reused connection has no connect, plain HTTP no TLS).
 */
export interface Http1Timings {
  /** Handed to the pool. */
  queuedAt: number;
  /** A connection took it: the end of k6's http_req_blocked (waiting for a free connection). */
  assignedAt: number;
  /** TCP connect of the new connection it opened; 0 on a reused connection (http_req_connecting). */
  connectingMs: number;
  /** TLS handshake of the new connection; 0 for http and on reuse (http_req_tls_handshaking). */
  tlsHandshakingMs: number;
  /** The write of the request began (the connection was ready) and was handed to the kernel (http_req_sending). */
  writeStartAt: number;
  writtenAt: number;
  /** Request bytes written, head included (for https, before encryption) (data_sent). */
  bytesSent: number;
  /** Response bytes read, head included (data_received). */
  bytesReceived: number;
}

export function newTimings(queuedAt: number): Http1Timings {
  return { queuedAt, assignedAt: 0, connectingMs: 0, tlsHandshakingMs: 0, writeStartAt: 0, writtenAt: 0, bytesSent: 0, bytesReceived: 0 };
}

export interface Http1Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const HEADER_VALUE_OK = /^[^\r\n]*$/;

/** An Error with a `code`, the shape of Node's own network errors. */
export function failure(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}

/** Serialises a request head and body into one string (one write). Rejects header injection. */
export function serialiseRequest(req: Http1Request, host: string): string {
  let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const name in req.headers) {
    const value = req.headers[name]!;
    if (!HEADER_VALUE_OK.test(value) || !HEADER_VALUE_OK.test(name)) throw failure('ERR_INVALID_HEADER', `header ${name} holds a line break`);
    head += `${name}: ${value}\r\n`;
  }
  if (req.body !== undefined) head += `content-length: ${Buffer.byteLength(req.body)}\r\n`;
  else if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') head += 'content-length: 0\r\n';
  return `${head}\r\n${req.body ?? ''}`;
}
