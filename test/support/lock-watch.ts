import pg from 'pg';

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
