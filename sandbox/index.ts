import type { AddressInfo } from 'node:net';
import { SandboxInfraError as InfraError, SandboxUsageError as UsageError } from './errors.js';
import { BugSwitches } from './bugs.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open.js';
import { registerProviderStates } from './provider-states.js';
import { buildApp } from './server.js';
import { WebhookDispatcher } from './webhooks/dispatcher.js';
import { randomJitterSeed } from './webhooks/jitter.js';
import { SANDBOX_FLAVOURS, type SandboxFlavour } from './legacy/install.js';
import { toLegacyEvent } from './legacy/shape.js';
import { CommitFailures } from './payments/commit-failures.js';

export { SANDBOX_BUGS, SANDBOX_BUG_DESCRIPTIONS, type SandboxBug } from './bugs.js';

/** How long a completed idempotency key is remembered unless told otherwise: 24 hours. */
export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** How often expired idempotency keys are deleted. */
const KEY_SWEEP_INTERVAL_MS = 60_000;

export interface SandboxOptions {
  /** Interface to listen on; 127.0.0.1 unless said. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** postgres://… of a real PostgreSQL; `?schema=NAME` keeps the tables in their own schema. */
  database?: string;
  /** Directory for embedded PGlite's files; in memory when neither this nor `database` is given. */
  dataDir?: string;
  /** Planted bugs to switch on (SANDBOX_BUGS). */
  bugs?: string[];
  /** Multiplies every webhook retry delay; 0.01 makes the schedule 100× faster. */
  timeScale?: number;
  /** Seeds the webhook retry jitter (an unsigned 32-bit integer); random when absent. */
  seed?: number;
  /** Serve POST /_pact/provider-states (never on by default). */
  providerStates?: boolean;
  idempotencyRetentionMs?: number;
  /** Simulated processor latency of every state-changing request, in ms (default 0). */
  processingDelayMs?: number;
  /** Share of writes (0 to 1) whose commit fails after the work, answered 500 and rolled back; seeded by `seed`. Default 0. */
  failRate?: number;
  /** No request log on stderr. */
  quiet?: boolean;
  /** `legacy`: the same payments in an older service's API shape (docs/diff.md); default the sandbox's own. */
  flavour?: SandboxFlavour;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** Changes the share of writes whose commit fails (`failRate`), e.g. between scenarios of one run. */
  setFailRate(rate: number): void;
  /** Stops accepting requests, stops the dispatcher (pending deliveries stay pending), closes the database. */
  close(): Promise<void>;
}

function checkOptions(options: SandboxOptions): void {
  if (options.database !== undefined && !/^postgres(ql)?:\/\//.test(options.database)) {
    throw new UsageError('E_SANDBOX_DATABASE_URL', `--database must be a postgres:// URL, got ${JSON.stringify(options.database.replace(/\/\/[^@]*@/, '//…@'))}`, {
      hint: 'e.g. --database postgres://user:password@127.0.0.1:5432/payharness, or leave it out for the embedded PGlite',
    });
  }
  if (options.database !== undefined && options.dataDir !== undefined) {
    throw new UsageError('E_SANDBOX_STORAGE', '--database and --data-dir cannot be used together', { hint: '--data-dir is for the embedded PGlite only' });
  }
  const scale = options.timeScale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new UsageError('E_SANDBOX_TIME_SCALE', `time scale must be a number greater than 0, got ${scale}`, { hint: 'e.g. --time-scale 0.01 for 100× faster webhook retries' });
  }
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed <= 0xffff_ffff)) {
    throw new UsageError('E_SANDBOX_SEED', `seed must be an integer from 0 to 4294967295, got ${options.seed}`, { hint: 'e.g. --seed 42' });
  }
  const delay = options.processingDelayMs ?? 0;
  if (!Number.isFinite(delay) || delay < 0) {
    throw new UsageError('E_SANDBOX_PROCESSING_DELAY', `processing delay must be 0 or more milliseconds, got ${delay}`);
  }
  if (options.flavour !== undefined && !(SANDBOX_FLAVOURS as readonly string[]).includes(options.flavour)) {
    throw new UsageError('E_SANDBOX_FLAVOUR', `unknown flavour ${JSON.stringify(options.flavour)}`, { hint: `flavours: ${SANDBOX_FLAVOURS.join(', ')}` });
  }
  const failRate = options.failRate ?? 0;
  if (!Number.isFinite(failRate) || failRate < 0 || failRate > 1) {
    throw new UsageError('E_SANDBOX_FAIL_RATE', `fail rate must be a number from 0 to 1, got ${failRate}`, { hint: 'e.g. --fail-rate 0.2: one write in five fails at commit with a 500' });
  }
  const retention = options.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  if (!Number.isFinite(retention) || retention <= 0) {
    throw new UsageError('E_SANDBOX_RETENTION', `idempotency retention must be greater than 0, got ${retention}`);
  }
}

/** Starts the reference payment API (see docs/sandbox.md) and its webhook dispatcher. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  checkOptions(options);
  const bugs = new BugSwitches(options.bugs ?? []);
  const timeScale = options.timeScale ?? 1;
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`sandbox: ${line}\n`);
  let db: Database;
  try {
    db = await openDatabase(options);
  } catch (error) {
    const where = options.database ? 'the PostgreSQL at --database' : options.dataDir ? `the PGlite data directory ${options.dataDir}` : 'the embedded PGlite';
    throw new InfraError('E_SANDBOX_DATABASE', `cannot open ${where}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: options.database ? 'check that the server is running and the URL, user and password are right' : 'check the directory is writable and not used by another sandbox',
      cause: error,
    });
  }
  const seed = options.seed ?? randomJitterSeed();
  const dispatcher = new WebhookDispatcher(db, { timeScale, bugs, log, seed,
    ...(options.flavour === 'legacy' ? { renderPayload: toLegacyEvent } : {}),
  });
  const retentionMs = options.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  const commitFailures = new CommitFailures(seed, options.failRate ?? 0);
  const app = buildApp({
    db, bugs, timeScale, log, retentionMs, commitFailures,
    processingDelayMs: options.processingDelayMs ?? 0, flavour: options.flavour,
    onChange: () => dispatcher.kick(),
    extraRoutes: options.providerStates ? (instance) => registerProviderStates(instance, { db, bugs, retentionMs }) : undefined,
  });
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await db.close().catch(() => undefined);
    throw new InfraError('E_SANDBOX_LISTEN', `cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'pick another --port, or stop whatever is using it',
      cause: error,
    });
  }
  dispatcher.start();
  // Keys past their retention are already ignored; this only keeps the table from growing forever.
  const sweeper = setInterval(() => {
    void db.query('DELETE FROM idempotency_keys WHERE expires_at_ms <= $1', [Date.now()]).catch(() => undefined);
  }, KEY_SWEEP_INTERVAL_MS);
  sweeper.unref();
  const port = (app.server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    setFailRate: (rate) => commitFailures.setRate(rate),
    close() {
      closing ??= (async () => {
        clearInterval(sweeper);
        await app.close();
        await dispatcher.close();
        await db.close();
      })();
      return closing;
    },
  };
}
