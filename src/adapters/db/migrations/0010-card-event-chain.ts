import { sql, type Kysely } from 'kysely';

// Card events get a hash chain of their own, one per card (issue #12, tamper evidence): each event stores the hash
// of its predecessor and its own hash over (predecessor, id, card, time in UTC, operation, slot, result, code,
// remaining, channel, service, terminal, actor, detail); card_event_chain keeps each card's head and count, so a
// removed last event is seen too. The chain is kept by a BEFORE INSERT trigger, so every path that records an
// event (the one-statement PIN entry included) chains it without a change to its SQL; the head row is taken with
// one upsert, which also orders two events of one card that commit at the same time.
const STATEMENTS = [
  `create table card_event_chain (
     card_id uuid primary key references cards(id),
     events bigint not null,
     prev_head bytea not null,
     head bytea not null
   )`,
  'alter table card_events add column prev_hash bytea',
  'alter table card_events add column hash bytea',
  `create function card_event_digest(prev bytea, e card_events) returns bytea language sql stable as $$
     select sha256(prev || convert_to(jsonb_build_array(
       e.id, e.card_id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), e.operation, e.slot,
       e.result, e.code, e.remaining_after, e.channel, e.service, e.terminal, e.actor, e.detail)::text, 'UTF8'))
   $$`,
  `create function card_events_chain() returns trigger language plpgsql as $$
   begin
     insert into card_event_chain as h (card_id, events, prev_head, head)
     values (new.card_id, 1, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
             card_event_digest('\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea, new))
     on conflict (card_id) do update set events = h.events + 1, prev_head = h.head, head = card_event_digest(h.head, new)
     returning prev_head, head into new.prev_hash, new.hash;
     return new;
   end
   $$`,
  // Events recorded before this migration are chained now, in id order per card.
  `do $$
   declare r card_events; prev bytea; cur uuid; n bigint;
   begin
     for r in select * from card_events order by card_id, id loop
       if cur is distinct from r.card_id then
         if cur is not null then insert into card_event_chain values (cur, n, '\\x'::bytea, prev); end if;
         cur := r.card_id; prev := '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea; n := 0;
       end if;
       update card_events set prev_hash = prev, hash = card_event_digest(prev, r) where id = r.id;
       prev := card_event_digest(prev, r);
       n := n + 1;
     end loop;
     if cur is not null then insert into card_event_chain values (cur, n, '\\x'::bytea, prev); end if;
   end
   $$`,
  'create trigger card_events_chain before insert on card_events for each row execute function card_events_chain()',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    'drop trigger card_events_chain on card_events',
    'drop function card_events_chain()',
    'drop function card_event_digest(bytea, card_events)',
    'alter table card_events drop column hash',
    'alter table card_events drop column prev_hash',
    'drop table card_event_chain',
  ]) {
    await sql.raw(statement).execute(db);
  }
}
