import { defineConfig } from 'vitest/config';

// `npm run test:reliability`: the reliability suite (test/reliability), on PostgreSQL, one file at a time (each part
// starts its own processes and loads; two at once on a 2-core machine would measure the machine, not Kagiya).
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
});
