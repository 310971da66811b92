import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { MetricRegistry } from './metrics.js';

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

export interface HttpClientOptions {
  /** Keep-alive connections to the target; the open model needs one per concurrent VU. */
  connections: number;
  timeoutMs?: number;
}

/**
 * One keep-alive pool to the target, and k6's HTTP metrics recorded for every request. The
 * duration runs from the intended start (as wrk2 does), so a stalled server shows in the tail
 * even for requests that could not be sent while it stalled.
 */
export class TimedHttpClient {
  private readonly pool: Pool;
  private readonly timeoutMs: number;

  constructor(
    origin: string,
    private readonly metrics: MetricRegistry,
    options: HttpClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.pool = new Pool(origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  async request(req: TimedRequest, meta: TimedRequestMeta): Promise<TimedResponse> {
    const sentAt = performance.now();
    let status = 0;
    let headers: TimedResponse['headers'] = {};
    let body = '';
    let error: string | undefined;
    let headersAt = sentAt;
    try {
      const res = await this.pool.request({ method: req.method as 'GET', path: req.path, headers: req.headers, body: req.body, signal: meta.signal });
      headersAt = performance.now();
      status = res.statusCode;
      headers = res.headers;
      body = await res.body.text();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      error = err.code ?? err.name ?? 'Error';
      if (err.message && !error.includes(err.message)) error = `${error}: ${err.message}`;
    }
    const end = performance.now();
    const durationMs = end - meta.intendedStart;
    const expected = status > 0 && isExpected(status, meta.expected ?? DEFAULT_EXPECTED);
    const tags = {
      scenario: meta.scenario,
      name: meta.name,
      method: req.method,
      status: String(status),
      expected_response: String(expected),
      group: '',
    };
    const m = this.metrics;
    m.add('http_reqs', 1, tags);
    m.add('http_req_duration', durationMs, tags);
    m.add('http_req_waiting', headersAt - sentAt, tags);
    m.add('http_req_receiving', end - headersAt, tags);
    m.add('http_req_failed', expected ? 0 : 1, tags);
    return { status, headers, body, durationMs, ...(error === undefined ? {} : { error }) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
