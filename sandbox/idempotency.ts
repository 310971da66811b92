import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BugSwitches } from './bugs.js';
import type { Database, Queryable } from './db/database.js';
import { toNumber } from './db/database.js';
import type { Operation } from './payments/operations.js';
import { findPayment } from './payments/store.js';
import { PROBLEM_CONTENT_TYPE, ProblemError } from './problem.js';
import { runWithKeyAfterCommit } from './idempotency-after-commit.js';

/** What goes back on the wire; `body` is the exact text, so a replay is byte-for-byte the original. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
  replayed: boolean;
}

export interface IdempotentRequest {
  merchant: string;
  /** The Idempotency-Key header; undefined when absent. */
  key: string | undefined;
  method: string;
  path: string;
  body: unknown;
}

export interface IdempotencyOptions {
  db: Database;
  bugs: BugSwitches;
  retentionMs: number;
  /** Simulated processor latency while the key is claimed (0 = none); makes in-flight duplicates observable. */
  processingDelayMs?: number;
}

/** The one key space of the idempotency-keys-global bug (no merchant id has this form). */
const GLOBAL_KEY_SPACE = '*';
/** A claim left in flight longer than this belongs to a crashed request: its work never committed. */
const ABANDONED_CLAIM_MS = 60_000;
/** The look-up-then-insert window of the idempotency-race bug: real, if short. */
const RACE_WINDOW_MS = 25;
/** How long the idempotency-short-retention bug keeps a key: long past a retry, short of any late replay. */
const SHORT_RETENTION_MS = 1_000;

interface KeyRow {
  request_hash: string;
  state: string;
  status: unknown;
  content_type: string | null;
  body: string | null;
  resource_id: string | null;
}

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one payload. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${method.toUpperCase()} ${path}\n${body === undefined ? '' : canonicalJson(body)}`).digest('hex');
}

export function respond(status: number, body: object, replayed = false): StoredResponse {
  return { status, contentType: status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json', body: JSON.stringify(body), replayed };
}

export function validateKey(key: string | undefined): string {
  if (key === undefined || key === '') {
    throw new ProblemError(400, 'idempotency_key_missing', 'the Idempotency-Key header is required on every POST; send a unique value (e.g. a UUID) per logical request and reuse it on retries');
  }
  if (key.length > 255) throw new ProblemError(400, 'idempotency_key_invalid', 'the Idempotency-Key header must be at most 255 characters');
  return key;
}

/**
 * Runs `operation` at most once per (merchant, key): the first request claims the key with an
 * INSERT that the primary key makes atomic, so concurrent duplicates see the claim (409) instead
 * of executing; the response is stored in the same transaction as the change it describes.
 */
export async function runIdempotently(options: IdempotencyOptions, request: IdempotentRequest, operation: Operation): Promise<StoredResponse> {
  const { db, bugs } = options;
  const delay = options.processingDelayMs ?? 0;
  if (bugs.has('no-idempotency')) return execute(db, operation, delay, async () => undefined);
  if (bugs.has('idempotency-after-commit')) return runWithKeyAfterCommit(options, request, operation);
  const key = validateKey(request.key);
  const hash = requestHash(request.method, request.path, request.body);
  const now = Date.now();
  // Keys belong to the merchant that sent them; the planted bug keeps one key space for everyone.
  const at = { merchant: bugs.has('idempotency-keys-global') ? GLOBAL_KEY_SPACE : request.merchant, key };
  const retentionMs = bugs.has('idempotency-short-retention') ? Math.min(options.retentionMs, SHORT_RETENTION_MS) : options.retentionMs;

  if (bugs.has('idempotency-race')) {
    // Look up, then do the work, then remember the key: nothing stops a second request in between.
    const existing = await findKey(db, at, now);
    if (existing) return answerExisting(options, request, existing, hash);
    await sleep(RACE_WINDOW_MS);
    return execute(db, operation, delay, (tx, response) => storeResponse(tx, at, hash, now + retentionMs, response, true));
  }

  // One atomic statement: claim a new key, or take over one that expired or was abandoned by a
  // crashed request; a live key is left alone and nothing is returned.
  const claimed = await db.query(
    `INSERT INTO idempotency_keys (merchant, key, request_hash, state, created_at_ms, expires_at_ms)
     VALUES ($1, $2, $3, 'in_flight', $4, $5)
     ON CONFLICT (merchant, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, state = 'in_flight',
       status = NULL, content_type = NULL, body = NULL, resource_id = NULL,
       created_at_ms = EXCLUDED.created_at_ms, expires_at_ms = EXCLUDED.expires_at_ms
     WHERE idempotency_keys.expires_at_ms <= $4 OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at_ms <= $6)
     RETURNING key`,
    [at.merchant, at.key, hash, now, now + retentionMs, now - ABANDONED_CLAIM_MS],
  );
  if (claimed.length === 0) {
    const existing = await findKey(db, at, now);
    // Gone between the claim and the read: its request failed (5xx) just now; the client may retry.
    if (!existing) throw new ProblemError(409, 'idempotency_key_in_use', `a request with Idempotency-Key ${key} is being processed; retry later`);
    return answerExisting(options, request, existing, hash);
  }
  try {
    return await execute(db, operation, delay, (tx, response) => {
      // The bug: a refusal is not kept under the key, so a replay runs the request again.
      if (bugs.has('replay-error-reexecutes') && response.status >= 400) return forgetKey(tx, at);
      return storeResponse(tx, at, hash, now + retentionMs, response, false);
    });
  } catch (error) {
    // Nothing committed (a 5xx): free the key so a retry can execute.
    await db.query(`DELETE FROM idempotency_keys WHERE merchant = $1 AND key = $2 AND state = 'in_flight'`, [at.merchant, at.key]).catch(() => undefined);
    throw error;
  }
}

export type Store = (tx: Queryable, response: StoredResponse & { resourceId?: string }) => Promise<void>;

/** Runs the operation; an expected failure (ProblemError) rolls the change back and is stored as the response. */
export async function execute(db: Database, operation: Operation, processingDelayMs: number, store: Store): Promise<StoredResponse> {
  try {
    await operation.prepare?.(db);
    // Outside the transaction: a slow processor must not hold row locks (or PGlite's one connection).
    if (processingDelayMs > 0) await sleep(processingDelayMs);
    return await db.transaction(async (tx) => {
      const result = await operation.run(tx);
      const response = respond(result.status, result.body);
      await store(tx, { ...response, resourceId: result.resourceId });
      return response;
    });
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    const response = respond(error.status, error.toProblem());
    await db.transaction((tx) => store(tx, response));
    return response;
  }
}

export async function storeResponse(tx: Queryable, at: { merchant: string; key: string }, hash: string, expiresAt: number, response: StoredResponse & { resourceId?: string }, insert: boolean): Promise<void> {
  const values = [at.merchant, at.key, response.status, response.contentType, response.body, response.resourceId ?? null];
  if (insert) {
    await tx.query(
      `INSERT INTO idempotency_keys (merchant, key, request_hash, state, status, content_type, body, resource_id, created_at_ms, expires_at_ms)
       VALUES ($1, $2, $7, 'completed', $3, $4, $5, $6, $8, $9) ON CONFLICT (merchant, key) DO NOTHING`,
      [...values, hash, Date.now(), expiresAt],
    );
  } else {
    await tx.query(
      `UPDATE idempotency_keys SET state = 'completed', status = $3, content_type = $4, body = $5, resource_id = $6 WHERE merchant = $1 AND key = $2`,
      values,
    );
  }
}

async function forgetKey(tx: Queryable, at: { merchant: string; key: string }): Promise<void> {
  await tx.query('DELETE FROM idempotency_keys WHERE merchant = $1 AND key = $2', [at.merchant, at.key]);
}

export async function findKey(db: Queryable, at: { merchant: string; key: string }, now: number): Promise<KeyRow | undefined> {
  const rows = await db.query<KeyRow>(
    'SELECT request_hash, state, status, content_type, body, resource_id FROM idempotency_keys WHERE merchant = $1 AND key = $2 AND expires_at_ms > $3',
    [at.merchant, at.key, now],
  );
  return rows[0];
}

export async function answerExisting(options: IdempotencyOptions, request: IdempotentRequest, row: KeyRow, hash: string): Promise<StoredResponse> {
  if (row.request_hash !== hash && !options.bugs.has('ignore-payload-mismatch')) {
    throw new ProblemError(422, 'idempotency_key_reused', `Idempotency-Key ${request.key} was already used with a different request (method, path or body); use a new key for a new request`);
  }
  if (row.state !== 'completed' || row.status === null || row.body === null) {
    throw new ProblemError(409, 'idempotency_key_in_use', `a request with Idempotency-Key ${request.key} is still being processed; retry later`);
  }
  if (options.bugs.has('replay-differs') && row.resource_id) {
    // The bug: re-read the resource instead of serving the stored response.
    const payment = await findPayment(options.db, request.merchant, row.resource_id);
    if (payment) return respond(200, payment, true);
  }
  return { status: toNumber(row.status), contentType: row.content_type ?? 'application/json', body: row.body, replayed: !options.bugs.has('replay-unmarked') };
}
