import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrationSetHash } from './support/templates.js';
import { ADMIN_URL, createTestSystem, parseStores, STORES } from './support/test-db.js';

// The test harness must not drop a store without a word (CI runs every storage test on both).
describe('KAGIYA_TEST_STORES', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, ['pglite', 'postgres']],
    ['pglite', ['pglite']],
    [' postgres , pglite ', ['postgres', 'pglite']],
    ['postgres,postgres', ['postgres']],
  ])('reads %j as %j', (value, stores) => {
    expect(parseStores(value)).toEqual(stores);
  });

  it.each(['postgress', 'pglite,postgresql', 'sqlite', 'pglite;postgres'])('fails on the unknown store in %j rather than dropping it', (value) => {
    expect(() => parseStores(value)).toThrow(/unknown store/);
  });

  it.each(['', ' , '])('fails on %j, which names no store', (value) => {
    expect(() => parseStores(value)).toThrow(/names no store/);
  });
});

describe.each(STORES)('the migrated template on %s', (store) => {
  it('gives each test system every migration, already applied, from a template named by the migration set', async () => {
    const expected = readdirSync(join(import.meta.dirname, '..', 'src', 'adapters', 'db', 'migrations'))
      .filter((f) => /^\d{4}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    const system = await createTestSystem(store);
    try {
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(system.db);
      expect(applied.rows.map((r) => r.name)).toEqual(expected);
      if (store === 'postgres') {
        const admin = new pg.Client({ connectionString: ADMIN_URL });
        await admin.connect();
        try {
          const tpl = await admin.query('select datistemplate, datallowconn from pg_database where datname = $1', [`kagiya_tpl_${migrationSetHash()}`]);
          expect(tpl.rows).toEqual([{ datistemplate: true, datallowconn: false }]);
        } finally {
          await admin.end();
        }
      }
    } finally {
      await system.dispose();
    }
  });
});
