import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// A PIN entry is one statement now (DOMAIN.md §1): no pending events, no restore arithmetic. The sequence columns
// that arithmetic needed go. An event left `pending` by the old two-commit path had its try spent and never got an
// answer: it becomes `incorrect` (one try spent, which it was) with its own code, so the spent tries still add up
// and the result list stays closed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
update card_events set result = 'incorrect', code = 'INTERRUPTED_LEGACY' where result = 'pending';
alter table pin_slots drop column attempt_seq;
alter table pin_slots drop column last_success_seq;
alter table card_events drop column attempt_seq;
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
alter table pin_slots add column attempt_seq integer not null default 0;
alter table pin_slots add column last_success_seq integer not null default 0;
alter table card_events add column attempt_seq integer;
`,
  );
}
