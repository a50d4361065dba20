import { sql } from 'kysely';
import type { CardEventChainReport } from '../../app/counter-ports.js';
import type { Db } from './create-db.js';

const GENESIS = sql`'\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea`;

/**
 * Re-checks every card's event chain (migrations 0010 and 0020) in the database itself, with the digest function over
 * the stored rows: each event must hash to its stored hash over its stored predecessor hash; that predecessor must be
 * the hash of another event of the card (or the genesis value), and no two events may claim the same predecessor;
 * the card's head must be the hash of an event that none follows, and its count the card's event count. An edited
 * row fails the first test, a removed one the second (the event after the gap is named), a removed last event the
 * third. The chain, not the id, orders a card's events: two events of one card written at once on two slots take
 * their ids before they take the head row, so their ids may run against the chain, and that is no tampering (the id
 * is inside each hash, so a changed id is still seen). Names the first events and cards that fail (at most `limit`).
 */
export async function verifyCardEventChain(db: Db, limit = 20): Promise<CardEventChainReport> {
  const broken = await sql<{ card_id: string; event_id: number | null; reason: string }>`
    with walked as (
      select e.id, e.card_id, e.hash, e.prev_hash, card_event_digest(e.prev_hash, e) as recomputed
      from card_events e
    ),
    bad_rows as (
      select w.card_id, w.id as event_id,
             case when w.hash is null then 'unchained'
                  when w.recomputed is distinct from w.hash then 'content'
                  else 'order' end as reason
      from walked w
      where w.hash is null or w.recomputed is distinct from w.hash
         or (w.prev_hash is distinct from ${GENESIS}
             and not exists (select 1 from card_events p where p.card_id = w.card_id and p.hash = w.prev_hash))
         or exists (select 1 from card_events o where o.card_id = w.card_id and o.prev_hash = w.prev_hash and o.id < w.id)
    ),
    counts as (
      select card_id, count(*) as n from card_events group by card_id
    ),
    bad_heads as (
      select coalesce(h.card_id, c.card_id) as card_id, null::bigint as event_id, 'head' as reason
      from card_event_chain h full join counts c on c.card_id = h.card_id
      where h.events is distinct from c.n
         or not exists (select 1 from card_events e where e.card_id = h.card_id and e.hash = h.head)
         or exists (select 1 from card_events e where e.card_id = h.card_id and e.prev_hash = h.head)
    )
    select card_id, event_id::int as event_id, reason from (select * from bad_rows union all select * from bad_heads) b
    order by event_id nulls last, card_id
    limit ${limit}
  `.execute(db);
  const counted = await sql<{ n: number }>`select count(*)::int as n from card_events`.execute(db);
  return {
    ok: broken.rows.length === 0,
    checked: counted.rows[0]!.n,
    broken: broken.rows.map((r) => ({ cardId: r.card_id, eventId: r.event_id, reason: r.reason as CardEventChainReport['broken'][number]['reason'] })),
  };
}
