import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROVIDER } from './matchers.js';

/** Where consumer tests write their pacts (committed, verified by `payharness contracts verify`); `payharness contracts test --pact-dir` overrides it. */
export const PACT_DIR = process.env.PAYHARNESS_PACT_DIR ? path.resolve(process.env.PAYHARNESS_PACT_DIR) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../pacts');

/**
 * Pact merges new interactions into an existing file; a consumer's test file starts by removing
 * its own pact so interactions deleted from the tests do not linger. Each consumer has exactly
 * one test file, so no other file writes this pact concurrently.
 */
export function resetPactFile(consumer: string): void {
  rmSync(path.join(PACT_DIR, `${consumer}-${PROVIDER}.json`), { force: true });
}
