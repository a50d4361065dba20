import { sql, type Kysely } from 'kysely';

// The PIN entry's writes, made leaner (issue #8, lean hot path; figures in docs/decisions.md, "hot path"):
//
// 1. The card-event chain link is written by the PIN statement itself (src/adapters/db/card-attempt.sql.ts): one
//    UPDATE of the card's head row computes the new head with card_event_digest_of — the very bytes
//    card_event_digest computes over a stored row — and the event is inserted with its prev_hash and hash. The BEFORE
//    INSERT trigger now fires only for an event that arrives without a hash (every other path, and a card's first
//    event), so the hot path no longer pays a PL/pgSQL call and a nested statement per entry. The chain itself is
//    unchanged, and still checked with card_event_digest over the stored rows.
// 2. card_events.card_id loses its foreign key. Its check ran per event as a nested statement that also locked the
//    card's row (FOR KEY SHARE), which dirtied a cards page on every PIN entry. Every event is written from a card
//    row read in the same statement, and cards are never deleted — now enforced: a delete from cards is refused.
const UP = [
  `create function card_event_digest_of(prev bytea, id bigint, card_id uuid, occurred_at timestamptz, operation text,
     slot text, result text, code text, remaining_after smallint, channel text, service text, terminal text, actor text,
     detail jsonb) returns bytea language sql stable as $$
     select sha256(prev || convert_to(jsonb_build_array(
       id, card_id, to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), operation, slot,
       result, code, remaining_after, channel, service, terminal, actor, detail)::text, 'UTF8'))
   $$`,
  'drop trigger card_events_chain on card_events',
  'create trigger card_events_chain before insert on card_events for each row when (new.hash is null) execute function card_events_chain()',
  'alter table card_events drop constraint card_events_card_id_fkey',
  `create function cards_never_deleted() returns trigger language plpgsql as $$
   begin
     raise exception 'cards are never deleted (card %): revoke it instead', old.id using errcode = 'restrict_violation';
   end
   $$`,
  'create trigger cards_never_deleted before delete on cards for each row execute function cards_never_deleted()',
];

const DOWN = [
  'drop trigger cards_never_deleted on cards',
  'drop function cards_never_deleted()',
  'alter table card_events add constraint card_events_card_id_fkey foreign key (card_id) references cards(id)',
  'drop trigger card_events_chain on card_events',
  'create trigger card_events_chain before insert on card_events for each row execute function card_events_chain()',
  'drop function card_event_digest_of(bytea, bigint, uuid, timestamptz, text, text, text, text, smallint, text, text, text, text, jsonb)',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
