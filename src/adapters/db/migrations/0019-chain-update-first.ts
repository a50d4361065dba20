import { sql, type Kysely } from 'kysely';

// The card-event chain trigger (migration 0010) on the hot path (issue #8, lean hot path): its upsert evaluated the
// VALUES row — a whole card_event_digest (jsonb_build_array, to_char, sha256) — on every event, even though nearly
// every event finds its card's head already there and takes the ON CONFLICT branch, which digests again. The head
// is now updated first and inserted only for a card's first event, so each event is digested once. Same chain,
// same hashes (the digest function is unchanged); the upsert stays as the fallback, so two first events of one card
// committing at once still serialise on the head row.
const UPDATE_FIRST = `create or replace function card_events_chain() returns trigger language plpgsql as $$
begin
  update card_event_chain h set events = h.events + 1, prev_head = h.head, head = card_event_digest(h.head, new)
   where h.card_id = new.card_id
  returning h.prev_head, h.head into new.prev_hash, new.hash;
  if not found then
    insert into card_event_chain as h (card_id, events, prev_head, head)
    values (new.card_id, 1, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
            card_event_digest('\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, new))
    on conflict (card_id) do update set events = h.events + 1, prev_head = h.head, head = card_event_digest(h.head, new)
    returning h.prev_head, h.head into new.prev_hash, new.hash;
  end if;
  return new;
end
$$`;

const UPSERT_ONLY = `create or replace function card_events_chain() returns trigger language plpgsql as $$
begin
  insert into card_event_chain as h (card_id, events, prev_head, head)
  values (new.card_id, 1, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
          card_event_digest('\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, new))
  on conflict (card_id) do update set events = h.events + 1, prev_head = h.head, head = card_event_digest(h.head, new)
  returning prev_head, head into new.prev_hash, new.hash;
  return new;
end
$$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UPDATE_FIRST).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(UPSERT_ONLY).execute(db);
}
