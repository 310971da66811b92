import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { SANDBOX_BUG_DESCRIPTIONS, SANDBOX_BUGS } from '../../sandbox/bugs.js';

interface SandboxCliOptions {
  host: string;
  port: string;
  database?: string;
  dataDir?: string;
  bug: string[];
  timeScale: string;
  seed?: string;
  providerStates?: boolean;
  idempotencyRetention: string;
  processingDelay: string;
  failRate: string;
  quiet?: boolean;
  flavour: string;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `15m`, `24h`, `7d`, or bare milliseconds. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const value = match ? Number(match[1]) * (UNITS[match[2] ?? 'ms'] as number) : NaN;
  if (!match || !(value > 0)) {
    throw new UsageError('E_USAGE', `${option} must be a duration like 30s, 15m or 24h, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parseNumber(text: string, option: string, check: (n: number) => boolean, expected: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) {
    throw new UsageError('E_USAGE', `${option} must be ${expected}, got ${JSON.stringify(text)}`);
  }
  return value;
}

const bugHelp = SANDBOX_BUGS.map((name) => `  ${name.padEnd(24)} ${SANDBOX_BUG_DESCRIPTIONS[name]}`).join('\n');

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('Serve the reference payment API (idempotency, money rules, signed webhooks) with switchable planted bugs')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '4010')
    .option('--database <url>', 'a real PostgreSQL (postgres://user:pass@host:5432/db[?schema=name]); default: embedded PGlite')
    .option('--data-dir <dir>', 'keep the embedded PGlite database in this directory (default: in memory)')
    .addOption(new Option('--bug <name>', 'switch on a planted bug (repeatable; see below)').argParser((value: string, previous: string[]) => [...previous, value]).default([]))
    .option('--time-scale <factor>', 'multiply every webhook retry delay (0.01 = 100× faster)', '1')
    .option('--seed <n>', 'seed the webhook retry jitter (0–4294967295) so delays replay; random by default')
    .option('--provider-states', 'serve POST /_pact/provider-states for Pact provider verification')
    .option('--idempotency-retention <duration>', 'how long idempotency keys are remembered', '24h')
    .option('--processing-delay <duration>', 'simulated processor latency of every POST (makes in-flight duplicates visible)', '0ms')
    .option('--fail-rate <share>', 'share of writes (0–1) whose commit fails after the work: 500, rolled back (seeded by --seed)', '0')
    .option('--quiet', 'do not log requests')
    .option('--flavour <name>', 'API shape: standard (default) or legacy (/api/charges, decimal amounts, other state names, X-Request-Id; docs/diff.md)', 'standard')
    .addHelpText('after', `\nPlanted bugs (--bug NAME):\n${bugHelp}`)
    .action(async (options: SandboxCliOptions) => {
      // Imported here so `payharness --help` does not load PGlite and Fastify.
      const { startSandbox } = await import('../../sandbox/index.js');
      const sandbox = await startSandbox({
        host: options.host,
        port: parseNumber(options.port, '--port', (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'a port number 0–65535'),
        database: options.database,
        dataDir: options.dataDir,
        bugs: options.bug,
        timeScale: parseNumber(options.timeScale, '--time-scale', (n) => n > 0, 'a number greater than 0'),
        seed: options.seed === undefined ? undefined : parseNumber(options.seed, '--seed', (n) => Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff, 'an integer 0–4294967295'),
        providerStates: options.providerStates === true,
        idempotencyRetentionMs: parseDuration(options.idempotencyRetention, '--idempotency-retention'),
        processingDelayMs: options.processingDelay === '0ms' ? 0 : parseDuration(options.processingDelay, '--processing-delay'),
        failRate: parseNumber(options.failRate, '--fail-rate', (n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
        quiet: options.quiet === true,
        flavour: options.flavour as 'standard' | 'legacy',
      });
      const storage = options.database ? 'PostgreSQL (--database)' : options.dataDir ? `PGlite in ${options.dataDir}` : 'PGlite in memory';
      process.stdout.write(`payharness sandbox listening on ${sandbox.url}\n`);
      process.stdout.write(`  storage: ${storage}; bugs: ${options.bug.length > 0 ? options.bug.join(', ') : 'none'}; time scale: ${options.timeScale}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await sandbox.close();
      process.stdout.write('payharness sandbox stopped\n');
    });
}
