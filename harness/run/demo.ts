import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SANDBOX_BUGS } from '../../sandbox/index.js';
import { UsageError } from '../errors.js';
import { runChaos, type ChaosOptions, type ChaosResult } from './run-chaos.js';
import { runInsideDemo } from './demo-inside.js';

/**
 * The suites that ship with the package. `standard` asks for the standard suite the proxy can run:
 * the full one (`scenarios/chaos`, with http_* faults) where the proxy applies HTTP faults, the TCP
 * one (`scenarios/chaos-tcp`) where it cannot, as on a real Toxiproxy. `tcp` asks for the TCP suite
 * on any proxy.
 */
export const SUITE_NAMES = ['standard', 'tcp'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];
/** A suite as it runs: which folder, after the proxy's capabilities were taken into account. */
export type ResolvedSuite = 'full' | 'tcp' | 'inside';

const SUITE_FOLDERS: Record<ResolvedSuite, string> = { full: 'chaos', tcp: 'chaos-tcp', inside: 'chaos/inside' };

/** A suite's folder (`scenarios/chaos` or `scenarios/chaos-tcp`), found relative to this file in source and in dist. */
export function suiteDir(suite: ResolvedSuite): string {
  const folder = SUITE_FOLDERS[suite];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      if (readdirSync(join(dir, 'scenarios', folder)).some((f) => f.endsWith('.yaml'))) return join(dir, 'scenarios', folder);
    } catch { /* keep looking upward */ }
    dir = dirname(dir);
  }
  throw new UsageError('E_SUITE_MISSING', `cannot find the ${suite === 'tcp' ? 'TCP ' : ''}chaos suite (scenarios/${folder})`, {
    hint: 'reinstall payharness; the package ships scenarios/',
  });
}

/** The scenario files of a suite, sorted by name. */
export function suiteFiles(suite: ResolvedSuite): string[] {
  const dir = suiteDir(suite);
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => resolve(dir, f));
}

/** The full standard suite (`scenarios/chaos`), for the embedded proxy. */
export function standardSuiteDir(): string {
  return suiteDir('full');
}

export function standardSuite(): string[] {
  return suiteFiles('full');
}

/**
 * Whether the Toxiproxy API at `url` applies http_* faults: the embedded proxy serves their
 * decisions on `GET /events`, a real Toxiproxy (or `payharness proxy --tcp-only`) answers 404. An
 * unreachable API counts as "no": the run reports it unreachable a moment later, with its hint.
 */
export async function proxyHasHttpFaults(url: string): Promise<boolean> {
  try {
    const probe = await fetch(`${url.replace(/\/$/, '')}/events?since=0`, { signal: AbortSignal.timeout(5_000) });
    await probe.body?.cancel();
    return probe.ok;
  } catch {
    return false;
  }
}

/** Which suite `name` means against this proxy (absent `toxiproxyUrl`: the embedded proxy, which has HTTP faults). */
export async function resolveSuite(name: SuiteName, toxiproxyUrl?: string): Promise<ResolvedSuite> {
  if (name === 'tcp') return 'tcp';
  return toxiproxyUrl === undefined || (await proxyHasHttpFaults(toxiproxyUrl)) ? 'full' : 'tcp';
}

export function parseSuiteName(value: string): SuiteName {
  if (!(SUITE_NAMES as readonly string[]).includes(value)) {
    throw new UsageError('E_SUITE', `unknown suite "${value}"`, {
      hint: 'standard (the standard suite the proxy can run: with HTTP faults on the embedded proxy, TCP-only on a real Toxiproxy) or tcp',
    });
  }
  return value as SuiteName;
}

export type DemoOptions = Omit<ChaosOptions, 'scenarios' | 'target' | 'profile'> & {
  /** Scenarios to run instead of a suite. */
  scenarios?: ChaosOptions['scenarios'];
  /** Default `standard`: the full suite on the embedded proxy, the TCP suite on a Toxiproxy without HTTP faults. */
  suite?: SuiteName;
  /** Run the inside suite (scenarios/chaos/inside): the sandbox as a process on PostgreSQL, through a database link. */
  inside?: boolean;
  /** The PostgreSQL for `inside` (default PAYHARNESS_TEST_DATABASE_URL). */
  databaseUrl?: string;
};

export interface DemoResult extends ChaosResult {
  /** The suite that ran (absent when `scenarios` were given). */
  suite?: ResolvedSuite;
}

/** `payharness demo`: the sandbox (with planted bugs) + a proxy (embedded, or `toxiproxyUrl`) + a standard suite. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const unknown = (options.bugs ?? []).filter((b) => !(SANDBOX_BUGS as readonly string[]).includes(b));
  if (unknown.length) throw new UsageError('E_SANDBOX_BUG', `unknown sandbox bug: ${unknown.join(', ')}`, { hint: `valid bugs: ${SANDBOX_BUGS.join(', ')}` });
  const { suite: name, scenarios, inside, databaseUrl, ...chaos } = options;
  if (inside) {
    const files = scenarios ?? suiteFiles('inside');
    return { ...(await runInsideDemo({ ...chaos, databaseUrl, files })), ...(scenarios ? {} : { suite: 'inside' as const }) };
  }
  if (scenarios) return runChaos({ ...chaos, scenarios });
  const suite = await resolveSuite(name ?? 'standard', options.toxiproxyUrl);
  if (suite === 'tcp' && name !== 'tcp') options.progress?.write(`demo: ${options.toxiproxyUrl} applies no HTTP faults (a real Toxiproxy); running the TCP suite (scenarios/chaos-tcp)\n`);
  return { ...(await runChaos({ ...chaos, scenarios: suiteFiles(suite), fitToProfile: true })), suite };
}
