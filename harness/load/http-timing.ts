import { performance } from 'node:perf_hooks';
import type { Http1Handler, Http1Timings } from './http1-client.js';
import { Http1Pool } from './http1-pool.js';
import type { MetricAdder, MetricRegistry } from './metrics.js';

/** A status range or a single status, as k6's `http.expectedStatuses({min,max}, 409)` takes them. */
export type ExpectedStatus = number | { min: number; max: number };

export const DEFAULT_EXPECTED: readonly ExpectedStatus[] = [{ min: 200, max: 399 }];

export function isExpected(status: number, expected: readonly ExpectedStatus[]): boolean {
  return expected.some((e) => (typeof e === 'number' ? status === e : status >= e.min && status <= e.max));
}

export interface TimedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface TimedRequestMeta {
  scenario: string;
  /** The VU sending it: each VU keeps its own keep-alive connection, as k6's VUs do. */
  vu: number;
  /** k6's `name` tag: the operation, so per-operation submetrics work (`http_req_duration{name:create}`). */
  name: string;
  /** performance.now() the request was due; the duration is measured from here, not from the send. */
  intendedStart: number;
  expected?: readonly ExpectedStatus[];
  signal?: AbortSignal;
}

export interface TimedResponse {
  /** 0 when no response arrived. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Transport error (ECONNRESET, timeout, aborted). */
  error?: string;
  durationMs: number;
}

type SampleTagsRecord = Readonly<Record<string, string>>;

/** The k6 metrics every request feeds, by the short names used here. */
const HTTP_METRICS = {
  reqs: 'http_reqs',
  duration: 'http_req_duration',
  blocked: 'http_req_blocked',
  connecting: 'http_req_connecting',
  tls: 'http_req_tls_handshaking',
  sending: 'http_req_sending',
  waiting: 'http_req_waiting',
  receiving: 'http_req_receiving',
  failed: 'http_req_failed',
  sent: 'data_sent',
  received: 'data_received',
} as const;
type HttpMetric = keyof typeof HTTP_METRICS;

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = create()));
  return value;
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message || error.name;
}

export interface HttpClientOptions {
  /**
   * Parallel connections each VU may open (k6's batchPerHost, default 6): one is enough for
   * sequential requests; a VU sending concurrent copies uses more.
   */
  connectionsPerVu?: number;
  /** Instead of per-VU connections, share one pool of this many connections (tests of client-side queueing). */
  sharedConnections?: number;
  timeoutMs?: number;
}

/**
 * Keep-alive connections to the target, per VU like k6 (so connection-level faults such as a
 * Toxiproxy toxicity of 0.1 hit about a tenth of the traffic), and k6's HTTP metrics for every
 * request. The duration runs from the intended start (as wrk2 does), so a stalled server shows
 * in the tail even for requests that could not be sent while it stalled.
 */
export class TimedHttpClient {
  private readonly pools = new Map<number, Http1Pool>();
  private readonly shared?: Http1Pool;
  private readonly timeoutMs: number;
  private readonly adders: Record<HttpMetric, MetricAdder>;
  private readonly perVu: number;
  private readonly tagCache = new Map<string, Map<string, Map<string, Map<number, SampleTagsRecord>>>>();
  private readonly dataTagCache = new Map<string, SampleTagsRecord>();
  private readonly watched = new WeakSet<AbortSignal>();
  /** The origin's path (the API's base path, `/api/v2`): every request path is sent under it. */
  private readonly basePath: string;

  constructor(
    private readonly origin: string,
    private readonly metrics: MetricRegistry,
    options: HttpClientOptions = {},
  ) {
    this.adders = Object.fromEntries(Object.entries(HTTP_METRICS).map(([short, name]) => [short, metrics.adder(name)])) as Record<HttpMetric, MetricAdder>;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.perVu = options.connectionsPerVu ?? 6;
    this.basePath = new URL(origin).pathname.replace(/\/+$/, '');
    if (options.sharedConnections !== undefined) this.shared = new Http1Pool(origin, options.sharedConnections, this.timeoutMs);
  }

  private poolFor(vu: number): Http1Pool {
    if (this.shared) return this.shared;
    let pool = this.pools.get(vu);
    if (!pool) this.pools.set(vu, (pool = new Http1Pool(this.origin, this.perVu, this.timeoutMs)));
    return pool;
  }

  /** Sends one request on the VU's connections and records k6's HTTP metrics for it. */
  request(req: TimedRequest, meta: TimedRequestMeta): Promise<TimedResponse> {
    if (meta.signal?.aborted) {
      // Never sent: nothing to measure or count.
      return Promise.resolve({ status: 0, headers: {}, body: '', durationMs: 0, error: 'aborted: the run was stopped' });
    }
    if (meta.signal) this.watch(meta.signal);
    return new Promise<TimedResponse>((resolve) => {
      const sent = this.basePath ? { ...req, path: `${this.basePath}${req.path}` } : req;
      this.poolFor(meta.vu).request(sent, new TimedExchange(this, req.method, meta, resolve));
    });
  }

  /** Called by a TimedExchange when it ends either way; records the metrics, returns the duration. */
  ended(method: string, status: number, timings: Http1Timings, headersAt: number, meta: TimedRequestMeta): number {
    return this.record(method, status, timings, headersAt, performance.now(), meta);
  }

  /**
   * One listener per stop signal (not one per request: EventTarget listeners are costly at
   * tens of thousands of requests per second); it aborts whatever is in flight.
   */
  private watch(signal: AbortSignal): void {
    if (this.watched.has(signal)) return;
    this.watched.add(signal);
    signal.addEventListener(
      'abort',
      () => {
        for (const pool of [...this.pools.values(), ...(this.shared ? [this.shared] : [])]) pool.abortAll('aborted: the run was stopped');
      },
      { once: true },
    );
  }

  /**
   * Records k6's HTTP metrics for one request; returns its duration from the intended start.
   * Phases that did not happen (no answer, no write) count 0, as k6 reports them.
   */
  private record(method: string, status: number, t: Http1Timings, headersAt: number, end: number, meta: TimedRequestMeta): number {
    const durationMs = end - meta.intendedStart;
    const expected = status > 0 && isExpected(status, meta.expected ?? DEFAULT_EXPECTED);
    const tags = this.tagsFor(meta.scenario, meta.name, method, status, expected);
    const m = this.adders;
    const written = t.writtenAt > 0;
    m.reqs(1, tags);
    m.duration(durationMs, tags);
    m.blocked(t.assignedAt > 0 ? t.assignedAt - t.queuedAt : end - t.queuedAt, tags);
    m.connecting(t.connectingMs, tags);
    m.tls(t.tlsHandshakingMs, tags);
    m.sending(written ? t.writtenAt - t.writeStartAt : 0, tags);
    m.waiting(written && headersAt > 0 ? headersAt - t.writtenAt : 0, tags);
    m.receiving(headersAt > 0 ? end - headersAt : 0, tags);
    m.failed(expected ? 0 : 1, tags);
    // k6 tags data_sent/data_received with the iteration's tags only (scenario, group).
    const dataTags = this.dataTagsFor(meta.scenario);
    m.sent(t.bytesSent, dataTags);
    m.received(t.bytesReceived, dataTags);
    return durationMs;
  }

  private dataTagsFor(scenario: string): SampleTagsRecord {
    return getOrCreate(this.dataTagCache, scenario, () => Object.freeze({ scenario, group: '' }));
  }

  /** Tag sets repeat endlessly under load; build each combination once. */
  private tagsFor(scenario: string, name: string, method: string, status: number, expected: boolean): SampleTagsRecord {
    // Nested maps, so no key string is built per request.
    const byName = getOrCreate(this.tagCache, scenario, () => new Map<string, Map<string, Map<number, SampleTagsRecord>>>());
    const byMethod = getOrCreate(byName, name, () => new Map<string, Map<number, SampleTagsRecord>>());
    const byStatus = getOrCreate(byMethod, method, () => new Map<number, SampleTagsRecord>());
    const statusKey = status * 2 + (expected ? 1 : 0);
    let tags = byStatus.get(statusKey);
    if (!tags) {
      tags = Object.freeze({ scenario, name, method, status: String(status), expected_response: String(expected), group: '' });
      byStatus.set(statusKey, tags);
    }
    return tags;
  }

  close(): Promise<void> {
    for (const pool of this.pools.values()) pool.close();
    this.shared?.close();
    return Promise.resolve();
  }
}

/**
 * The handler of one request. A class rather than closures: at tens of thousands of requests per
 * second, per-request function objects are measurable garbage.
 */
class TimedExchange implements Http1Handler {
  /** 0 until the answer's head arrives. */
  private headersAt = 0;
  private status = 0;
  private headers: TimedResponse['headers'] = {};

  constructor(
    private readonly client: TimedHttpClient,
    private readonly method: string,
    private readonly meta: TimedRequestMeta,
    private readonly resolve: (response: TimedResponse) => void,
  ) {}

  onHeaders(status: number, headers: Record<string, string>): void {
    this.headersAt = performance.now();
    this.status = status;
    this.headers = headers;
  }

  onEnd(body: Buffer, timings: Http1Timings): void {
    const durationMs = this.client.ended(this.method, this.status, timings, this.headersAt, this.meta);
    this.resolve({ status: this.status, headers: this.headers, body: body.length === 0 ? '' : body.toString('utf8'), durationMs });
  }

  onError(error: Error, timings: Http1Timings): void {
    this.status = 0;
    const durationMs = this.client.ended(this.method, 0, timings, this.headersAt, this.meta);
    this.resolve({ status: 0, headers: this.headers, body: '', durationMs, error: describeError(error) });
  }
}
