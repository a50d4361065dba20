import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinHasher } from '../../src/app/ports.js';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, POSTGRES_ENABLED, type TestSystem } from '../support/test-db.js';

// DESIGN.md: concurrency is tested with real parallel requests against PostgreSQL, over a real socket.
describe.runIf(POSTGRES_ENABLED)('parallel PIN entries on PostgreSQL', () => {
  let system: TestSystem;
  let server: ServerType;
  let base: string;
  let compares = 0;

  const counting = (inner: PinHasher): PinHasher => ({
    hash: inner.hash,
    matches(...args) {
      compares += 1;
      return inner.matches(...args);
    },
  });

  beforeAll(async () => {
    system = await createTestSystem('postgres', { wrapPinHasher: counting, poolSize: 40 });
    await new Promise<void>((resolve) => {
      server = serve({ fetch: system.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
        base = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await system?.dispose();
  });

  const verify = (card: { cardId: string; cardKey: string }, pin: string) =>
    fetch(`${base}/api/v1/cards/${card.cardId}/pins/auth/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-card-key': card.cardKey },
      body: JSON.stringify({ pin }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error?: { code: string } } }));

  const attemptRows = (cardId: string) =>
    sql<{ attempt_seq: number; result: string }>`
      select attempt_seq, result from card_events where card_id = ${cardId} and attempt_seq is not null order by attempt_seq
    `.execute(system.db).then((r) => r.rows);

  it('compares exactly 3 of 200 parallel wrong PINs, records exactly 3 failures, then stays locked', async () => {
    const card = await api(system).newCard();
    compares = 0;
    const answers = await Promise.all(Array.from({ length: 200 }, () => verify(card, '9999')));

    expect(compares).toBe(3);
    const rows = await attemptRows(card.cardId);
    expect(rows.map((r) => r.result)).toEqual(['incorrect', 'incorrect', 'incorrect']);
    expect(answers.filter((a) => a.body.error?.code === 'PIN_INCORRECT')).toHaveLength(2);
    // The entry that spent the last try says locked; the others say locked, or busy while the last tries were
    // still being compared (not yet a lock: a match could have restored them).
    expect(answers.filter((a) => (a.body.error as { lockedNow?: boolean } | undefined)?.lockedNow)).toHaveLength(1);
    const codes = new Set(answers.map((a) => a.body.error?.code));
    expect([...codes].every((c) => c === 'PIN_INCORRECT' || c === 'PIN_LOCKED' || c === 'SERVICE_BUSY')).toBe(true);
    const status = await api(system).status(card);
    expect(status.body.pins.auth).toMatchObject({ remaining: 0, locked: true });
    // and the right PIN changes nothing now
    expect((await verify(card, PINS.auth)).body.error?.code).toBe('PIN_LOCKED');
  });

  it('never answers "locked" to right PINs racing on a healthy card', async () => {
    const card = await api(system).newCard();
    const answers = await Promise.all(Array.from({ length: 30 }, () => verify(card, PINS.auth)));
    expect(answers.some((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.body.error?.code === 'SERVICE_BUSY')).toBe(true);
    expect((await api(system).status(card)).body.pins.auth.remaining).toBe(3);
  });

  it('never allows more than max wrong comparisons between two successes when right and wrong race', async () => {
    // Widen the window between the decrement and the finish, where a naive "restore to max" forgives
    // wrong entries already in flight.
    const cards = system.deps.cards as { finishSuccess: typeof system.deps.cards.finishSuccess };
    const finish = cards.finishSuccess.bind(cards);
    cards.finishSuccess = async (input) => {
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 25));
      return finish(input);
    };
    // Mostly wrong entries with a few right ones among them: the bursts that could overrun a slot.
    const entries = fc
      .tuple(fc.array(fc.constant(false), { minLength: 15, maxLength: 60 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }))
      .map(([wrongs, rights]) => {
        const all: boolean[] = [...wrongs];
        for (const r of rights) all.splice(r % (all.length + 1), 0, true);
        return all;
      });
    await fc.assert(
      fc.asyncProperty(entries, async (rightOrWrong) => {
        const card = await api(system).newCard();
        compares = 0;
        // A steady stream rather than one burst, so entries keep arriving while successes are in flight.
        await Promise.all(
          rightOrWrong.map(async (right, i) => {
            await new Promise((resolve) => setTimeout(resolve, i * 2 + Math.random() * 10));
            return verify(card, right ? PINS.auth : '9999');
          }),
        );
        const rows = await attemptRows(card.cardId);
        // every spent try was compared and finished; none left pending
        expect(rows.length).toBe(compares);
        expect(rows.some((r) => r.result === 'pending')).toBe(false);
        let wrongSinceSuccess = 0;
        for (const row of rows) {
          if (row.result === 'success') wrongSinceSuccess = 0;
          else wrongSinceSuccess += 1;
          expect(wrongSinceSuccess).toBeLessThanOrEqual(3);
        }
        const status = await api(system).status(card);
        expect(status.body.pins.auth.remaining).toBeGreaterThanOrEqual(0);
        expect(status.body.pins.auth.remaining).toBeLessThanOrEqual(3);
      }),
      { numRuns: 25 },
    );
    cards.finishSuccess = finish;
  });
});
