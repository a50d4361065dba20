import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-cards.js';
import * as m0002 from './migrations/0002-counter.js';
import * as m0003 from './migrations/0003-one-statement-attempt.js';
import * as m0006 from './migrations/0006-certificate-status.js';
import * as m0010 from './migrations/0010-card-event-chain.js';
import * as m0007 from './migrations/0007-oidc.js';
import * as m0009 from './migrations/0009-reader-sessions.js';
import * as m0013 from './migrations/0013-notifications.js';
import * as m0014 from './migrations/0014-mass-jobs.js';
import * as m0011 from './migrations/0011-client-reports.js';
import * as m0012 from './migrations/0012-lock-incident-index.js';
import * as m0019 from './migrations/0019-chain-update-first.js';
import * as m0015 from './migrations/0015-kiosk-reset.js';
import * as m0017 from './migrations/0017-risk.js';
import * as m0020 from './migrations/0020-lean-pin-entry.js';
import * as m0021 from './migrations/0021-room-for-hot-updates.js';
import * as m0022 from './migrations/0022-pin-pad-refusals.js';
import * as m0023 from './migrations/0023-mass-job-cancel.js';
import * as m0024 from './migrations/0024-chain-head-alone.js';

// Migrations are listed in code, not read from a folder, so tsx, bundles and tests see the same set.
const MIGRATIONS: Record<string, Migration> = {
  '0001-cards': m0001,
  '0002-counter': m0002,
  '0003-one-statement-attempt': m0003,
  '0006-certificate-status': m0006,
  '0010-card-event-chain': m0010,
  '0007-oidc': m0007,
  '0009-reader-sessions': m0009,
  '0013-notifications': m0013,
  '0014-mass-jobs': m0014,
  '0011-client-reports': m0011,
  '0012-lock-incident-index': m0012,
  '0019-chain-update-first': m0019,
  '0015-kiosk-reset': m0015,
  '0017-risk': m0017,
  '0020-lean-pin-entry': m0020,
  '0021-room-for-hot-updates': m0021,
  '0022-pin-pad-refusals': m0022,
  '0023-mass-job-cancel': m0023,
  '0024-chain-head-alone': m0024,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Parallel branches add migrations with fixed numbers that land in any order; each touches only its own tables and
  // columns, so a database that already ran a later number still takes an earlier one that arrives afterwards.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The migrations this code needs that the database has not applied (empty when ready). Throws if unreachable. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
