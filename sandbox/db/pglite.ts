import { existsSync, readdirSync } from 'node:fs';
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
  // A new data directory starts from the image too; an existing one is opened (and recovered) as it is.
  const fresh = !dataDir || !existsSync(dataDir) || readdirSync(dataDir).length === 0;
  const image = fresh ? await migratedImage(migrate) : undefined;
  const db = wrapPglite(await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(image ? { loadDataDir: image } : {}) }));
  try {
    await migrate(db); // brings an older data directory up to date; a no-op on the image
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

function migratedImage(migrate: (db: Database) => Promise<void>): Promise<Blob> {
  template ??= (async () => {
    const pg = await PGlite.create();
    await migrate(wrapPglite(pg));
    const image = await pg.dumpDataDir('none');
    await pg.close();
    return image;
  })();
  return template.catch((error: unknown) => {
    template = undefined;
    throw error;
  });
}
