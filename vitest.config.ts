import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'sandbox/**/*.test.ts', 'contracts/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests start real servers on 127.0.0.1; two cores, so keep parallelism modest. (Three workers were
    // tried: the planted stale-signature bug's 0.55 s margin then reads `unknown` under the noise.)
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
