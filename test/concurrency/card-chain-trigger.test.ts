import { CompiledQuery, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyCardEventChain } from '../../src/adapters/db/card-event-chain.js';
import * as m0024 from '../../src/adapters/db/migrations/0024-chain-head-alone.js';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { lockWatchedSystem, type LockWatch, type WatchedSystem } from '../support/lock-watch.js';
import { POSTGRES_ENABLED } from '../support/test-db.js';

// The card-event chain's insert trigger (migration 0024): every path but the PIN statement records its event without
// a hash, and the trigger reads the card's head under a row lock, links the event to it and moves the head. The head
// row no longer keeps the head before the last event; the event's prev_hash is the only copy, so these tests check
// that every event still names its true predecessor when writers meet on one card.
const ZERO = Buffer.alloc(32);

describe.runIf(POSTGRES_ENABLED)('the card-event chain trigger, on PostgreSQL', () => {
  let system: WatchedSystem;
  let http: ReturnType<typeof api>;
  let locks: LockWatch;

  lockWatchedSystem((s, h, l) => {
    system = s;
    http = h;
    locks = l;
  });

  // An event as the counter's paths write it: no hash, so the trigger chains it.
  const RECORD = `insert into card_events (card_id, occurred_at, operation, slot, result, channel, service, terminal, actor)
                  values ($1, now(), 'set_pin', 'auth', 'success', 'counter', 'test', 'trigger', $2) returning id`;
  const record = (cardId: string, actor: string) => system.db.executeQuery(CompiledQuery.raw(RECORD, [cardId, actor]));

  const chainOf = async (cardId: string) => {
    const events = await sql<{ id: string; prev_hash: Buffer; hash: Buffer }>`
      select id, prev_hash, hash from card_events where card_id = ${cardId} order by id`.execute(system.db);
    const head = await sql<{ events: string; head: Buffer }>`select events, head from card_event_chain where card_id = ${cardId}`.execute(system.db);
    return { events: events.rows, head: head.rows[0] ?? null };
  };

  /** Walks the chain from the genesis: each event follows exactly one, and the head is the last. */
  const walk = (chain: Awaited<ReturnType<typeof chainOf>>) => {
    const byPrev = new Map(chain.events.map((e) => [e.prev_hash.toString('hex'), e]));
    expect(byPrev.size).toBe(chain.events.length);
    let at = ZERO.toString('hex');
    for (let i = 0; i < chain.events.length; i += 1) {
      const next = byPrev.get(at);
      expect(next, `event ${i + 1} of ${chain.events.length} follows ${at.slice(0, 12)}`).toBeDefined();
      at = next!.hash.toString('hex');
    }
    expect(chain.head?.head.toString('hex')).toBe(at);
    expect(Number(chain.head?.events)).toBe(chain.events.length);
  };

  it('two first events of one card at once: the second waits for the first head, then follows it', async () => {
    const card = await http.newCard();
    await sql`delete from card_events where card_id = ${card.cardId}`.execute(system.db);
    await sql`delete from card_event_chain where card_id = ${card.cardId}`.execute(system.db);

    await locks.holder.query('begin');
    let second: Promise<unknown> = Promise.resolve();
    try {
      await locks.holder.query(RECORD, [card.cardId, 'first']);
      second = record(card.cardId, 'second');
      await locks.until('the second event to wait on the first head', async () => (await locks.waiting()) > 0);
      await locks.holder.query('commit');
    } catch (error) {
      await locks.holder.query('rollback');
      throw error;
    }
    await second;

    const chain = await chainOf(card.cardId);
    expect(chain.events).toHaveLength(2);
    expect(chain.events[0]!.prev_hash.equals(ZERO)).toBe(true);
    expect(chain.events[1]!.prev_hash.equals(chain.events[0]!.hash)).toBe(true);
    walk(chain);
    expect((await verifyCardEventChain(system.db)).ok).toBe(true);
  });

  it('events through the trigger and PIN entries through the statement, all at once on one card, make one chain', async () => {
    const card = await http.newCard();
    const before = (await chainOf(card.cardId)).events.length;
    const answers = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => record(card.cardId, `writer-${i}`).then(() => 'recorded')),
      ...Array.from({ length: 12 }, (_, i) => http.verify(card, 'auth', i % 4 === 3 ? '0000' : PINS.auth).then((r) => r.status)),
    ]);
    expect(answers.filter((a) => a === 'recorded')).toHaveLength(12);
    expect(answers.filter((a) => a === 200 || a === 401)).toHaveLength(12);

    const chain = await chainOf(card.cardId);
    expect(chain.events).toHaveLength(before + 24);
    walk(chain);
    expect((await verifyCardEventChain(system.db)).ok).toBe(true);
  });

  it('down and up again: the head before the last event comes back from the events, and the chain goes on', async () => {
    const card = await http.newCard();
    await http.verify(card, 'auth', '0000');
    const last = (await chainOf(card.cardId)).events.at(-1)!;

    await m0024.down(system.db as unknown as Kysely<unknown>);
    try {
      const row = await sql<{ prev_head: Buffer }>`select prev_head from card_event_chain where card_id = ${card.cardId}`.execute(system.db);
      expect(row.rows[0]!.prev_head.equals(last.prev_hash)).toBe(true);
      await record(card.cardId, 'under 0023');
    } finally {
      await m0024.up(system.db as unknown as Kysely<unknown>);
    }
    const columns = await sql<{ column_name: string }>`
      select column_name from information_schema.columns where table_name = 'card_event_chain'`.execute(system.db);
    expect(columns.rows.map((c) => c.column_name).sort()).toEqual(['card_id', 'events', 'head']);

    await record(card.cardId, 'under 0024');
    expect((await http.verify(card, 'auth', PINS.auth)).status).toBe(200);
    walk(await chainOf(card.cardId));
    expect((await verifyCardEventChain(system.db)).ok).toBe(true);
  });
});
