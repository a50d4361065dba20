import { sql, type Kysely } from 'kysely';

// A customer PIN pad counts the weak PINs it refused and closes at PIN_PAD_MAX_REFUSALS
// (src/app/pin-pad.ts): a weak-PIN answer says which rule matched, and one rule is "a run of the holder's My Number",
// so an uncapped pad could be used to read the My Number four digits at a time. Staff can open a new pad.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table pin_pad_sessions add column refusals integer not null default 0`.execute(db);
  await sql`create index pin_pad_sessions_procedure on pin_pad_sessions (procedure_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index pin_pad_sessions_procedure`.execute(db);
  await sql`alter table pin_pad_sessions drop column refusals`.execute(db);
}
