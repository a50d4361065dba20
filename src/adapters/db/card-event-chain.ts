import { sql } from 'kysely';
import type { CardEventChainReport } from '../../app/counter-ports.js';
import type { Db } from './create-db.js';

const GENESIS = sql`'\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea`;

/**
 * Re-checks every card's event chain (migration 0010) in the database itself, with the very digest function the
 * trigger uses: each event must hash to its stored hash over its stored predecessor hash, that predecessor must be
 * the hash of the card's previous event (by id), and the card's head must be its last event's hash and count. An
 * edited row fails the first test, a removed or re-ordered one the second, a removed last event the third. Names
 * the first events and cards that fail (at most `limit`).
 */
export async function verifyCardEventChain(db: Db, limit = 20): Promise<CardEventChainReport> {
  const broken = await sql<{ card_id: string; event_id: number | null; reason: string }>`
    with walked as (
      select e.id, e.card_id, e.hash, e.prev_hash,
             card_event_digest(e.prev_hash, e) as recomputed,
             coalesce(lag(e.hash) over (partition by e.card_id order by e.id), ${GENESIS}) as expected_prev
      from card_events e
    ),
    bad_rows as (
      select card_id, id as event_id,
             case when hash is null then 'unchained'
                  when recomputed is distinct from hash then 'content'
                  else 'order' end as reason
      from walked
      where hash is null or recomputed is distinct from hash or prev_hash is distinct from expected_prev
    ),
    last_events as (
      select distinct on (card_id) card_id, hash, count(*) over (partition by card_id) as n
      from card_events order by card_id, id desc
    ),
    bad_heads as (
      select coalesce(h.card_id, l.card_id) as card_id, null::bigint as event_id, 'head' as reason
      from card_event_chain h full join last_events l on l.card_id = h.card_id
      where h.head is distinct from l.hash or h.events is distinct from l.n
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
