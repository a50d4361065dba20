import { sql, type Kysely } from 'kysely';

// Room on each page for the rows every PIN entry changes (issue #8; figures in docs/decisions.md, "Room for HOT
// updates"). A card's chain head (card_event_chain) is updated by every entry, its slot (pin_slots) by every entry
// that changes the counter. PostgreSQL updates a row in place on its own page (a HOT update, no index entry) only
// where the page has room; tables filled to 100 % (a bulk issue, the bench's seeding) send the first update of each
// row to another page and add an index entry for it, a second random page written, and after each checkpoint a
// second full-page image in the WAL. Applies to pages written from now on; existing pages gain room as rows move.
const UP = ['alter table card_event_chain set (fillfactor = 80)', 'alter table pin_slots set (fillfactor = 90)'];
const DOWN = ['alter table card_event_chain reset (fillfactor)', 'alter table pin_slots reset (fillfactor)'];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
