import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';

/**
 * A migrated, empty in-memory database, kept per process: creating PGlite from scratch runs initdb
 * (~3 s here), loading this image takes well under one, which matters for tests that start many.
 */
let template: Promise<Blob> | undefined;

function wrapPglite(pg: PGlite): Database {
  const wrap = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
      const result = await q.query<Row>(sql, [...params]);
      return result.rows;
    },
  });
  return {
    kind: 'pglite',
    ...wrap(pg),
    transaction: (work) => pg.transaction((tx) => work(wrap(tx))),
    async exec(sql) {
      await pg.exec(sql);
    },
    async close() {
      if (!pg.closed) await pg.close();
    },
  };
}

/**
 * Embedded PostgreSQL (WASM). One connection: PGlite queues every query and transaction behind one
 * mutex, so transactions are serialised, which is what keeps the money rules true here.
 * `migrate` brings a new database up to date; in-memory databases start from the cached image.
 */
export async function openPglite(dataDir: string | undefined, migrate: (db: Database) => Promise<void>): Promise<Database> {
  if (dataDir) {
    const db = wrapPglite(await PGlite.create({ dataDir }));
    await migrate(db);
    return db;
  }
  template ??= (async () => {
    const pg = await PGlite.create();
    await migrate(wrapPglite(pg));
    const image = await pg.dumpDataDir('none');
    await pg.close();
    return image;
  })();
  const image = await template.catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  const db = wrapPglite(await PGlite.create({ loadDataDir: image }));
  await migrate(db); // a no-op on the image; keeps one code path
  return db;
}
