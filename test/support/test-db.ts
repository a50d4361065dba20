import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import type { PinHasher } from '../../src/app/ports.js';
import type { DbConfig } from '../../src/adapters/db/create-db.js';
import { seedReferenceData } from '../../src/adapters/cli/demo-data.js';
import { createSystem, type System } from '../../src/system.js';
import { createFromTemplate, pgliteTemplate, postgresTemplate } from './templates.js';

export type StoreKind = 'pglite' | 'postgres';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Every storage test runs on both stores (kysely's DIALECTS idea). KAGIYA_TEST_STORES=pglite narrows it for a
 * machine without PostgreSQL; by default a missing PostgreSQL fails the run rather than skipping silently. A value
 * that names no store, or an unknown one (a typo such as `postgress`), fails the run too: it would otherwise drop
 * that store without a word.
 */
export function parseStores(value: string | undefined): StoreKind[] {
  const names = (value ?? 'pglite,postgres').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((s) => s !== 'pglite' && s !== 'postgres');
  if (unknown.length > 0) throw new Error(`KAGIYA_TEST_STORES: unknown store(s) ${unknown.map((u) => JSON.stringify(u)).join(', ')}; use pglite and/or postgres`);
  if (names.length === 0) throw new Error('KAGIYA_TEST_STORES names no store; use pglite and/or postgres');
  return [...new Set(names as StoreKind[])];
}

export const STORES: StoreKind[] = parseStores(process.env.KAGIYA_TEST_STORES);

export const POSTGRES_ENABLED = STORES.includes('postgres');

/**
 * A fresh PostgreSQL database for one test file, already migrated: copied from the shared template of this migration
 * set (test/support/templates.ts), which is much faster than migrating each one. Dropped by the returned function.
 */
/** `empty`: no migrations applied (a test that builds an earlier schema itself); by default, from the migrated template. */
export async function freshPostgresDatabase(options: { empty?: boolean } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kagiya_test_${randomBytes(6).toString('hex')}`;
  // immich / domain-driven-hexagon guard: never point a test at a database not named for tests.
  if (!name.includes('test')) throw new Error('refusing a non-test database');
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(error as Error).message}). Start it, set TEST_DATABASE_URL, ` +
        'or set KAGIYA_TEST_STORES=pglite to run the embedded store only.',
    );
  }
  try {
    if (options.empty) await admin.query(`create database ${name}`);
    else await createFromTemplate(admin, name, await postgresTemplate(ADMIN_URL));
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      // pg's pool.end() resolves before its sockets have closed; a forced drop at that moment kills them, and their
      // FATAL 57P01 surfaces as an uncaught error that fails the run. Give them up to 2 s to go first.
      for (let i = 0; i < 100; i += 1) {
        const r = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
        if (r.rows[0]!.n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export type TestSystem = System & { store: StoreKind; adminToken: string; pepper: Buffer; masterKey: Buffer; dispose(): Promise<void> };

export async function createTestSystem(
  store: StoreKind,
  options: {
    clock?: () => Date;
    wrapPinHasher?: (h: PinHasher) => PinHasher;
    poolSize?: number;
    keyAlgorithm?: 'ECDSA-P256' | 'RSA-2048';
    /** Kagiya's origin as named in certificates (AIA, CRLDP); a test serving on a real port passes its URL. */
    publicUrl?: string;
    clientReportLimits?: { perCard: number; perSource: number; windowMs: number };
    /** The kiosk reset's hours ('jst' unless a test with a real clock opens it with 'always'). */
    kioskHours?: 'jst' | 'always';
  } = {},
): Promise<TestSystem & { databaseUrl: string | null }> {
  let database: DbConfig;
  let drop = async () => {};
  let databaseUrl: string | null = null;
  if (store === 'postgres') {
    const fresh = await freshPostgresDatabase();
    database = { kind: 'postgres', url: fresh.url, poolSize: options.poolSize ?? 20 };
    drop = fresh.drop;
    databaseUrl = fresh.url;
  } else {
    database = { kind: 'pglite', dataDir: null, loadDataDir: await pgliteTemplate() };
  }
  const adminToken = `test-admin-${randomBytes(12).toString('hex')}`;
  const pepper = randomBytes(32);
  const masterKey = randomBytes(32);
  const system = await createSystem({
    database,
    pepper,
    masterKey,
    keyAlgorithm: options.keyAlgorithm ?? 'ECDSA-P256',
    bootstrapToken: adminToken,
    logger: pino({ level: 'silent' }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.wrapPinHasher ? { wrapPinHasher: options.wrapPinHasher } : {}),
    ...(options.clientReportLimits ? { clientReportLimits: options.clientReportLimits } : {}),
    ...(options.kioskHours ? { kioskHours: options.kioskHours } : {}),
  });
  await seedReferenceData(system.deps, system.db);
  return {
    ...system,
    store,
    adminToken,
    pepper,
    masterKey,
    databaseUrl,
    async dispose() {
      // A test may have closed the database already (fail-closed tests); the drop must still happen.
      await system.close().catch(() => undefined);
      await drop();
    },
  };
}
