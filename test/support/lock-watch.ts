import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { api } from './api.js';
import { createTestSystem, type TestSystem } from './test-db.js';

/**
 * Two extra connections for lock-order tests on PostgreSQL: `holder` holds a lock in an open transaction while the
 * actions under test queue behind it, `watcher` looks at pg_locks and pg_stat_database meanwhile.
 */
export async function lockWatch(databaseUrl: string) {
  const holder = new pg.Client({ connectionString: databaseUrl });
  const watcher = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
  await watcher.connect();
  const holderPid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
  return {
    holder,
    watcher,
    holderPid,
    /** Backends of this database, the holder apart, waiting for a lock (a row's, a transaction's, an advisory one). */
    waiting: async () =>
      Number(
        (
          await watcher.query<{ n: string }>(
            `select count(distinct l.pid) as n from pg_locks l join pg_stat_activity a on a.pid = l.pid
             where not l.granted and a.datname = current_database() and l.pid <> $1`,
            [holderPid],
          )
        ).rows[0]!.n,
      ),
    /** Deadlocks PostgreSQL has counted in this database. */
    deadlocks: async () =>
      Number((await watcher.query<{ n: string }>('select deadlocks as n from pg_stat_database where datname = current_database()')).rows[0]!.n),
    /** Polls `check` every 20 ms until it holds; fails after 10 s naming `what`. */
    until: async (what: string, check: () => Promise<boolean>) => {
      const end = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async end() {
      await holder.end();
      await watcher.end();
    },
  };
}

export type LockWatch = Awaited<ReturnType<typeof lockWatch>>;

/**
 * A lock-order test file's set-up: a PostgreSQL test system, its HTTP client and a lock watch on its database, made
 * before the file's tests (handed to `use`) and closed after them.
 */
export type WatchedSystem = TestSystem & { databaseUrl: string | null };

export function lockWatchedSystem(use: (system: WatchedSystem, http: ReturnType<typeof api>, locks: LockWatch) => void) {
  let system: WatchedSystem | undefined;
  let locks: LockWatch | undefined;
  beforeAll(async () => {
    system = await createTestSystem('postgres');
    locks = await lockWatch(system.databaseUrl!);
    use(system, api(system), locks);
  });
  afterAll(async () => {
    await locks?.end();
    await system?.dispose();
  });
}
