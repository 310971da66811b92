import type { Database } from './database.js';

/**
 * The schema, one entry per version, never edited once shipped. Times are epoch milliseconds
 * (bigint) taken from the sandbox's clock, so webhook schedules do not depend on the server clock.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE payments (
    id text PRIMARY KEY,
    merchant text NOT NULL,
    status text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    currency text NOT NULL,
    amount_captured bigint NOT NULL DEFAULT 0,
    amount_refunded bigint NOT NULL DEFAULT 0,
    reference text,
    created_at_ms bigint NOT NULL
  );
  CREATE INDEX payments_merchant_reference ON payments (merchant, reference);
  CREATE TABLE refunds (
    id text PRIMARY KEY,
    payment_id text NOT NULL REFERENCES payments (id),
    merchant text NOT NULL,
    amount bigint NOT NULL CHECK (amount > 0),
    status text NOT NULL,
    created_at_ms bigint NOT NULL
  );
  CREATE TABLE idempotency_keys (
    merchant text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    state text NOT NULL,
    status integer,
    content_type text,
    body text,
    resource_id text,
    created_at_ms bigint NOT NULL,
    expires_at_ms bigint NOT NULL,
    PRIMARY KEY (merchant, key)
  );
  CREATE TABLE webhook_endpoints (
    id text PRIMARY KEY,
    merchant text NOT NULL,
    url text NOT NULL,
    events text NOT NULL,
    secret text NOT NULL,
    created_at_ms bigint NOT NULL
  );
  CREATE TABLE events (
    id text PRIMARY KEY,
    merchant text NOT NULL,
    type text NOT NULL,
    payload text NOT NULL,
    created_at_ms bigint NOT NULL
  );
  CREATE TABLE deliveries (
    id text PRIMARY KEY,
    event_id text NOT NULL REFERENCES events (id),
    endpoint_id text NOT NULL REFERENCES webhook_endpoints (id),
    state text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at_ms bigint NOT NULL,
    last_status integer,
    last_error text,
    updated_at_ms bigint NOT NULL
  );
  CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at_ms);
  `,
];

/** Brings the schema up to date; safe when several sandboxes share one PostgreSQL (advisory lock). */
export async function migrate(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(727274)');
    await tx.query('CREATE TABLE IF NOT EXISTS sandbox_migrations (version integer PRIMARY KEY, applied_at_ms bigint NOT NULL)');
    const done = await tx.query<{ version: number }>('SELECT version FROM sandbox_migrations');
    const applied = new Set(done.map((row) => Number(row.version)));
    for (const [index, sql] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      for (const statement of sql.split(';').map((s) => s.trim()).filter(Boolean)) {
        await tx.query(statement);
      }
      await tx.query('INSERT INTO sandbox_migrations (version, applied_at_ms) VALUES ($1, $2)', [version, Date.now()]);
    }
  });
}
