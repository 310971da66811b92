import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, InfraError, UsageError } from '../errors.js';

/** The checkout holding contracts/*.pact.test.ts: two levels up in source, three from dist/. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'contracts')) && readdirSync(path.join(dir, 'contracts')).some((f) => f.endsWith('.pact.test.ts'))) return dir;
    dir = path.dirname(dir);
  }
  throw new UsageError('E_NO_CONSUMER_TESTS', 'no consumer tests (contracts/*.pact.test.ts) found', { hint: 'run `payharness contracts test` from a payharness checkout' });
}
const require = createRequire(import.meta.url);

export interface ConsumerTestOptions {
  /** Where the pacts are written (default contracts/pacts). */
  pactDir?: string;
  /** Stream vitest's output here. */
  onOutput?: (chunk: string) => void;
}

export interface ConsumerTestResult {
  exitCode: number;
  pactFiles: string[];
}

/**
 * `payharness contracts test`: runs the consumer tests (`contracts/*.pact.test.ts`) with vitest
 * against Pact's mock server; each passing consumer writes `contracts/pacts/<consumer>-<provider>.json`.
 */
export async function runConsumerTests(options: ConsumerTestOptions = {}): Promise<ConsumerTestResult> {
  let vitest: string;
  try {
    // The package's exports do not list its bin; find it next to package.json.
    vitest = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
  } catch (error) {
    throw new InfraError('E_VITEST_MISSING', 'vitest is not installed, so the consumer tests cannot run', { hint: 'run `npm ci` (vitest is a dev dependency)', cause: error });
  }
  const REPO_ROOT = repoRoot();
  const pactDir = path.resolve(options.pactDir ?? path.join(REPO_ROOT, 'contracts/pacts'));
  const env = { ...process.env, PAYHARNESS_PACT_DIR: pactDir };
  const exitCode = await new Promise<number>((resolve, reject) => {
    // Name the files exactly: a bare `contracts/` filter would also match harness/contracts/*.test.ts.
    const files = readdirSync(path.join(REPO_ROOT, 'contracts')).filter((f) => f.endsWith('.pact.test.ts')).map((f) => `contracts/${f}`);
    const child = spawn(process.execPath, [vitest, 'run', '--root', REPO_ROOT, ...files, '--reporter', 'default',
      // Each test starts a Pact mock server; on a busy machine that can take longer than vitest's default 5 s.
      '--testTimeout', '60000', '--hookTimeout', '60000'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (chunk: Buffer) => options.onOutput?.(chunk.toString());
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  const pactFiles = existsSync(pactDir) ? readdirSync(pactDir).filter((f) => f.endsWith('.json')).map((f) => path.join(pactDir, f)) : [];
  return { exitCode: exitCode === 0 ? ExitCode.pass : ExitCode.failed, pactFiles };
}
