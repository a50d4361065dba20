import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { freshPostgresDatabase, POSTGRES_ENABLED } from '../support/test-db.js';

// Issue #6 item 6: the national admin token was printed at every start, even when the operator supplied it.
describe.runIf(POSTGRES_ENABLED)('the start banner and the national admin token', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let server: ServerProcess | undefined;
  // One database for every start: the same keys each time (each start has its own data folder).
  const keys = { KAGIYA_MASTER_KEY: randomBytes(32).toString('hex'), KAGIYA_PEPPER: randomBytes(32).toString('hex') };
  beforeAll(async () => {
    database = await freshPostgresDatabase();
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('never prints a token the operator supplied, with demo data off or on, yet the token works', async () => {
    for (const demo of ['0', '1']) {
      const token = `operator-${randomBytes(16).toString('hex')}`;
      server = await startServerProcess({ ...keys, DATABASE_URL: database.url, KAGIYA_BOOTSTRAP_TOKEN: token, KAGIYA_DEMO: demo });
      const res = await fetch(`${server.url}/api/v1/audit?limit=1`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.stdout() + server.stderr()).not.toContain(token);
      expect(server.stdout()).toContain('KAGIYA_BOOTSTRAP_TOKEN');
      await server.stop();
      server = undefined;
    }
  });

  it('prints only a generated development token (demo on, none supplied), and it works', async () => {
    // A database of its own: the demo is seeded into an empty one.
    const fresh = await freshPostgresDatabase();
    try {
      server = await startServerProcess({ ...keys, DATABASE_URL: fresh.url, KAGIYA_DEMO: '1', KAGIYA_BOOTSTRAP_TOKEN: '' });
      await checkGeneratedToken(server);
    } finally {
      await server?.stop();
      server = undefined;
      await fresh.drop();
    }
  });
});

async function checkGeneratedToken(server: ServerProcess) {
  const match = /development national admin token \(Authorization: Bearer …\): (kgy_admin_\S+)/.exec(server.stdout());
  expect(match, server.stdout()).not.toBeNull();
  const res = await fetch(`${server.url}/api/v1/audit?limit=1`, { headers: { authorization: `Bearer ${match![1]}` } });
  expect(res.status).toBe(200);
  // Issue #6 item 12: every demo card names the municipality its holder belongs to, read from the database.
  const cardLines = server.stdout().split('\n').filter((l) => l.startsWith('  ■ '));
  expect(cardLines.length).toBeGreaterThanOrEqual(5);
  for (const line of cardLines) expect(line).toMatch(/\[\S+ \d{6} \/ [^\]]+\]|\[\S+ \d{6} \/ [^,]+, \w+\]/);
  expect(server.stdout()).toContain('横浜市 141003');
  expect(server.stdout()).toMatch(/suspended\]/);
}
