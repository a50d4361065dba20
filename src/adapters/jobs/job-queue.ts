import { CompiledQuery } from 'kysely';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Db } from '../db/create-db.js';
import { pgliteOf } from '../db/create-db.js';
import { multiHostPoolOptions, parseMultiHostUrl } from '../db/multi-host.js';

// The job queue: pg-boss on the same database (docs/decisions.md, "Job queue"). On PostgreSQL pg-boss keeps a small
// pool of its own; on PGlite (one connection, shared by every caller through the dialect's FIFO queue) it goes
// through `db: { executeSql }`, taking the connection the same way a Kysely transaction does, so a queue statement
// never lands inside somebody else's transaction. pg-boss's schema scripts are several statements without
// parameters: those run through PGlite's exec, the rest as one parameterised query.

export type QueueDatabase = Readonly<{ kind: 'pglite' } | { kind: 'postgres'; url: string }>;

export type JobQueue = Readonly<{
  boss: PgBoss;
  /** Stops pg-boss, then closes the queue's own pool (PostgreSQL). */
  stop(options: PgBoss.StopOptions): Promise<void>;
  /** A pg-boss `db` that runs inside `trx`, so a job is enqueued in the same commit as the rows it is about. */
  inTransaction(trx: Db): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> };
}>;

export type JobQueueOptions = Readonly<{ pollingIntervalSeconds?: number; onError?: (error: Error) => void }>;

function pgliteExecutor(db: Db) {
  const pglite = pgliteOf(db);
  if (!pglite) throw new Error('not a PGlite database');
  return {
    executeSql: (text: string, values?: unknown[]) =>
      db.connection().execute(async () => {
        if (values && values.length > 0) return { rows: (await pglite.query(text, values, { rowMode: 'object' })).rows };
        const results = await pglite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      }),
  };
}

/**
 * The queue's own small pool on PostgreSQL, built like the server's (create-db.ts): a multi-host DATABASE_URL (a
 * primary and its standbys, multi-host.ts) is not a URL pg-boss's own pool could parse, and a dropped connection must
 * not be an unhandled error.
 */
function postgresExecutor(url: string) {
  const multiHost = parseMultiHostUrl(url);
  const pool = new pg.Pool({
    ...(multiHost ? multiHostPoolOptions(multiHost, 5_000) : { connectionString: url }),
    max: 4,
    application_name: 'kagiya-jobs',
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', () => undefined);
  return { pool, executeSql: async (text: string, values?: unknown[]) => ({ rows: (await pool.query(text, values ?? [])).rows as unknown[] }) };
}

export async function createJobQueue(db: Db, database: QueueDatabase, options: JobQueueOptions = {}): Promise<JobQueue> {
  const common = {
    schema: 'pgboss',
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    // Maintenance (expiring jobs of a dead worker, archiving) every minute rather than every two.
    maintenanceIntervalSeconds: 60,
  };
  const postgres = database.kind === 'postgres' ? postgresExecutor(database.url) : null;
  const boss = new PgBoss({ ...common, db: postgres ?? pgliteExecutor(db) });
  boss.on('error', (error: Error) => options.onError?.(error));
  const stop = async (stopOptions: PgBoss.StopOptions) => {
    await boss.stop(stopOptions).catch(() => undefined);
    await postgres?.pool.end().catch(() => undefined);
  };
  try {
    await boss.start();
  } catch (error) {
    await stop({ graceful: false, wait: false });
    throw error;
  }
  return {
    boss,
    stop,
    inTransaction: (trx) => ({
      executeSql: async (text, values) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values ?? []))).rows as unknown[] }),
    }),
  };
}
