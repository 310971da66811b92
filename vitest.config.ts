import { defineConfig } from 'vitest/config';

/**
 * Folders whose test files leave nothing behind (no listener, env change or mock outlives a file):
 * each worker loads their modules once instead of once per file. Every file in them passed with
 * `--no-isolate`, and the folders ran in well under the time (32 files: 27 s to 13 s; 32 more: 57 s to
 * 47 s). A test file added to them must not leave state behind either. Both projects share the two workers.
 */
const SHARED_MODULES = [
  'harness/checks', 'harness/config', 'harness/workload', 'harness/profile',
  'harness/proxy', 'harness/history', 'harness/webhooks', 'harness/faults', 'harness/report', 'harness/diff',
  // The sandbox's tests start many sandboxes: loading PGlite once per worker saves the most (the 15 files
  // matching "sandbox" but bugs.test.ts: 122 s to 86 s).
  'sandbox',
].map((dir) => `${dir}/**/*.test.ts`);
const ALL = ['harness/**/*.test.ts', 'sandbox/**/*.test.ts', 'contracts/**/*.test.ts', 'test/**/*.test.ts'];

export default defineConfig({
  test: {
    // Tests start real servers on 127.0.0.1; two cores, so keep parallelism modest. (Three workers were
    // tried: the planted stale-signature bug's 0.55 s margin then reads `unknown` under the noise.)
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'shared', include: SHARED_MODULES, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ALL, exclude: SHARED_MODULES } },
    ],
  },
});
