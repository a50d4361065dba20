import type { Db } from '../db/create-db.js';
import { oidcDb } from '../db/oidc-schema.js';
import { purgeReaderSessions } from '../db/reader-session-store.js';
import { purgeExpiredModels } from '../oidc/kysely-adapter.js';
import type { JobQueue } from './job-queue.js';

// Housekeeping on the job queue, hourly, one worker at a time (a stately queue): rows that only pile up. Reader
// sessions closed or idle for a day (a reader's idle limit is minutes), and the identity provider's expired models
// (sessions, codes, tokens), which were purged only when a process started.

export const HOUSEKEEPING_QUEUE = 'housekeeping';
export const READER_SESSION_RETENTION_MS = 24 * 3600 * 1000;

export type HousekeepingResult = Readonly<{ readerSessions: number; oidcModels: number }>;

export async function housekeeping(db: Db, now: Date): Promise<HousekeepingResult> {
  const readerSessions = await purgeReaderSessions(db, new Date(now.getTime() - READER_SESSION_RETENTION_MS));
  const oidcModels = await purgeExpiredModels(oidcDb(db), now);
  return { readerSessions, oidcModels };
}

export async function startHousekeepingJobs(queue: JobQueue, db: Db, o: { clock: () => Date; onDone?: (r: HousekeepingResult) => void }) {
  const { boss } = queue;
  await boss.createQueue(HOUSEKEEPING_QUEUE, { name: HOUSEKEEPING_QUEUE, policy: 'stately' });
  await boss.work(HOUSEKEEPING_QUEUE, async () => {
    o.onDone?.(await housekeeping(db, o.clock()));
  });
  await boss.schedule(HOUSEKEEPING_QUEUE, '23 * * * *');
}
