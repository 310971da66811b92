/** One place to run SQL: a PGlite instance, a pooled PostgreSQL client, or an open transaction. */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

/** The sandbox's storage: the same SQL on embedded PGlite and on a real PostgreSQL server. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws) and returns its result. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations). */
  exec(sql: string): Promise<void>;
  /** Flushes and closes; PGlite writes its data directory cleanly here. */
  close(): Promise<void>;
}

/** PostgreSQL `bigint` arrives as a string from node-postgres and as a number from PGlite. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}
