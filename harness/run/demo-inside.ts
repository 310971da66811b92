import { connect, createServer, type AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadProfile } from '../config/profile.js';
import { loadScenarios } from '../config/scenario.js';
import type { Scenario } from '../config/scenario-types.js';
import { InfraError, UsageError } from '../errors.js';
import { runChaos, DEFAULT_SANDBOX_TIME_SCALE } from './run-chaos.js';
import type { DemoOptions, DemoResult } from './demo.js';

export interface InsideDemoOptions extends Omit<DemoOptions, 'suite'> {
  /** The PostgreSQL the sandbox stores into (through the database link); default PAYHARNESS_TEST_DATABASE_URL. */
  databaseUrl?: string;
  /** The inside suite's files (default: scenarios/chaos/inside), or scenarios already loaded. */
  files: readonly (string | Scenario)[];
}

/** A free port on 127.0.0.1 (the provider's, a link's): picked here so parallel demos never collide. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 3_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** `node sandbox/serve.js` in a build, `node --import tsx sandbox/serve.ts` from source. */
function sandboxCommand(args: readonly string[]): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const js = join(here, '..', '..', 'sandbox', 'serve.js');
  const entry = existsSync(js) ? [js] : ['--import', 'tsx', join(here, '..', '..', 'sandbox', 'serve.ts')];
  // exec: the shell becomes the sandbox, so a crash kills exactly the provider.
  return `exec ${[process.execPath, ...entry, ...args].map(quote).join(' ')}`;
}

/** The database URL the demo needs, or exit 4 saying how to give it one. */
export async function insideDatabase(databaseUrl: string | undefined): Promise<URL> {
  const text = databaseUrl ?? process.env.PAYHARNESS_TEST_DATABASE_URL;
  if (!text) {
    throw new InfraError('E_INSIDE_NO_POSTGRES', 'demo --inside needs a PostgreSQL: the sandbox keeps its payments there, and the database link sits in front of it', {
      hint: 'set PAYHARNESS_TEST_DATABASE_URL=postgres://user:password@127.0.0.1:5432/db (or pass --database)',
    });
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('E_INSIDE_DATABASE_URL', 'the PostgreSQL URL for demo --inside is not a URL', { hint: 'e.g. postgres://user:password@127.0.0.1:5432/db' });
  }
  if (!/^postgres(ql)?:$/.test(url.protocol)) throw new UsageError('E_INSIDE_DATABASE_URL', 'the database for demo --inside must be a postgres:// URL', { hint: 'e.g. postgres://user:password@127.0.0.1:5432/db' });
  const port = Number(url.port || 5432);
  if (!(await reachable(url.hostname, port))) {
    throw new InfraError('E_INSIDE_NO_POSTGRES', `demo --inside needs a PostgreSQL, and none answers at ${url.hostname}:${port}`, { hint: 'start PostgreSQL, or point PAYHARNESS_TEST_DATABASE_URL (or --database) at one' });
  }
  return url;
}

/**
 * `payharness demo --inside`: the sandbox as its own process (so it can be crashed) on a real
 * PostgreSQL reached through the database link, the embedded proxy (or --toxiproxy), and the inside
 * suite. Free ports replace the scenarios' fixed listen addresses; the sandbox's tables live in a
 * fresh schema that is dropped at the end.
 */
export async function runInsideDemo(options: InsideDemoOptions): Promise<DemoResult> {
  const { databaseUrl, files, bugs, ...chaos } = options;
  const database = await insideDatabase(databaseUrl);
  const scenarios = loadScenarios(files.filter((f): f is string => typeof f === 'string')).concat(files.filter((f): f is Scenario => typeof f !== 'string'));
  const linkPort = await freePort();
  const providerPort = await freePort();
  const schema = `ph_inside_${randomBytes(5).toString('hex')}`;
  const usesLink = scenarios.some((s) => s.dependencies?.database);
  const sandboxDb = new URL(database.toString());
  if (usesLink) {
    sandboxDb.hostname = '127.0.0.1';
    sandboxDb.port = String(linkPort);
  }
  sandboxDb.searchParams.set('schema', schema);
  const timeScale = options.timeScale ?? DEFAULT_SANDBOX_TIME_SCALE;
  const profile = loadProfile('sandbox');
  if (profile.webhooks) profile.webhooks.retryPolicy.timeScale = timeScale;
  const args = ['--port', String(providerPort), '--database', sandboxDb.toString(), '--time-scale', String(timeScale), ...(bugs ?? []).flatMap((b) => ['--bug', b])];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  try {
    return await runChaos({
      ...chaos, scenarios, profile, target: `http://127.0.0.1:${providerPort}`, targetCommand: sandboxCommand(args),
      dependencies: { database: { listen: `127.0.0.1:${linkPort}`, upstream: `${database.hostname}:${database.port || 5432}` } },
    });
  } finally {
    const admin = new pg.Client({ connectionString: database.toString() });
    await admin.connect().then(() => admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
}
