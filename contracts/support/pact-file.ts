import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDER } from './matchers.js';

/** Where consumer tests write their pacts (committed, verified by `payharness contracts verify`); `payharness contracts test --pact-dir` overrides it. */
export const PACT_DIR = process.env.PAYHARNESS_PACT_DIR ? path.resolve(process.env.PAYHARNESS_PACT_DIR) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../pacts');

/**
 * Where one consumer's test file has Pact write while it runs. Pact merges interactions into an
 * existing file, and other test files read contracts/pacts at the same time (verification, broker
 * tests), so each consumer writes into its own fresh directory and `publishPact` moves the finished
 * file into place with one atomic rename: readers never see a missing or half-written pact.
 */
export function pactWorkDir(consumer: string): string {
  const dir = path.join(PACT_DIR, `.writing-${consumer}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Moves the finished pact of a consumer from its work directory into the pact directory. */
export function publishPact(consumer: string, workDir: string): void {
  const file = `${consumer}-${PROVIDER}.json`;
  renameSync(path.join(workDir, file), path.join(PACT_DIR, file));
  rmSync(workDir, { recursive: true, force: true });
}
