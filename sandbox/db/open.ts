import type { Database } from './database.js';
import { migrate } from './migrations.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

/** A real PostgreSQL when `database` is a postgres:// URL, else PGlite (in memory, or in `dataDir`). */
export async function openDatabase(options: { database?: string; dataDir?: string }): Promise<Database> {
  if (!options.database) return openPglite(options.dataDir, migrate);
  const db = await openPostgres(options.database);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
