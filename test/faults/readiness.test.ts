import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { createTestSystem, POSTGRES_ENABLED, STORES, type TestSystem } from '../support/test-db.js';

// Issue #6 item 5: /healthz answered 200 while the database was unreachable.
describe.each(STORES)('/livez and /readyz on %s', (store) => {
  it('are ready with the database up, and /readyz (and /healthz) say 503 once it is gone while /livez stays 200', async () => {
    const system = await createTestSystem(store);
    try {
      const get = (path: string) => system.app.request(path);
      const ready = await get('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'up', migrations: 'applied' } });
      expect((await get('/healthz')).status).toBe(200);
      expect(await (await get('/livez')).json()).toEqual({ status: 'live' });

      await system.close();
      const gone = await get('/readyz');
      expect(gone.status).toBe(503);
      expect(await gone.json()).toEqual({ status: 'unavailable', checks: { database: 'unreachable', migrations: 'unknown' } });
      expect((await get('/healthz')).status).toBe(503);
      expect((await get('/livez')).status).toBe(200);
    } finally {
      await system.dispose();
    }
  });
});

describe.runIf(POSTGRES_ENABLED)('a PostgreSQL database that refuses connections, then comes back', () => {
  let system: TestSystem & { databaseUrl: string | null };
  let admin: pg.Client;
  let name: string;
  beforeAll(async () => {
    system = await createTestSystem('postgres', { poolSize: 4 });
    name = new URL(system.databaseUrl!).pathname.slice(1);
    const adminUrl = new URL(system.databaseUrl!);
    adminUrl.pathname = '/postgres';
    admin = new pg.Client({ connectionString: adminUrl.toString() });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.query(`alter database ${name} with allow_connections true`).catch(() => undefined);
    await admin?.end();
    await system?.dispose();
  });

  it('is not ready and answers SERVICE_UNAVAILABLE (not a lock) during the outage, and serves again without a restart', async () => {
    const http = api(system);
    const card = await http.newCard();
    // Only this test's own database: no connections allowed, and its backends (the pool's) terminated.
    await admin.query(`alter database ${name} with allow_connections false`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);

    expect((await system.app.request('/readyz')).status).toBe(503);
    const status = await http.status(card);
    expect(status.status).toBe(503);
    expect(status.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(status.body.error.messages.en).toContain('not a PIN lock');

    await admin.query(`alter database ${name} with allow_connections true`);
    expect((await system.app.request('/readyz')).status).toBe(200);
    expect((await http.status(card)).status).toBe(200);
  });
});
