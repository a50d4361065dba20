import type { MassJobStoreWithBatches } from '../db/mass-job-store.js';
import type { JobQueue } from './job-queue.js';

// The worker side of mass suspension and restore (issue 13 item 3). The queue says "work on job X"; the job's row
// (cursor, counts) is the truth, and each batch commits with its cursor, so the queue only needs at-least-once:
// a second worker on the same job (a resumed one beside a stale one) waits on the job's row lock and finds the
// cursor moved. At start-up, and every minute, unfinished jobs are put back on the queue, so a job whose process was
// killed carries on without waiting for pg-boss to expire the dead worker's claim.

export const MASS_QUEUES = { run: 'mass-card-status', sweep: 'mass-card-status-sweep' } as const;

export type MassJobOptions = Readonly<{ clock: () => Date; batchSize: number; onError: (error: Error, context: string) => void }>;

export async function startMassStatusJobs(queue: JobQueue, store: MassJobStoreWithBatches, o: MassJobOptions) {
  const { boss } = queue;
  await boss.createQueue(MASS_QUEUES.run, { name: MASS_QUEUES.run, retryLimit: 20, retryDelay: 10, retryBackoff: true, expireInSeconds: 4 * 3600 });
  await boss.createQueue(MASS_QUEUES.sweep, { name: MASS_QUEUES.sweep, policy: 'stately' });

  const wake = async (jobId: string) => {
    await boss.send(MASS_QUEUES.run, { jobId });
  };
  const sweep = async () => {
    for (const id of await store.unfinished()) await wake(id);
  };

  await boss.work<{ jobId: string }>(MASS_QUEUES.run, { pollingIntervalSeconds: 1 }, async ([job]) => {
    const { jobId } = job!.data;
    await store.countRun(jobId);
    for (;;) {
      const r = await store.runBatch(jobId, o.batchSize, o.clock());
      if (r.state === 'done') return;
    }
  });
  await boss.work(MASS_QUEUES.sweep, async () => sweep());
  await boss.schedule(MASS_QUEUES.sweep, '* * * * *');
  await sweep();
  return { wake, sweep };
}
