import { pgliteTemplate, postgresTemplate } from './templates.js';
import { ADMIN_URL, STORES } from './test-db.js';

// Vitest global setup: build the migrated template of each requested store once, before the test files start (they
// would otherwise race to build it; that is safe, but slower).
export default async function setup(): Promise<void> {
  if (STORES.includes('pglite')) await pgliteTemplate();
  if (STORES.includes('postgres')) await postgresTemplate(ADMIN_URL);
}
