import { sql, type SelectQueryBuilder } from 'kysely';
import { TRANSITIONS } from '../../app/change-card-status.js';
import { isFinishedMassJob, type MassJob, type MassJobStore, type MassOperation, type MassScope, type MassScopeFilter } from '../../app/mass-card-status.js';
import { appendAuditEntries, auditedTransaction } from './audit-store.js';
import type { Db } from './create-db.js';
import type { Database, MassJobTable } from './schema.js';

// Mass jobs' rows and their batches. A batch is one transaction: lock the job row, take the next cards after the
// cursor that are in scope and still in the starting status, change them exactly as the single-card transition does
// (card, current certificates — the CRL revision trigger follows —, one card event with the job id, one audit entry
// each), and move the cursor. Killed anywhere, a batch either happened whole or not at all, and the next run starts
// after the last one that committed: every card is changed exactly once.

type Row = MassJobTable & { scope: unknown };

function toJob(r: { [K in keyof Row]: unknown }): MassJob {
  return {
    id: r.id as string,
    operation: r.operation as MassOperation,
    reason: r.reason as string,
    scope: (typeof r.scope === 'string' ? JSON.parse(r.scope) : r.scope) as MassScope,
    state: r.state as MassJob['state'],
    total: Number(r.total),
    processed: Number(r.processed),
    changed: Number(r.changed),
    runs: Number(r.runs),
    createdBy: r.created_by_label as string,
    createdAt: r.created_at as Date,
    startedAt: (r.started_at as Date | null) ?? null,
    updatedAt: r.updated_at as Date,
    finishedAt: (r.finished_at as Date | null) ?? null,
    cancelledBy: (r.cancelled_by_label as string | null) ?? null,
    cancelReason: (r.cancel_reason as string | null) ?? null,
  };
}

function inScope<O>(q: SelectQueryBuilder<Database, 'cards' | 'residents', O>, f: MassScopeFilter, from: string) {
  let out = q.where('cards.status', '=', from as 'active');
  if (f.municipalityCode) out = out.where('residents.municipality_code', '=', f.municipalityCode);
  if (f.issuedFrom) out = out.where('cards.issued_at', '>=', f.issuedFrom);
  if (f.issuedBefore) out = out.where('cards.issued_at', '<', f.issuedBefore);
  if (f.caId) {
    const caId = f.caId;
    out = out.where(({ exists, selectFrom }) =>
      exists(selectFrom('certificates').select(sql`1`.as('one')).whereRef('certificates.card_id', '=', 'cards.id').where('certificates.current', '=', true).where('certificates.ca_id', '=', caId)),
    );
  }
  return out;
}

export type BatchResult = Readonly<{ state: 'running' | 'done'; changed: number }>;

export function createMassJobStore(db: Db) {
  const store = {
    async create({ id, operation, reason, scope, filter, actor, now }) {
      const from = TRANSITIONS[operation].from[0];
      return auditedTransaction(db, async (trx) => {
        const counted = await inScope(trx.selectFrom('cards').innerJoin('residents', 'residents.id', 'cards.resident_id'), filter, from)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        const row = await trx
          .insertInto('mass_jobs')
          .values({
            id,
            operation,
            reason,
            scope: JSON.stringify({ scope, filter }),
            state: 'queued',
            total: Number(counted.n),
            cursor: null,
            created_by: actor.id,
            created_by_label: actor.label,
            created_at: now,
            started_at: null,
            updated_at: now,
            finished_at: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAuditEntries(trx, [
          { occurredAt: now, actorId: actor.id, actorRole: actor.role, municipalityCode: null, action: `mass_job.${operation}`, targetType: 'mass_job', targetId: id, reason, detail: { scope, total: Number(counted.n) } },
        ]);
        return withScope(toJob(row as never));
      });
    },
    async find(id) {
      const row = await db.selectFrom('mass_jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? withScope(toJob(row as never)) : null;
    },
    async list(limit) {
      const rows = await db.selectFrom('mass_jobs').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
      return rows.map((r) => withScope(toJob(r as never)));
    },
    async caExists(caId) {
      return (await db.selectFrom('certificate_authorities').select('id').where('id', '=', caId).executeTakeFirst()) !== undefined;
    },
    // The job row's lock is what a batch holds while it runs: the cancellation waits for that batch to commit, and a
    // batch that starts after it finds the job cancelled.
    async cancel({ id, reason, actor, now }) {
      return auditedTransaction(db, async (trx) => {
        const job = await trx.selectFrom('mass_jobs').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!job) return null;
        if (isFinishedMassJob(job.state)) return { job: withScope(toJob(job as never)), finished: true };
        const row = await trx
          .updateTable('mass_jobs')
          .set({ state: 'cancelled', finished_at: now, updated_at: now, cancelled_by_label: actor.label, cancel_reason: reason })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await appendAuditEntries(trx, [
          {
            occurredAt: now,
            actorId: actor.id,
            actorRole: actor.role,
            municipalityCode: null,
            action: 'mass_job.cancelled',
            targetType: 'mass_job',
            targetId: id,
            reason,
            detail: { operation: job.operation, from: job.state, changed: Number(job.changed), total: Number(job.total) },
          },
        ]);
        return { job: withScope(toJob(row as never)), finished: false };
      });
    },
  } satisfies MassJobStore;

  return {
    ...store,
    /** Ids of jobs not finished (queued, or running when a process stopped): the worker resumes them. */
    async unfinished(): Promise<string[]> {
      return (await db.selectFrom('mass_jobs').select('id').where('state', 'in', ['queued', 'running']).orderBy('created_at').execute()).map((r) => r.id);
    },

    /** One batch of at most `size` cards, in one transaction (see the file comment). */
    async runBatch(jobId: string, size: number, now: Date): Promise<BatchResult> {
      return auditedTransaction(db, async (trx) => {
        const job = await trx.selectFrom('mass_jobs').selectAll().where('id', '=', jobId).forUpdate().executeTakeFirst();
        // A cancelled job is finished for the worker: it stops, and changes nothing more.
        if (!job || isFinishedMassJob(job.state)) return { state: 'done', changed: 0 };
        const t = TRANSITIONS[job.operation];
        const { filter } = (typeof job.scope === 'string' ? JSON.parse(job.scope) : job.scope) as { filter: { caId?: string; issuedFrom?: string; issuedBefore?: string; municipalityCode?: string } };
        const f: MassScopeFilter = {
          ...(filter.caId ? { caId: filter.caId } : {}),
          ...(filter.municipalityCode ? { municipalityCode: filter.municipalityCode } : {}),
          ...(filter.issuedFrom ? { issuedFrom: new Date(filter.issuedFrom) } : {}),
          ...(filter.issuedBefore ? { issuedBefore: new Date(filter.issuedBefore) } : {}),
        };
        let q = inScope(trx.selectFrom('cards').innerJoin('residents', 'residents.id', 'cards.resident_id'), f, t.from[0]!)
          .select(['cards.id', 'residents.municipality_code'])
          .orderBy('cards.id')
          .limit(size)
          .forUpdate('cards');
        if (job.cursor) q = q.where('cards.id', '>', job.cursor);
        const cards = await q.execute();
        if (cards.length === 0) {
          await trx.updateTable('mass_jobs').set({ state: 'done', finished_at: now, updated_at: now }).where('id', '=', jobId).execute();
          await appendAuditEntries(trx, [
            { occurredAt: now, actorId: job.created_by, actorRole: 'national_admin', municipalityCode: null, action: 'mass_job.finished', targetType: 'mass_job', targetId: jobId, reason: null, detail: { changed: Number(job.changed), total: Number(job.total) } },
          ]);
          return { state: 'done', changed: 0 };
        }
        const ids = cards.map((c) => c.id);
        await trx.updateTable('cards').set({ status: t.to, status_changed_at: now, status_reason: job.reason }).where('id', 'in', ids).execute();
        await trx
          .updateTable('certificates')
          .set({ status: t.certTo, status_changed_at: now, revocation_reason: t.certTo === 'valid' ? null : job.reason, crl_reason: null })
          .where('card_id', 'in', ids)
          .where('current', '=', true)
          .where('status', 'in', [...t.certFrom])
          .execute();
        const detail = JSON.stringify({ reason: job.reason, jobId });
        await trx
          .insertInto('card_events')
          .values(ids.map((id) => ({ card_id: id, occurred_at: now, operation: t.operation, slot: null, result: 'done', code: null, remaining_after: null, channel: null, service: 'mass-job', terminal: null, actor: job.created_by, detail })))
          .execute();
        await appendAuditEntries(
          trx,
          cards.map((c) => ({
            occurredAt: now,
            actorId: job.created_by,
            actorRole: 'national_admin',
            municipalityCode: c.municipality_code,
            action: `card.${t.operation}`,
            targetType: 'card',
            targetId: c.id,
            reason: job.reason,
            detail: { from: t.from[0], to: t.to, jobId },
          })),
        );
        await trx
          .updateTable('mass_jobs')
          .set({
            state: 'running',
            cursor: ids[ids.length - 1]!,
            processed: sql`processed + ${ids.length}`,
            changed: sql`changed + ${ids.length}`,
            started_at: job.started_at ?? now,
            updated_at: now,
          })
          .where('id', '=', jobId)
          .execute();
        return { state: 'running', changed: ids.length };
      });
    },

    /** Counts a run (a worker that took the job up), for the console. */
    async countRun(jobId: string): Promise<void> {
      await db.updateTable('mass_jobs').set({ runs: sql`runs + 1` }).where('id', '=', jobId).where('state', 'in', ['queued', 'running']).execute();
    },
  };
}

const withScope = (job: MassJob): MassJob => ({ ...job, scope: ((job.scope as unknown as { scope?: MassScope }).scope ?? job.scope) as MassScope });

export type MassJobStoreWithBatches = ReturnType<typeof createMassJobStore>;
