import { pgliteTemplate, postgresTemplate } from './templates.js';
import { ADMIN_URL, STORES } from './test-db.js';

// Vitest global setup: build the migrated template of each requested store once, before the test files start (they
// would otherwise race to build it; that is safe, but slower).
export default async function setup(): Promise<void> {
  if (STORES.includes('pglite')) await pgliteTemplate();
  if (STORES.includes('postgres')) {
    try {
      await postgresTemplate(ADMIN_URL);
    } catch (error) {
      // A requested store that is missing fails the run, saying what to do (it is never dropped silently).
      throw new Error(
        `PostgreSQL template at ${ADMIN_URL}: ${(error as Error).message}. Start PostgreSQL, set TEST_DATABASE_URL, ` +
          'or set KAGIYA_TEST_STORES=pglite to run the embedded store only.',
      );
    }
  }
}
