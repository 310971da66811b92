import pg from 'pg';
import type { Database, Queryable } from './database.js';

/**
 * A real PostgreSQL server through a connection pool; money rules rely on row locks here.
 * `?schema=NAME` in the URL puts every table in that schema (created if missing): tests use a
 * fresh schema each so they never collide.
 */
export async function openPostgres(url: string): Promise<Database> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`schema name ${JSON.stringify(schema)} must be a lower-case SQL identifier`);
  }
  // search_path as a startup option, so every pooled connection has it before its first query.
  const pool = new pg.Pool({ connectionString: parsed.toString(), max: 10, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const wrap = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      const result = await q.query(sql, [...params]);
      return result.rows as Row[];
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(work) {
      const client = await pool.connect();
      // A connection lost mid-transaction is reported by the failing query; the client's own 'error'
      // event must not crash the process (a database link fault is a failed request, not an outage).
      const ignore = (): void => undefined;
      client.on('error', ignore);
      let failure: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.off('error', ignore);
        // A failed transaction's connection may be dead: drop it rather than hand it to the next request.
        client.release(failure);
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}
