import { describe, expect, it } from 'vitest';
import { pinBatchStats } from '../../src/adapters/db/card-attempt.sql.js';
import { createPinResetStore } from '../../src/adapters/db/procedure-store.js';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { lockWatchedSystem, type LockWatch, type WatchedSystem } from '../support/lock-watch.js';
import { POSTGRES_ENABLED } from '../support/test-db.js';

// A PIN entry that may change its slot takes the slot's row, then the card's chain head (card-attempt.sql.ts).
// Re-setting several slots of one card at the counter used to take the first slot, its event (and so the chain head),
// then the next slot: the other order. An entry on the second slot meanwhile held that slot and waited for the head,
// the re-set held the head and waited for the slot, and PostgreSQL broke the cycle by failing one of them (a resident
// or a clerk answered 503 for a deadlock of our own making). Each test queues both behind a held chain head in the
// order that closed the cycle.
describe.runIf(POSTGRES_ENABLED)('re-setting PINs while the holder enters one, on PostgreSQL', () => {
  let system: WatchedSystem;
  let http: ReturnType<typeof api>;
  let locks: LockWatch;

  lockWatchedSystem((s, h, l) => {
    system = s;
    http = h;
    locks = l;
  });

  /**
   * Holds the card's chain head while a re-set of auth and sign starts and queues for it, then sends `pin` on sign and
   * lets both go. Returns the re-set's and the entry's outcomes.
   */
  const resetWhileEntering = async (card: { cardId: string; cardKey: string }, pin: string) => {
    const pins = (['auth', 'sign'] as const).map((slot) => ({ slot, pinHash: system.deps.pinHasher.hash(card.cardId, slot, slot === 'auth' ? '2580' : 'NEWPIN2468') }));
    await locks.holder.query('begin');
    await locks.holder.query('select 1 from card_event_chain where card_id = $1 for update', [card.cardId]);
    let reset: Promise<unknown>;
    let entry: Promise<{ status: number; body: Record<string, any> }>;
    try {
      reset = system.db.transaction().execute((trx) =>
        createPinResetStore(trx).resetPins({
          cardId: card.cardId,
          pins,
          now: new Date(),
          procedureId: '00000000-0000-4000-8000-000000000001',
          context: { channel: 'counter', service: 'procedure:self', terminal: 'pin_pad', actor: 'test' },
        }),
      );
      await locks.until('the re-set to queue for the chain head', async () => (await locks.waiting()) === 1);
      entry = http.verify(card, 'sign', pin);
      await locks.until('the entry to queue', async () => (await locks.waiting()) === 2);
    } finally {
      await locks.holder.query('commit');
    }
    return Promise.allSettled([reset, entry]);
  };

  const sentAgainSoFar = () => pinBatchStats(system.db)?.sentAgain ?? 0;

  const expectResetThenIncorrect = async (card: { cardId: string; cardKey: string }, outcomes: Awaited<ReturnType<typeof resetWhileEntering>>) => {
    const [resetDone, answer] = outcomes;
    expect(resetDone.status, String((resetDone as PromiseRejectedResult).reason)).toBe('fulfilled');
    expect(answer.status).toBe('fulfilled');
    const { status, body } = (answer as PromiseFulfilledResult<{ status: number; body: Record<string, any> }>).value;
    // The re-set went first: the entry met the new PIN and spent a try of the new counter.
    expect(status, JSON.stringify(body)).toBe(401);
    expect(body.error.code).toBe('PIN_INCORRECT');
    const events = (await http.events(card)).body.events as Array<{ operation: string; slot: string; result: string; remainingAfter: number }>;
    const latest = events.slice(0, 3).map((e) => `${e.operation}/${e.slot}/${e.result}/${e.remainingAfter}`);
    expect(latest).toEqual(['verify/sign/incorrect/4', 'counter_reset/sign/done/5', 'counter_reset/auth/done/3']);
    expect((await http.status(card)).body.pins.sign.remaining).toBe(4);
  };

  it('re-sets auth and sign while the holder enters a wrong sign PIN: both done, no deadlock', async () => {
    // A wrong entry takes its slot's row before the chain head: the order the re-set used to break.
    const card = await http.newCard();
    const before = await locks.deadlocks();
    const sentAgain = sentAgainSoFar();
    await expectResetThenIncorrect(card, await resetWhileEntering(card, '000000'));
    expect(await locks.deadlocks()).toBe(before);
    expect(sentAgainSoFar()).toBe(sentAgain);
  });

  it('re-sets sign while the holder enters the old sign PIN: the entry is judged against the new PIN', async () => {
    // A right entry on a full slot reads it without its row lock (card-attempt.sql.ts); the re-set changed it meanwhile
    // and the entry sees that at the chain head, so it goes again under the slot's lock instead of answering success
    // for a PIN that no longer is the card's.
    const card = await http.newCard();
    const sentAgain = sentAgainSoFar();
    await expectResetThenIncorrect(card, await resetWhileEntering(card, PINS.sign));
    expect(sentAgainSoFar()).toBe(sentAgain + 1);
  });
});
