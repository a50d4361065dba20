import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { startServerChild, stopServerChild, type ServerChild } from '../support/server-child.js';
import { createTestSystem, POSTGRES_ENABLED, type TestSystem } from '../support/test-db.js';

type Card = { cardId: string; cardKey: string };
type Kind = 'right' | 'wrong' | 'malformed';
/** What the load generator was told, reduced to what an event must show: result and remaining tries after it. */
type Received = { cardId: string; kind: Kind; result: 'success' | 'incorrect' | 'refused'; code: string | null; remaining: number | null };

const APP = 'kagiya-crash-server';
const MAX = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// DOMAIN.md §1 "no answer without a durable spend", tested the hard way: a load runs while the server is killed
// with SIGKILL (and restarted) several times and its PostgreSQL backends are terminated under it. Afterwards every
// card's counter must equal what its events say, every answer the load generator received must have its event,
// and no try may ever have been given back.
describe.runIf(POSTGRES_ENABLED)('kill -9 and terminated backends during load, on PostgreSQL', () => {
  let system: TestSystem & { databaseUrl: string | null };
  let server: ServerChild | null = null;

  beforeAll(async () => {
    system = await createTestSystem('postgres');
  });
  afterAll(async () => {
    if (server) await stopServerChild(server, 'SIGKILL');
    await system?.dispose();
  });

  const serverUrl = () => {
    const url = new URL(system.databaseUrl!);
    url.searchParams.set('application_name', APP);
    return url.toString();
  };
  const start = () => startServerChild({ databaseUrl: serverUrl(), pepper: system.pepper, masterKey: system.masterKey, poolSize: 8 });

  async function terminateServerBackends(): Promise<number> {
    const admin = new pg.Client({ connectionString: system.databaseUrl! });
    await admin.connect();
    try {
      const r = await admin.query('select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = $1', [APP]);
      return r.rows[0].n as number;
    } finally {
      await admin.end();
    }
  }

  it('keeps every counter equal to its events, with an event for every answer, through 4 kills and 4 backend purges', async () => {
    const cards: Card[] = [];
    for (let i = 0; i < 16; i += 1) cards.push(await api(system).newCard());
    server = await start();

    const received: Received[] = [];
    let stop = false;
    let unanswered = 0;
    let ourFaults = 0;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i += 1) {
        const card = cards[(w * 7 + i * 3) % cards.length]!;
        const roll = Math.random();
        const kind: Kind = roll < 0.6 ? 'right' : roll < 0.93 ? 'wrong' : 'malformed';
        const pin = kind === 'right' ? PINS.auth : kind === 'wrong' ? '9999' : '12x';
        const base = server?.base;
        if (!base) {
          await sleep(20);
          continue;
        }
        try {
          const res = await fetch(`${base}/api/v1/cards/${card.cardId}/pins/auth/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-card-key': card.cardKey },
            body: JSON.stringify({ pin, confirmLastTry: true }),
            signal: AbortSignal.timeout(5000),
          });
          const body = (await res.json()) as { remaining?: number; error?: { code: string; details?: Record<string, unknown> } };
          const code = body.error?.code ?? null;
          const details = (body.error?.details ?? body.error ?? {}) as { remaining?: number; lockedNow?: boolean };
          if (res.status === 200) received.push({ cardId: card.cardId, kind, result: 'success', code: null, remaining: body.remaining ?? null });
          else if (code === 'PIN_INCORRECT' || details.lockedNow === true) received.push({ cardId: card.cardId, kind, result: 'incorrect', code: null, remaining: details.remaining ?? null });
          else if (code === 'PIN_LOCKED' || code === 'PIN_FORMAT') received.push({ cardId: card.cardId, kind, result: 'refused', code, remaining: null });
          else if (res.status >= 500) ourFaults += 1; // our fault while the database was cut off: no claim either way
          else throw new Error(`unexpected answer ${res.status} ${JSON.stringify(body)}`);
        } catch (error) {
          if ((error as Error).message.startsWith('unexpected answer')) throw error;
          unanswered += 1; // the server died under this request: no answer, so nothing may be claimed
          await sleep(10);
        }
      }
    };
    const workers = Array.from({ length: 12 }, (_, w) => worker(w));
    // Locked cards are re-set now and then (the only unlock), through the test's own connection, so the load keeps
    // comparing rather than only refusing.
    let resets = 0;
    const resetter = (async () => {
      while (!stop) {
        await sleep(150);
        const { rows } = await sql<{ card_id: string }>`select card_id from pin_slots where slot = 'auth' and remaining = 0`.execute(system.db);
        for (const { card_id } of rows) {
          const now = new Date();
          await system.deps.cards.setPin({
            cardId: card_id,
            slot: 'auth',
            pinHash: system.deps.pinHasher.hash(card_id, 'auth', PINS.auth),
            now,
            event: { cardId: card_id, occurredAt: now, operation: 'pin_set', slot: 'auth', result: 'done', code: null, context: { channel: 'counter', service: null, terminal: null, actor: 'crash-test' } },
          });
          resets += 1;
        }
      }
    })();

    let purged = 0;
    for (let round = 0; round < 4; round += 1) {
      await sleep(400 + Math.random() * 400);
      purged += await terminateServerBackends();
      await sleep(300 + Math.random() * 300);
      const victim = server!;
      server = null;
      victim.child.kill('SIGKILL');
      await victim.exited;
      server = await start();
    }
    // Keep the load on after the last restart until enough answers are in (a busy machine runs it slowly).
    const deadline = Date.now() + 60_000;
    while (received.length < 200 && Date.now() < deadline) await sleep(200);
    stop = true;
    await Promise.all([...workers, resetter]);
    await stopServerChild(server!);
    server = null;

    // The load really ran through the faults.
    expect(received.length).toBeGreaterThan(200);
    expect(purged).toBeGreaterThan(0);

    for (const card of cards) {
      const { rows: events } = await sql<{ id: number; result: string; code: string | null; remaining_after: number | null }>`
        select id, result, code, remaining_after from card_events where card_id = ${card.cardId} and operation in ('verify', 'pin_set') order by id
      `.execute(system.db);
      // Replay the compared entries and re-sets (they serialise on the slot row, so id order is their order): each found a
      // try to spend or restore, a success restores to the maximum, a failure takes exactly one. A try given back
      // without a success would break the chain.
      let remaining = MAX;
      for (const e of events) {
        if (e.result === 'done') {
          remaining = MAX;
          continue;
        }
        if (e.result === 'refused') {
          expect(['PIN_LOCKED', 'PIN_FORMAT']).toContain(e.code);
          continue;
        }
        expect(remaining).toBeGreaterThan(0);
        remaining = e.result === 'success' ? MAX : remaining - 1;
        expect(e.remaining_after).toBe(remaining);
      }
      const { rows: slot } = await sql<{ remaining: number }>`select remaining from pin_slots where card_id = ${card.cardId} and slot = 'auth'`.execute(system.db);
      expect(slot[0]!.remaining).toBe(remaining);

      // Every answer received has its own event (a multiset inclusion on result, code and remaining tries).
      const pool = new Map<string, number>();
      const key = (result: string, code: string | null, remaining: number | null) => `${result}/${code}/${remaining}`;
      for (const e of events) {
        if (e.result === 'done') continue;
        const k = key(e.result, e.result === 'refused' ? e.code : null, e.result === 'refused' ? null : e.remaining_after);
        pool.set(k, (pool.get(k) ?? 0) + 1);
      }
      for (const a of received.filter((r) => r.cardId === card.cardId)) {
        const k = key(a.result, a.code, a.remaining);
        expect(pool.get(k) ?? 0, `answer ${k} on ${card.cardId} has no event left`).toBeGreaterThan(0);
        pool.set(k, pool.get(k)! - 1);
        if (a.result === 'success') expect(a.kind).toBe('right');
        if (a.result === 'incorrect') expect(a.kind).toBe('wrong');
      }
    }
    console.info(`crash test: ${received.length} answers, ${unanswered} cut off by kills, ${ourFaults} answered as our fault, ${purged} backends terminated, ${resets} locked slots re-set`);
  }, 240_000);
});
