import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Db } from '../db/create-db.js';
import { pgliteOf } from '../db/create-db.js';

// The job queue: pg-boss on the same database (docs/decisions.md, "Job queue"). On PostgreSQL pg-boss keeps a small
// pool of its own; on PGlite (one connection, shared by every caller through the dialect's FIFO queue) it goes
// through `db: { executeSql }`, taking the connection the same way a Kysely transaction does, so a queue statement
// never lands inside somebody else's transaction. pg-boss's schema scripts are several statements without
// parameters: those run through PGlite's exec, the rest as one parameterised query.

export type QueueDatabase = Readonly<{ kind: 'pglite' } | { kind: 'postgres'; url: string }>;

export type JobQueue = Readonly<{
  boss: PgBoss;
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

export async function createJobQueue(db: Db, database: QueueDatabase, options: JobQueueOptions = {}): Promise<JobQueue> {
  const common = {
    schema: 'pgboss',
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
    // Maintenance (expiring jobs of a dead worker, archiving) every minute rather than every two.
    maintenanceIntervalSeconds: 60,
  };
  const boss =
    database.kind === 'postgres'
      ? new PgBoss({ ...common, connectionString: database.url, max: 4, application_name: 'kagiya-jobs' })
      : new PgBoss({ ...common, db: pgliteExecutor(db) });
  boss.on('error', (error: Error) => options.onError?.(error));
  await boss.start();
  return {
    boss,
    inTransaction: (trx) => ({
      executeSql: async (text, values) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values ?? []))).rows as unknown[] }),
    }),
  };
}
