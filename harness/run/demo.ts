import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SANDBOX_BUGS } from '../../sandbox/index.js';
import { UsageError } from '../errors.js';
import { runChaos, type ChaosOptions, type ChaosResult } from './run-chaos.js';

/** The standard suite ships with the package (`scenarios/chaos`), found relative to this file in source and in dist. */
export function standardSuiteDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      if (readdirSync(join(dir, 'scenarios', 'chaos')).some((f) => f.endsWith('.yaml'))) return join(dir, 'scenarios', 'chaos');
    } catch { /* keep looking upward */ }
    dir = dirname(dir);
  }
  throw new UsageError('E_SUITE_MISSING', 'cannot find the standard chaos suite (scenarios/chaos)', { hint: 'reinstall payharness; the package ships scenarios/' });
}

export function standardSuite(): string[] {
  const dir = standardSuiteDir();
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => resolve(dir, f));
}

export type DemoOptions = Omit<ChaosOptions, 'scenarios' | 'target' | 'profile' | 'toxiproxyUrl'> & { scenarios?: ChaosOptions['scenarios'] };

/** `payharness demo`: the sandbox (with planted bugs) + embedded proxy + the standard suite. */
export async function runDemo(options: DemoOptions = {}): Promise<ChaosResult> {
  const unknown = (options.bugs ?? []).filter((b) => !(SANDBOX_BUGS as readonly string[]).includes(b));
  if (unknown.length) throw new UsageError('E_SANDBOX_BUG', `unknown sandbox bug: ${unknown.join(', ')}`, { hint: `valid bugs: ${SANDBOX_BUGS.join(', ')}` });
  return runChaos({ ...options, scenarios: options.scenarios ?? standardSuite() });
}
