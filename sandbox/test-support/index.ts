import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../index.js';
import type { Payment } from '../payments/store.js';

/** A real PostgreSQL for the sandbox tests; the PGlite variants always run. */
export const TEST_DATABASE_URL = process.env.PAYHARNESS_TEST_DATABASE_URL;

export interface Storage {
  name: string;
  /** Undefined when this storage cannot run here; the reason shows in the skipped test's name. */
  available: boolean;
  /** Options giving a fresh, empty database each call. */
  fresh(): SandboxOptions;
}

const schemas: string[] = [];

export const STORAGES: Storage[] = [
  { name: 'PGlite', available: true, fresh: () => ({}) },
  {
    name: TEST_DATABASE_URL ? 'PostgreSQL' : 'PostgreSQL (skipped: set PAYHARNESS_TEST_DATABASE_URL)',
    available: TEST_DATABASE_URL !== undefined,
    fresh: () => {
      const schema = `sbx_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      const url = new URL(TEST_DATABASE_URL as string);
      url.searchParams.set('schema', schema);
      return { database: url.toString() };
    },
  },
];

/** Drops the schemas the PostgreSQL variants created (call in afterAll). */
export async function dropTestSchemas(): Promise<void> {
  if (!TEST_DATABASE_URL || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export function start(storage: Storage, options: SandboxOptions = {}): Promise<RunningSandbox> {
  return startSandbox({ quiet: true, timeScale: 0.01, ...storage.fresh(), ...options });
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** A client for one merchant; every POST gets a fresh Idempotency-Key unless one is given (null = none). */
export function apiClient(baseUrl: string, apiKey = `sk_test_${randomBytes(6).toString('hex')}`) {
  async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string | null, extraHeaders: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, ...extraHeaders };
    if (method === 'POST' && idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey ?? randomUUID();
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json: json as T };
  }
  return {
    apiKey,
    call,
    post: <T = Record<string, unknown>>(path: string, body?: unknown, key?: string | null) => call<T>('POST', path, body, key),
    get: <T = Record<string, unknown>>(path: string) => call<T>('GET', path),
    createPayment: (fields: Record<string, unknown> = {}, key?: string) =>
      call<PaymentJson>('POST', '/v1/payments', { amount: 1000, currency: 'EUR', reference: 'order-1', capture: 'automatic', ...fields }, key),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/** A payment as the API answers it (the store's own shape). */
export type PaymentJson = Payment;

export interface ReceivedWebhook {
  at: number;
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on 127.0.0.1:0 that records every delivery and answers per `answer(n)` (n from 1; status 0 = never answer). */
export async function startReceiver(answer: (n: number, delivery: ReceivedWebhook) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 })) {
  const { createServer } = await import('node:http');
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      const delivery = { at: Date.now(), headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(delivery);
      const reply = answer(received.length, delivery);
      if (reply.status === 0) return; // hang: never answer
      response.writeHead(reply.status, reply.headers ?? {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Resolves once `count` deliveries arrived; rejects after `timeoutMs`. */
    async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Registers `url` for every event type and returns the endpoint's signing secret. */
export async function registerEndpoint(api: ApiClient, url: string, events: string[] = ['*']): Promise<string> {
  const response = await api.post<{ secret: string }>('/v1/webhook_endpoints', { url, events });
  if (response.status !== 201) throw new Error(`webhook endpoint registration answered ${response.status}: ${response.text}`);
  return response.json.secret;
}
