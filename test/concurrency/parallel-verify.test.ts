import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { postJson, startServerChild, stopServerChild, type ServerChild } from '../support/server-child.js';
import { createTestSystem, POSTGRES_ENABLED, type TestSystem } from '../support/test-db.js';
import { PIN_LOCK_WAIT_LIMIT, pinBatchStats } from '../../src/adapters/db/card-attempt.sql.js';

type Answer = { status: number; body: { remaining?: number; error?: { code: string; details?: { lockedNow?: boolean } } & Record<string, unknown> } };

// DOMAIN.md §1 and DESIGN.md: concurrency is tested with real parallel requests against PostgreSQL, over real
// sockets — here three server processes on one database, as behind a load balancer.
describe.runIf(POSTGRES_ENABLED)('parallel PIN entries over three server processes on one PostgreSQL database', () => {
  let system: TestSystem & { databaseUrl: string | null };
  const servers: ServerChild[] = [];

  beforeAll(async () => {
    system = await createTestSystem('postgres');
    // One after another: the first loads the CA the test system created; none has to migrate.
    for (let i = 0; i < 3; i += 1) {
      servers.push(await startServerChild({ databaseUrl: system.databaseUrl!, pepper: system.pepper, masterKey: system.masterKey, poolSize: 10 }));
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => stopServerChild(s)));
    await system?.dispose();
  });

  const verify = (server: ServerChild, card: { cardId: string; cardKey: string }, pin: string): Promise<Answer> =>
    postJson(`${server.base}/api/v1/cards/${card.cardId}/pins/auth/verify`, { 'x-card-key': card.cardKey }, { pin, confirmLastTry: true });

  const events = (cardId: string) =>
    sql<{ id: number; result: string; code: string | null; remaining_after: number | null }>`
      select id, result, code, remaining_after from card_events where card_id = ${cardId} and operation = 'verify' order by id
    `.execute(system.db).then((r) => r.rows);

  /**
   * Holds the cards' auth slot rows and their chain heads in an open transaction (as a long counter step re-setting
   * the PIN would) until the returned call. A right entry on a full slot does not take the slot's row, but every
   * entry records its event at the chain head, so every entry on these cards waits.
   */
  const holdAuthSlots = async (cardIds: string[]): Promise<() => Promise<void>> => {
    let release!: () => void;
    const releasing = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = system.db.transaction().execute(async (trx) => {
      await sql`select 1 from pin_slots where card_id in (${sql.join(cardIds)}) and slot = 'auth' for update`.execute(trx);
      await sql`select 1 from card_event_chain where card_id in (${sql.join(cardIds)}) order by card_id for update`.execute(trx);
      locked();
      await releasing;
    });
    await Promise.race([lockTaken, holder]);
    return async () => {
      release();
      await holder;
    };
  };

  const deadlocks = async () =>
    Number((await sql<{ n: string }>`select deadlocks::text as n from pg_stat_database where datname = current_database()`.execute(system.db)).rows[0]!.n);
  /** PostgreSQL counted one more deadlock (its statistics reach the view within about a second). */
  const expectDeadlockCounted = async (before: number) => {
    const counted = Date.now() + 10_000;
    while ((await deadlocks()) === before && Date.now() < counted) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await deadlocks()).toBe(before + 1);
  };

  /**
   * A transaction elsewhere that takes a card's chain head, and on `closeCycle` (once a PIN statement waits for that
   * head) asks for the card's auth slot, which the PIN statement holds: a deadlock that only the PIN statement's
   * backend checks for (the other side's deadlock_timeout is long), so PostgreSQL rolls the PIN statement back. The
   * other side then gets the slot and commits.
   */
  const foreignCycle = async (cardId: string) => {
    let askSlot!: () => void;
    let commit!: () => void;
    let slotGranted!: () => void;
    const slotAsked = new Promise<'slot'>((resolve) => (askSlot = () => resolve('slot')));
    const committing = new Promise<'commit'>((resolve) => (commit = () => resolve('commit')));
    const granted = new Promise<void>((resolve) => (slotGranted = resolve));
    let pid = 0;
    const other = system.db.transaction().execute(async (trx) => {
      await sql`set local deadlock_timeout = '60s'`.execute(trx);
      pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
      await sql`select 1 from card_event_chain where card_id = ${cardId} for update`.execute(trx);
      if ((await Promise.race([slotAsked, committing])) === 'commit') return;
      await sql`select 1 from pin_slots where card_id = ${cardId} and slot = 'auth' for update`.execute(trx);
      slotGranted();
      await committing;
    });
    while (pid === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    return {
      async closeCycle() {
        // Wait until the PIN statement waits for the chain head the other transaction holds, then close the cycle.
        const blockedBy = () =>
          sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where ${pid} = any(pg_blocking_pids(pid))`.execute(system.db).then((r) => r.rows[0]!.n);
        const waitUntil = Date.now() + 10_000;
        while ((await blockedBy()) === 0 && Date.now() < waitUntil) await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await blockedBy()).toBe(1);
        askSlot();
        // The other side gets the slot once PostgreSQL has rolled the PIN statement back (after its deadlock_timeout).
        await granted;
        commit();
        await other;
      },
      async end() {
        commit();
        await other.catch(() => undefined);
      },
    };
  };

  const codeOf = (a: Answer) => a.body.error?.code ?? String(a.status);
  const lockedNow = (a: Answer) => (a.body.error as { lockedNow?: boolean } | undefined)?.lockedNow === true;

  it('compares exactly 3 of 300 parallel wrong PINs, records exactly 3 failures, and answers PIN_LOCKED to the rest', async () => {
    const card = await api(system).newCard();
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => verify(servers[i % 3]!, card, '9999')));

    const rows = await events(card.cardId);
    const compared = rows.filter((r) => r.result === 'incorrect' || r.result === 'success');
    expect(compared.map((r) => r.result)).toEqual(['incorrect', 'incorrect', 'incorrect']);
    expect(compared.map((r) => r.remaining_after)).toEqual([2, 1, 0]);
    // On an overloaded machine a request may wait longer for a pool connection than the server allows; it is then
    // answered as our fault (503) before any statement runs. Such an answer must say so, and leave no event.
    const ourFault = answers.filter((a) => a.status === 503);
    const tally = JSON.stringify(Object.fromEntries([...new Set(answers.map(codeOf))].map((c) => [c, answers.filter((a) => codeOf(a) === c).length])));
    expect(ourFault.every((a) => ['SERVICE_UNAVAILABLE', 'SERVICE_BUSY'].includes(codeOf(a))), tally).toBe(true);
    expect(ourFault.length, tally).toBeLessThan(150);
    // every other entry has its event: the rest are refusals, all as locked, none spent anything
    expect(rows, tally).toHaveLength(300 - ourFault.length);
    expect(rows.filter((r) => r.result === 'refused').every((r) => r.code === 'PIN_LOCKED' && r.remaining_after === 0)).toBe(true);

    expect(answers.filter((a) => codeOf(a) === 'PIN_INCORRECT')).toHaveLength(2);
    expect(answers.filter((a) => codeOf(a) === 'PIN_LOCKED')).toHaveLength(298 - ourFault.length);
    // the entry that spent the last try says so (lockedNow); the refused ones say locked and nothing more
    expect(answers.filter(lockedNow)).toHaveLength(1);
    expect(answers.every((a) => [401, 423, 503].includes(a.status)), tally).toBe(true);

    const status = await api(system).status(card);
    expect(status.body.pins.auth).toMatchObject({ remaining: 0, locked: true });
    // a locked slot answers the same whatever the PIN: right, wrong or malformed
    for (const pin of [PINS.auth, '9999', '12']) {
      const a = await verify(servers[0]!, card, pin);
      expect([a.status, codeOf(a), lockedNow(a)]).toEqual([423, 'PIN_LOCKED', false]);
    }
  });

  it('answers every right PIN racing on a healthy card with success; no SERVICE_BUSY, no lock', async () => {
    const card = await api(system).newCard();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => verify(servers[i % 3]!, card, PINS.auth)));
    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
    expect(answers.every((a) => a.body.remaining === 3)).toBe(true);
    expect((await events(card.cardId)).filter((r) => r.result === 'success')).toHaveLength(60);
  });

  it('never compares more than 3 wrong PINs between two successes when right and wrong race', async () => {
    for (let round = 0; round < 5; round += 1) {
      const card = await api(system).newCard();
      const entries = Array.from({ length: 90 }, (_, i) => (i % 15 === round ? PINS.auth : '9999'));
      const answers = await Promise.all(entries.map((pin, i) => verify(servers[i % 3]!, card, pin)));
      const rows = await events(card.cardId);
      // only answers about the PIN, or our own fault (503, before any statement ran, so without an event)
      expect(answers.filter((a) => ![200, 401, 423].includes(a.status) && !(a.status === 503 && codeOf(a).startsWith('SERVICE_'))).map((a) => `${a.status} ${codeOf(a)}`)).toEqual([]);
      // Compared entries serialise on the slot's row lock, so their ids are their order: replay them.
      let remaining = 3;
      for (const row of rows.filter((r) => r.result !== 'refused')) {
        expect(remaining).toBeGreaterThan(0);
        remaining = row.result === 'success' ? 3 : remaining - 1;
        expect(row.remaining_after).toBe(remaining);
      }
      expect((await api(system).status(card)).body.pins.auth.remaining).toBe(remaining);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(rows.filter((r) => r.result === 'success').length);
      expect(answers.filter((a) => codeOf(a) === 'PIN_INCORRECT' || lockedNow(a))).toHaveLength(rows.filter((r) => r.result === 'incorrect').length);
    }
  });

  it("keeps the card's event chain whole when entries on two slots of one card commit at once", async () => {
    // Two slots do not share a row lock, so their events take ids before they take the card's head row: the chain,
    // not the id, orders them (src/adapters/db/card-event-chain.ts), and the check must find nothing wrong.
    const card = await api(system).newCard();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        postJson(
          `${servers[i % 3]!.base}/api/v1/cards/${card.cardId}/pins/${i % 2 === 0 ? 'auth' : 'sign'}/verify`,
          { 'x-card-key': card.cardKey },
          { pin: i % 2 === 0 ? PINS.auth : PINS.sign, confirmLastTry: true },
        ) as Promise<Answer>,
      ),
    );
    const served = answers.filter((a) => a.status === 200).length;
    expect(answers.every((a) => a.status === 200 || a.status === 503), JSON.stringify(answers.map(codeOf))).toBe(true);
    const [head] = (await sql<{ events: string }>`select events from card_event_chain where card_id = ${card.cardId}`.execute(system.db)).rows;
    const [count] = (await sql<{ n: string }>`select count(*) as n from card_events where card_id = ${card.cardId}`.execute(system.db)).rows;
    expect(Number(head!.events)).toBe(Number(count!.n));
    expect(Number(count!.n)).toBeGreaterThanOrEqual(served);
    const report = await api(system).call('GET', '/api/v1/audit/card-events/verify', { headers: api(system).admin });
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, broken: [] });
  });

  it('answers each of many cards entered at once with its own result, entries sharing statements (batches)', async () => {
    // 40 cards, each a right auth entry and a wrong sign entry, all at once: in this process (whose batch counters the
    // test reads) and over the three servers. Statements carry several cards' entries; each answer must be its own
    // card's, each card's counters and events must agree, and every card's chain must stay whole.
    const cards = await Promise.all(Array.from({ length: 40 }, () => api(system).newCard()));
    const before = pinBatchStats(system.db) ?? { statements: 0, entries: 0, largest: 0 };
    const entry = (card: { cardId: string; cardKey: string }, i: number, slot: 'auth' | 'sign') =>
      i % 2 === 0
        ? api(system).verify(card, slot, slot === 'auth' ? PINS.auth : '000000', {}, { confirmLastTry: true })
        : (postJson(`${servers[i % 3]!.base}/api/v1/cards/${card.cardId}/pins/${slot}/verify`, { 'x-card-key': card.cardKey }, {
            pin: slot === 'auth' ? PINS.auth : '000000',
            confirmLastTry: true,
          }) as Promise<Answer>);
    const answers = await Promise.all(cards.flatMap((card, i) => [entry(card, i, 'auth'), entry(card, i, 'sign')]));
    const after = pinBatchStats(system.db)!;
    expect(after.entries - before.entries).toBeGreaterThanOrEqual(40);
    // fewer statements than entries: entries shared statements
    expect(after.statements - before.statements).toBeLessThan(after.entries - before.entries);
    expect(after.largest).toBeGreaterThan(1);
    cards.forEach((card, i) => {
      const [auth, sign] = [answers[2 * i]!, answers[2 * i + 1]!];
      if (auth.status !== 503) expect([auth.status, auth.body.remaining], card.cardId).toEqual([200, 3]);
      if (sign.status !== 503) expect([sign.status, codeOf(sign as Answer), (sign.body as { error?: { remaining?: number } }).error?.remaining], card.cardId).toEqual([401, 'PIN_INCORRECT', 4]);
    });
    for (const [i, card] of cards.entries()) {
      const rows = (
        await sql<{ slot: string; result: string; remaining_after: number }>`
          select slot, result, remaining_after from card_events where card_id = ${card.cardId} and operation = 'verify' order by slot
        `.execute(system.db)
      ).rows;
      const expected = [
        ...(answers[2 * i]!.status === 503 ? [] : [{ slot: 'auth', result: 'success', remaining_after: 3 }]),
        ...(answers[2 * i + 1]!.status === 503 ? [] : [{ slot: 'sign', result: 'incorrect', remaining_after: 4 }]),
      ];
      expect(rows, card.cardId).toEqual(expected);
      const status = await api(system).status(card);
      expect([status.body.pins.auth.remaining, status.body.pins.sign.remaining]).toEqual([3, answers[2 * i + 1]!.status === 503 ? 5 : 4]);
    }
    const report = await api(system).call('GET', '/api/v1/audit/card-events/verify', { headers: api(system).admin });
    expect(report.body).toMatchObject({ ok: true, broken: [] });
  });

  it('answers other cards while PIN statements wait on slots someone holds locked for long', async () => {
    // Two cards' auth slots are held by an open transaction (as a long counter step would): the entries for them wait,
    // and so fill this process's PIN statements; after a second those stop counting and the other cards go on.
    const held = await Promise.all([api(system).newCard(), api(system).newCard()]);
    const others = await Promise.all(Array.from({ length: 8 }, () => api(system).newCard()));
    const release = await holdAuthSlots(held.map((card) => card.cardId));
    const waiting = held.map((card) => api(system).verify(card, 'auth', PINS.auth));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answered = await Promise.race([
      Promise.all(others.map((card) => api(system).verify(card, 'auth', PINS.auth))),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ]);
    await release();
    expect(answered).not.toBe('timeout');
    expect((answered as Array<{ status: number }>).map((a) => a.status)).toEqual(Array(8).fill(200));
    expect((await Promise.all(waiting)).map((a) => a.status)).toEqual([200, 200]);
  });

  it(`gives up on a slot held past the lock wait limit (${PIN_LOCK_WAIT_LIMIT}): SERVICE_BUSY, nothing spent or recorded; the entries that shared its statement are answered`, async () => {
    const held = await api(system).newCard();
    const others = await Promise.all(Array.from({ length: 6 }, () => api(system).newCard()));
    const release = await holdAuthSlots([held.cardId]);
    try {
      const before = pinBatchStats(system.db) ?? { statements: 0, entries: 0, largest: 0 };
      const started = Date.now();
      // Two entries take the statements this process sends at once; the held card's entry and four more wait and go
      // together in the next statement, which meets the held row.
      const first = others.slice(0, 2).map((card) => api(system).verify(card, 'auth', PINS.auth));
      const heldAnswer = api(system).verify(held, 'auth', '9999', {}, { confirmLastTry: true }).then((a) => ({ ...a, ms: Date.now() - started }));
      const rest = others.slice(2).map((card) => api(system).verify(card, 'auth', PINS.auth));
      const answers = await Promise.all([...first, ...rest]);
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
      const answer = await heldAnswer;
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('SERVICE_BUSY');
      expect(answer.ms).toBeGreaterThanOrEqual(4_000);
      const after = pinBatchStats(system.db)!;
      expect(after.largest).toBeGreaterThanOrEqual(2);
      expect(after.entries - before.entries).toBeGreaterThan(after.statements - before.statements);
    } finally {
      await release();
    }
    // Nothing of the held card's entry: no try spent, no event; the card answers normally once the row is free.
    expect(await events(held.cardId)).toEqual([]);
    expect((await api(system).status(held)).body.pins.auth.remaining).toBe(3);
    expect((await api(system).verify(held, 'auth', PINS.auth)).status).toBe(200);
    const report = await api(system).call('GET', '/api/v1/audit/card-events/verify', { headers: api(system).admin });
    expect(report.body).toMatchObject({ ok: true, broken: [] });
  }, 60_000);

  it('sends a statement PostgreSQL broke in a real deadlock again, each entry alone: every card answered once, nothing lost or doubled', async () => {
    // A transaction elsewhere holds card Y's chain head and then asks for Y's auth slot, which the PIN statement
    // carrying Y (and four other cards) holds while it waits for that chain head: a deadlock (Y's slot has spent a try
    // first, so its right entry changes the slot and takes its row; on a full slot it would not). Only the PIN statement's
    // backend checks for it (the other side's deadlock_timeout is long), so PostgreSQL rolls the statement back; its
    // five entries go again, each alone, and all five are answered 200 with one event each.
    const [y, ...xs] = await Promise.all(Array.from({ length: 5 }, () => api(system).newCard()));
    const decoys = await Promise.all([api(system).newCard(), api(system).newCard()]);
    expect((await api(system).verify(y!, 'auth', '9999')).status).toBe(401);
    const deadlocksBefore = await deadlocks();
    // The two decoys' entries take this process's two statement turns and wait on their held slots; after a second
    // they stop counting, and the waiting entries (Y's and the four others) go together in one statement.
    const releaseDecoys = await holdAuthSlots(decoys.map((card) => card.cardId));
    const other = await foreignCycle(y!.cardId);
    try {
      const before = pinBatchStats(system.db) ?? { statements: 0, entries: 0, largest: 0 };
      const decoyAnswers = decoys.map((card) => api(system).verify(card, 'auth', PINS.auth));
      // Both decoys' statements are on their way before the five arrive (a fixed 100 ms was not always enough on a
      // busy machine: Y then took a free turn alone, and this test is about a batch broken by a deadlock).
      const sendUntil = Date.now() + 5_000;
      while (pinBatchStats(system.db)!.statements < before.statements + 2 && Date.now() < sendUntil) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(pinBatchStats(system.db)!.statements - before.statements).toBe(2);
      const answers = [y!, ...xs].map((card) => api(system).verify(card, 'auth', PINS.auth));
      await other.closeCycle();
      await releaseDecoys();
      const all = await Promise.all([...answers, ...decoyAnswers]);
      expect(all.map((a) => a.status)).toEqual(Array(7).fill(200));
      const after = pinBatchStats(system.db)!;
      // 2 decoys alone, 5 together, then the same 5 again each alone.
      expect(after.entries - before.entries).toBe(12);
      expect(after.largest).toBeGreaterThanOrEqual(5);
    } finally {
      await other.end();
      await releaseDecoys();
    }
    await expectDeadlockCounted(deadlocksBefore);
    // Each card: one success, its counter full; the chains are whole.
    expect((await events(y!.cardId)).map((e) => [e.result, e.remaining_after])).toEqual([
      ['incorrect', 2],
      ['success', 3],
    ]);
    for (const card of [...xs, ...decoys]) {
      expect((await events(card.cardId)).map((e) => [e.result, e.remaining_after]), card.cardId).toEqual([['success', 3]]);
    }
    const report = await api(system).call('GET', '/api/v1/audit/card-events/verify', { headers: api(system).admin });
    expect(report.body).toMatchObject({ ok: true, broken: [] });
  }, 60_000);
  it('sends a lone entry PostgreSQL picked as a deadlock victim again: answered 200 with one event, not SERVICE_BUSY', async () => {
    // The same cycle with the entry alone in its statement (nothing else in flight): it used to go to its caller as
    // 503 SERVICE_BUSY. The other side goes on once the statement is rolled back, so the next try passes.
    const y = await api(system).newCard();
    expect((await api(system).verify(y, 'auth', '9999')).status).toBe(401);
    const deadlocksBefore = await deadlocks();
    const other = await foreignCycle(y.cardId);
    try {
      const before = pinBatchStats(system.db) ?? { statements: 0, entries: 0, largest: 0 };
      const answer = api(system).verify(y, 'auth', PINS.auth);
      await other.closeCycle();
      const answered = await answer;
      expect(answered.status).toBe(200);
      expect(answered.body.remaining).toBe(3);
      // Sent twice, alone each time: rolled back once, then through.
      const after = pinBatchStats(system.db)!;
      expect([after.statements - before.statements, after.entries - before.entries]).toEqual([2, 2]);
    } finally {
      await other.end();
    }
    await expectDeadlockCounted(deadlocksBefore);
    expect((await events(y.cardId)).map((e) => [e.result, e.remaining_after])).toEqual([
      ['incorrect', 2],
      ['success', 3],
    ]);
    const report = await api(system).call('GET', '/api/v1/audit/card-events/verify', { headers: api(system).admin });
    expect(report.body).toMatchObject({ ok: true, broken: [] });
  }, 60_000);
});
