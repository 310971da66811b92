import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';
import { lockDataDir } from './data-dir-lock.js';
import { MIGRATIONS } from './migrations.js';

/**
 * A migrated, empty database image. Creating PGlite from scratch runs initdb (~3 s here); loading
 * the image takes well under one, which matters for tests and CLI runs that start many sandboxes.
 * Kept per process, and cached in the temp directory keyed by PGlite version and schema.
 */
let template: Promise<Blob> | undefined;

/** Which PGlite build made an image: its package.json, found next to its resolved entry point. */
function pgliteFingerprint(): string {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
      const manifest = path.join(dir, 'package.json');
      if (existsSync(manifest)) return readFileSync(manifest, 'utf8');
    }
  } catch {
    // fall through: an unknown build gets a key of its own
  }
  return `unknown-${process.pid}`;
}

function imageCachePath(): string {
  const key = createHash('sha256').update(pgliteFingerprint()).update(MIGRATIONS.join('\n')).digest('hex').slice(0, 16);
  return path.join(tmpdir(), `payharness-pglite-${key}.tar`);
}

async function buildImage(migrate: (db: Database) => Promise<void>): Promise<Blob> {
  const file = imageCachePath();
  const cached = await readFile(file).catch(() => undefined);
  if (cached) return new Blob([cached]);
  const pg = await PGlite.create();
  await migrate(wrapPglite(pg));
  const image = await pg.dumpDataDir('none');
  await pg.close();
  // Write-then-rename so a concurrent reader never sees half a file; a failed write only costs speed.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await image.arrayBuffer()))
    .then(() => rename(partial, file))
    .catch(() => undefined);
  return image;
}

function wrapPglite(pg: PGlite, release: () => void = () => undefined): Database {
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
      release();
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
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const release = dataDir ? lockDataDir(dataDir) : () => undefined;
  const create = async () => {
    const image = fresh ? await migratedImage(migrate) : undefined;
    return PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(image ? { loadDataDir: image } : {}) });
  };
  const pg = await create().catch(async (error: unknown) => {
    if (!fresh) {
      release();
      throw error;
    }
    // Most likely a damaged cached image: drop it and build a new one.
    template = undefined;
    await unlink(imageCachePath()).catch(() => undefined);
    return create().catch((retryError: unknown) => {
      release();
      throw retryError;
    });
  });
  const db = wrapPglite(pg, release);
  try {
    await migrate(db); // brings an older data directory up to date; a no-op on the image
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

function migratedImage(migrate: (db: Database) => Promise<void>): Promise<Blob> {
  template ??= buildImage(migrate);
  return template.catch((error: unknown) => {
    template = undefined;
    throw error;
  });
}
