import http from 'node:http';
import type { Duplex } from 'node:stream';
import { parseAddress } from '../address.js';
import type { EventLog } from '../events.js';
import { sleep } from '../toxics/sleep.js';
import type { HttpAction } from '../toxics/types.js';
import type { ToxicWrapper } from '../toxic-wrapper.js';
import { requestKey } from './request-key.js';
import { matchesFilters, selectRequest } from './selection.js';
import { callUpstream, endToEndHeaders, type UpstreamResponse } from './upstream-call.js';

/** What the front needs from its proxy, read live on every request. */
export interface HttpFrontHost {
  /** The proxy's name, recorded in events. */
  name: string;
  /** The current upstream `host:port`, read per request. */
  upstream(): string;
  /** The proxy's http_* toxics in order, read per request. */
  httpToxics(): ToxicWrapper[];
  /** The server's seeded generator for probability and toxicity draws of keyless requests, in arrival order. */
  httpRandom(): number;
  /** The server's seed: the default `seed` of keyed decisions. */
  seed: number;
  /** Where every decision is recorded. */
  events: EventLog;
}

interface Decision {
  toxic: ToxicWrapper;
  action: HttpAction;
}

/** The front reads in-memory ends (duplex-pair.ts) whose `resetPeer` resets the real client socket. */
function resetClient(socket: Duplex): void {
  const end = socket as Duplex & { resetPeer?: () => void };
  if (end.resetPeer) end.resetPeer();
  else socket.destroy();
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function statusBody(toxic: ToxicWrapper, status: number, body: string | undefined): { type: string; payload: string } {
  if (body !== undefined) {
    let json = false;
    try {
      JSON.parse(body);
      json = true;
    } catch {
      // plain text
    }
    return { type: json ? 'application/json' : 'text/plain; charset=utf-8', payload: body };
  }
  const problem = { type: 'about:blank', title: http.STATUS_CODES[status] ?? 'Injected', status, detail: `injected by the payharness proxy (toxic ${toxic.name})` };
  return { type: 'application/problem+json', payload: JSON.stringify(problem) };
}

/**
 * HTTP/1.1 on a proxy that has http_* toxics: Node's parser (an unlistened http.Server) reads the
 * client's requests (keep-alive, chunked, content-length), each request is judged by every http_*
 * toxic, recorded in the event log when selected, and forwarded over a keep-alive agent.
 */
export class HttpFront {
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  /** Aborted on close, so held requests and scheduled duplicates do not outlive the proxy. */
  private readonly closing = new AbortController();

  constructor(private readonly host: HttpFrontHost) {
    this.server = http.createServer({ requestTimeout: 0, keepAliveTimeout: 60_000 }, (request, response) => {
      this.handle(request, response).catch(() => resetClient(request.socket));
    });
    this.server.on('clientError', (_error, socket) => socket.destroy());
    // Answer clients that half-close after their request (Node's default aborts the request).
    (this.server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  }

  /** Hands a client connection (an in-memory end behind the client's Link) to the parser. */
  attach(client: Duplex): void {
    this.server.emit('connection', client);
  }

  close(): void {
    this.closing.abort();
    this.agent.destroy();
  }

  /**
   * Asks every http_* toxic about this request. Keyed requests (key_header, else key_path in the
   * body) are decided by their identity — method, key without key_prefix, occurrence — so the same
   * seed gives the same decisions whatever order concurrent clients arrive in.
   */
  private decide(request: http.IncomingMessage, path: string, query: string, body: Buffer, now: number): Decision[] {
    const method = request.method ?? 'GET';
    const decisions: Decision[] = [];
    for (const toxic of this.host.httpToxics()) {
      if (toxic.definition.layer !== 'http' || !matchesFilters(toxic, { method, path, query })) continue;
      const { key_header: header, key_path: keyPath, key_prefix: prefix } = toxic.attributes;
      const key = requestKey(request.headers, body, {
        header: typeof header === 'string' ? header : 'Idempotency-Key',
        ...(typeof keyPath === 'string' ? { path: keyPath } : {}),
        ...(typeof prefix === 'string' ? { prefix } : {}),
      });
      const facts = { method, path, ...(key ? { key } : {}) };
      const { selected, occurrence } = selectRequest(toxic, facts, { seed: this.host.seed, random: this.host.httpRandom, now });
      if (!selected) continue;
      const action = toxic.definition.action(toxic.attributes);
      this.host.events.append({
        proxy: this.host.name,
        toxic: toxic.name,
        type: toxic.type,
        action: action.kind,
        method,
        path,
        ...(key ? { idempotency_key: key.raw } : {}),
        ...(occurrence !== undefined ? { occurrence } : {}),
      });
      decisions.push({ toxic, action });
    }
    return decisions;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = queryAt < 0 ? '' : url.slice(queryAt + 1);
    const arrivedAt = performance.now();
    // The body comes first: a key may live in it (key_path).
    const body = await readBody(request);
    const decisions = this.decide(request, path, query, body, arrivedAt);
    const of = <K extends HttpAction['kind']>(kind: K) =>
      decisions.filter((d): d is Decision & { action: Extract<HttpAction, { kind: K }> } => d.action.kind === kind);

    for (const { action } of of('delay')) if (action.phase === 'request') await sleep(action.delayMs, this.closing.signal);
    if (this.closing.signal.aborted) return resetClient(request.socket);
    if (of('drop_request').length > 0) return resetClient(request.socket);
    const status = of('status')[0];
    if (status && !status.action.forward) return this.answerStatus(response, status);

    const upstream = parseAddress('upstream', this.host.upstream());
    const outgoing = { method: request.method ?? 'GET', url, headers: request.headers, body };
    const original = callUpstream(this.agent, upstream, outgoing);
    for (const { action } of of('duplicate')) {
      for (let copy = 1; copy <= action.copies; copy++) {
        void sleep(copy * action.delayMs, this.closing.signal)
          .then(() => (this.closing.signal.aborted ? undefined : callUpstream(this.agent, upstream, outgoing)))
          .catch(() => undefined);
      }
    }
    let answer: UpstreamResponse;
    try {
      answer = await original;
    } catch {
      // Upstream unreachable or reset: the client sees its connection close, as through Toxiproxy.
      request.socket.destroy();
      return;
    }
    if (status) return this.answerStatus(response, status);
    if (of('drop_response').length > 0) return resetClient(request.socket);
    for (const { action } of of('delay')) if (action.phase === 'response') await sleep(action.delayMs, this.closing.signal);
    const headers = endToEndHeaders(answer.headers);
    // HEAD keeps the upstream's length (there is no body to count); 204/304 carry none.
    if (outgoing.method === 'HEAD') {
      if (answer.headers['content-length'] !== undefined) headers['content-length'] = answer.headers['content-length'];
    } else if (answer.status !== 204 && answer.status !== 304) headers['content-length'] = answer.body.length;
    response.writeHead(answer.status, headers);
    response.end(answer.body);
  }

  private answerStatus(response: http.ServerResponse, decision: Decision & { action: Extract<HttpAction, { kind: 'status' }> }): void {
    const { status, retryAfter, body } = decision.action;
    const { type, payload } = statusBody(decision.toxic, status, body);
    const headers: http.OutgoingHttpHeaders = { 'content-type': type, 'content-length': Buffer.byteLength(payload) };
    if (retryAfter !== undefined) headers['retry-after'] = retryAfter;
    response.writeHead(status, headers);
    response.end(payload);
  }
}
