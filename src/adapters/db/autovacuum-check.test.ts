import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase, POSTGRES_ENABLED } from '../../../test/support/test-db.js';
import { createDb, type Db } from './create-db.js';
import { warnIfAutovacuumOff } from './autovacuum-check.js';

const recorder = () => {
  const warnings: Array<{ obj: object; msg: string }> = [];
  return { warnings, logger: { warn: (obj: object, msg: string) => warnings.push({ obj, msg }) } };
};

describe.runIf(POSTGRES_ENABLED)('the autovacuum check at start-up (PostgreSQL)', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const fresh = await freshPostgresDatabase({ empty: true });
    drop = fresh.drop;
    db = await createDb({ kind: 'postgres', url: fresh.url, poolSize: 2 });
  });
  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  it('warns exactly when the server runs without autovacuum, and says what to do', async () => {
    const setting = (await sql<{ on: boolean }>`select current_setting('autovacuum') = 'on' and current_setting('track_counts') = 'on' as on`.execute(db)).rows[0]!.on;
    const { warnings, logger } = recorder();
    expect(await warnIfAutovacuumOff(db, logger)).toBe(!setting);
    expect(warnings).toHaveLength(setting ? 0 : 1);
    if (!setting) {
      expect(warnings[0]!.msg).toMatch(/autovacuum off/);
      expect(warnings[0]!.msg).toMatch(/ANALYZE/);
      expect(warnings[0]!.obj).toMatchObject({ autovacuum: expect.any(String), track_counts: expect.any(String) });
    }
  });
});

describe('the autovacuum check on PGlite', () => {
  it('does not warn: PGlite plans each statement afresh', async () => {
    const db = await createDb({ kind: 'pglite', dataDir: null });
    try {
      const { warnings, logger } = recorder();
      expect(await warnIfAutovacuumOff(db, logger)).toBe(false);
      expect(warnings).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
