import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'sandbox/**/*.test.ts', 'contracts/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests start real servers on 127.0.0.1 and mostly wait on them (retry schedules, settle windows),
    // so three workers keep two cores busy; every timing judgement must hold on a busy machine anyway.
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
