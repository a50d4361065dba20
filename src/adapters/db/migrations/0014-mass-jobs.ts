import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// Mass suspension and restore jobs (issue 13 item 3): the job's request, scope and progress. The cursor is the last
// card id the job has passed; a batch changes its cards, writes their events and audit entries and moves the cursor
// in one transaction, so a job killed at any point resumes after the last committed batch and changes each card
// exactly once. The queue (pg-boss) only says "work on job X"; this row is the truth.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table mass_jobs (
  id uuid primary key,
  operation text not null check (operation in ('suspend', 'restore')),
  reason text not null,
  scope jsonb not null,
  state text not null check (state in ('queued', 'running', 'done')),
  total integer not null,
  processed integer not null default 0,
  changed integer not null default 0,
  cursor uuid,
  runs integer not null default 0,
  created_by text not null,
  created_by_label text not null,
  created_at timestamptz not null,
  started_at timestamptz,
  updated_at timestamptz not null,
  finished_at timestamptz
);
create index mass_jobs_created on mass_jobs (created_at desc);
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table mass_jobs;');
}
