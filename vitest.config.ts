import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Storage tests open a PostgreSQL database per file; keep the 2-core machine from thrashing.
    maxWorkers: 2,
    // The browser tests (test/e2e) need the built counter console; rebuilt only when its sources changed. Each store's
    // migrated template database is built once for all files (test/support/templates.ts).
    globalSetup: ['test/e2e/support/build-console.ts', 'test/support/template-setup.ts'],
  },
});
