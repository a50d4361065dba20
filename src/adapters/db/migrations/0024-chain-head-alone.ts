import { sql, type Kysely } from 'kysely';

// A card's chain head row keeps the head alone (issue #8; figures in docs/decisions.md, "The chain head keeps the head
// alone"). Every PIN entry rewrites its card's head row, and at a million cards nearly every such write is the first
// to its page since the last checkpoint, so it puts the whole page in the WAL. `prev_head` (the head before the last
// event) was a quarter of the row and read by nobody: the event itself stores its predecessor (card_events.prev_hash),
// and the PIN statement now takes it from the head row it has already locked. Without it about a third more rows fit
// on a page, so fewer pages are touched and written after each checkpoint.
//
// The insert trigger (every path but the PIN statement, and a card's first event) reads the head under a row lock
// and updates it, since an UPDATE's RETURNING gives only the new value. A card's first event inserts the head; two
// first events of one card at once still serialise on it: the second waits on the first's insert, finds the row, and
// takes the locked path.
const ZERO = `'\\x${'00'.repeat(32)}'::bytea`;

const HEAD_ALONE = `create or replace function card_events_chain() returns trigger language plpgsql as $$
declare prev bytea;
begin
  select h.head into prev from card_event_chain h where h.card_id = new.card_id for update;
  if not found then
    insert into card_event_chain as h (card_id, events, head)
    values (new.card_id, 1, card_event_digest(${ZERO}, new))
    on conflict (card_id) do nothing
    returning h.head into new.hash;
    if found then
      new.prev_hash := ${ZERO};
      return new;
    end if;
    select h.head into strict prev from card_event_chain h where h.card_id = new.card_id for update;
  end if;
  update card_event_chain h set events = h.events + 1, head = card_event_digest(prev, new)
   where h.card_id = new.card_id
  returning h.head into new.hash;
  new.prev_hash := prev;
  return new;
end
$$`;

// Migration 0019's trigger, for down().
const WITH_PREV_HEAD = `create or replace function card_events_chain() returns trigger language plpgsql as $$
begin
  update card_event_chain h set events = h.events + 1, prev_head = h.head, head = card_event_digest(h.head, new)
   where h.card_id = new.card_id
  returning h.prev_head, h.head into new.prev_hash, new.hash;
  if not found then
    insert into card_event_chain as h (card_id, events, prev_head, head)
    values (new.card_id, 1, ${ZERO}, card_event_digest(${ZERO}, new))
    on conflict (card_id) do update set events = h.events + 1, prev_head = h.head, head = card_event_digest(h.head, new)
    returning h.prev_head, h.head into new.prev_hash, new.hash;
  end if;
  return new;
end
$$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(HEAD_ALONE).execute(db);
  await sql`alter table card_event_chain drop column prev_head`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table card_event_chain add column prev_head bytea`.execute(db);
  // The head before each card's last event is that event's predecessor; a head with no event yet has the empty one.
  await sql`update card_event_chain h set prev_head = coalesce(
      (select e.prev_hash from card_events e where e.card_id = h.card_id order by e.id desc limit 1), '\\x'::bytea)`.execute(db);
  await sql`alter table card_event_chain alter column prev_head set not null`.execute(db);
  await sql.raw(WITH_PREV_HEAD).execute(db);
}
