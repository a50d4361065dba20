import type PgBoss from 'pg-boss';
import type { Db } from '../db/create-db.js';
import type { Enqueue, NotificationStore } from '../db/notification-store.js';
import type { Mailer } from '../mail/mailer.js';
import type { JobQueue } from './job-queue.js';

// The notifier's three queues (issue 11 item 4, contracts.md): one follows card_events with its cursor, one scans
// certificate end dates daily, one delivers. All run in the Kagiya process's worker through pg-boss, never inside a
// request: a PIN entry only writes its event, and whatever happens to the mail later cannot touch it.

export const NOTIFY_QUEUES = { events: 'notify-events', expiry: 'notify-expiry', send: 'notify-send' } as const;

export type NotificationJobOptions = Readonly<{
  clock: () => Date;
  /** Seconds between two scans of the event log. */
  scanSeconds: number;
  /** Events younger than this are left for the next scan (see NotificationStore.scanEvents). */
  settleMs: number;
  /** Delivery tries after the first, and the first retry's delay; each further retry waits twice as long. */
  retryLimit: number;
  retryDelaySeconds: number;
  onError: (error: Error, context: string) => void;
}>;

const EVENT_PAGE = 1000;
const SCAN_BUDGET_MS = 20_000;

export async function startNotificationJobs(queue: JobQueue, store: NotificationStore, mailer: Mailer, o: NotificationJobOptions) {
  const { boss } = queue;
  // 'stately': at most one scan waiting and one running, however many triggers (cron, the re-arm, a restart) arrive.
  await boss.createQueue(NOTIFY_QUEUES.events, { name: NOTIFY_QUEUES.events, policy: 'stately', retryLimit: 5, retryDelay: 5, expireInSeconds: 300 });
  await boss.createQueue(NOTIFY_QUEUES.expiry, { name: NOTIFY_QUEUES.expiry, policy: 'stately', retryLimit: 5, retryDelay: 60, expireInSeconds: 3600 });
  await boss.createQueue(NOTIFY_QUEUES.send, {
    name: NOTIFY_QUEUES.send,
    retryLimit: o.retryLimit,
    retryDelay: o.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: 300,
  });

  const enqueue: Enqueue = async (trx: Db, ids) => {
    if (ids.length === 0) return;
    // The job id is the notification id: enqueuing the same notification twice is a no-op.
    await boss.insert(
      ids.map((id) => ({ id, name: NOTIFY_QUEUES.send, data: { notificationId: id }, retryLimit: o.retryLimit, retryDelay: o.retryDelaySeconds, retryBackoff: true })),
      { db: queue.inTransaction(trx) } as never,
    );
  };

  const scanEvents = async () => {
    const started = Date.now();
    let total = 0;
    for (;;) {
      const { read, written } = await store.scanEvents({ now: o.clock(), limit: EVENT_PAGE, settleMs: o.settleMs, enqueue });
      total += written;
      if (read < EVENT_PAGE || Date.now() - started > SCAN_BUDGET_MS) return total;
    }
  };

  await boss.work<{ notificationId: string }>(NOTIFY_QUEUES.send, { batchSize: 20, includeMetadata: true, pollingIntervalSeconds: Math.min(2, o.scanSeconds) }, async (jobs) => {
    for (const job of jobs) await deliver(boss, store, mailer, o, job);
  });
  await boss.work(NOTIFY_QUEUES.events, { pollingIntervalSeconds: Math.min(2, o.scanSeconds) }, async () => {
    try {
      await scanEvents();
    } finally {
      // Re-arm: the next scan in scanSeconds (dropped if one is already waiting). The cron below is the safety net.
      await boss.send(NOTIFY_QUEUES.events, {}, { startAfter: o.scanSeconds });
    }
  });
  await boss.work(NOTIFY_QUEUES.expiry, async () => {
    await store.scanExpiry({ now: o.clock(), pageSize: 1000, enqueue });
  });
  await boss.schedule(NOTIFY_QUEUES.events, '* * * * *');
  // 00:00 UTC is 09:00 JST: reminders arrive in the morning.
  await boss.schedule(NOTIFY_QUEUES.expiry, '0 0 * * *');
  await boss.send(NOTIFY_QUEUES.events, {});
  await boss.send(NOTIFY_QUEUES.expiry, {});

  return {
    /** Runs a scan of the event log now, in this process (tests, and the CLI). */
    scanEvents,
    scanExpiry: () => store.scanExpiry({ now: o.clock(), pageSize: 1000, enqueue }),
  };
}

async function deliver(boss: PgBoss, store: NotificationStore, mailer: Mailer, o: NotificationJobOptions, job: PgBoss.JobWithMetadata<{ notificationId: string }>) {
  const n = await store.find(job.data.notificationId);
  // Sent already (a job delivered twice), given up, or gone: nothing to do.
  if (!n || n.status !== 'queued' || !n.recipient) return;
  try {
    await mailer.send({ to: n.recipient, subject: n.subject, text: n.body });
  } catch (error) {
    const message = (error as Error).message || String(error);
    const final = job.retryCount >= job.retryLimit;
    await store.markAttemptFailed(n, message, final, o.clock());
    o.onError(error as Error, `notification ${n.id} try ${job.retryCount + 1} failed${final ? ', given up' : ', will retry'}`);
    // Only this job goes back to the queue (with backoff); the others in the batch complete as they are.
    await boss.fail(NOTIFY_QUEUES.send, job.id, { message: message.slice(0, 200) });
    return;
  }
  await store.markSent(n, mailer.transport, o.clock());
}
