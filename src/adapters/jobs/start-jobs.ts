import type { Logger } from 'pino';
import type { Db } from '../db/create-db.js';
import { createMassJobStore } from '../db/mass-job-store.js';
import { createNotificationStore } from '../db/notification-store.js';
import { createMailboxMailer, createSmtpMailer, type Mailer } from '../mail/mailer.js';
import { createJobQueue, type QueueDatabase } from './job-queue.js';
import { startHousekeepingJobs } from './housekeeping-jobs.js';
import { startMassStatusJobs } from './mass-status-jobs.js';
import { startNotificationJobs } from './notification-jobs.js';

// The Kagiya process's worker: the job queue and everything that runs on it (notifications, mass jobs, housekeeping).

export type JobSettings = Readonly<{
  /** smtp(s)://… to send e-mail; null keeps notifications in the mailbox (development). */
  smtpUrl: string | null;
  mailFrom: string;
  scanSeconds?: number;
  settleMs?: number;
  retryLimit?: number;
  retryDelaySeconds?: number;
  pollingIntervalSeconds?: number;
  massBatchSize?: number;
  /** Tests replace the mailer (a server that fails on purpose is still a real SMTP server, through smtpUrl). */
  mailer?: Mailer;
}>;

export type Jobs = Awaited<ReturnType<typeof startJobs>>;

export async function startJobs(db: Db, database: QueueDatabase, clock: () => Date, logger: Logger, s: JobSettings) {
  const onError = (error: Error, context: string) => logger.warn({ err: { message: error.message } }, context);
  const queue = await createJobQueue(db, database, { pollingIntervalSeconds: s.pollingIntervalSeconds ?? 2, onError: (e) => onError(e, 'job queue error') });
  const mailer = s.mailer ?? (s.smtpUrl ? createSmtpMailer(s.smtpUrl, s.mailFrom) : createMailboxMailer());
  let notifications: Awaited<ReturnType<typeof startNotificationJobs>>;
  let mass: Awaited<ReturnType<typeof startMassStatusJobs>>;
  try {
    notifications = await startNotificationJobs(queue, createNotificationStore(db), mailer, {
      clock,
      scanSeconds: s.scanSeconds ?? 10,
      settleMs: s.settleMs ?? 5_000,
      retryLimit: s.retryLimit ?? 8,
      retryDelaySeconds: s.retryDelaySeconds ?? 30,
      onError,
    });
    mass = await startMassStatusJobs(queue, createMassJobStore(db), { clock, batchSize: s.massBatchSize ?? 500, onError });
    await startHousekeepingJobs(queue, db, {
      clock,
      onDone: (r) => {
        if (r.readerSessions + r.oidcModels > 0) logger.info({ purged: r }, 'housekeeping');
      },
    });
  } catch (error) {
    // A half-started worker (the database dropped us while it scheduled) leaves nothing running behind.
    await queue.stop({ graceful: false, wait: false });
    mailer.close();
    throw error;
  }
  return {
    queue,
    notifications,
    mass,
    async stop() {
      await queue.stop({ graceful: true, wait: true, timeout: 10_000 });
      mailer.close();
    },
  };
}
