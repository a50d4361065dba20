import { sql, type Kysely } from 'kysely';

// A national admin can stop a mass job (src/app/mass-card-status.ts cancelMassJob): no batch starts after the
// cancellation commits; the cards already changed stay changed (a restore job undoes them). Who and why are kept on
// the row for the console, and in the audit log.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mass_jobs drop constraint mass_jobs_state_check`.execute(db);
  await sql`alter table mass_jobs add constraint mass_jobs_state_check check (state in ('queued', 'running', 'done', 'cancelled'))`.execute(db);
  await sql`alter table mass_jobs add column cancelled_by_label text, add column cancel_reason text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mass_jobs drop column cancel_reason, drop column cancelled_by_label`.execute(db);
  await sql`update mass_jobs set state = 'done' where state = 'cancelled'`.execute(db);
  await sql`alter table mass_jobs drop constraint mass_jobs_state_check`.execute(db);
  await sql`alter table mass_jobs add constraint mass_jobs_state_check check (state in ('queued', 'running', 'done'))`.execute(db);
}
