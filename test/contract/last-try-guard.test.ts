import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

type Card = { cardId: string; cardKey: string };
const NOW = new Date('2027-01-15T01:00:00Z');

// The last-try guard (issue #11 item 3): at one try left, an entry without `confirmLastTry: true` is refused with
// LAST_TRY_CONFIRMATION_REQUIRED (428) and spends nothing, whatever was typed — so the refusal says nothing about the
// PIN. Every operation that takes a PIN is guarded the same way; the card on a reader is not (a card cannot ask).
describe.each(STORES)('last-try guard on %s', (store) => {
  let system: TestSystem;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => NOW });
    http = api(system);
  });
  afterAll(async () => system?.dispose());

  const remaining = async (card: Card, slot: string) =>
    (await sql<{ remaining: number }>`select remaining from pin_slots where card_id = ${card.cardId} and slot = ${slot}`.execute(system.db)).rows[0]!.remaining;
  const lastEvent = async (card: Card) =>
    (
      await sql<{ operation: string; slot: string; result: string; code: string | null; remaining_after: number | null }>`
        select operation, slot, result, code, remaining_after from card_events where card_id = ${card.cardId} order by id desc limit 1`.execute(system.db)
    ).rows[0];
  const eventCount = async (card: Card) =>
    Number((await sql<{ n: string }>`select count(*) as n from card_events where card_id = ${card.cardId}`.execute(system.db)).rows[0]!.n);
  const setRemaining = (card: Card, slot: string, n: number) =>
    sql`update pin_slots set remaining = ${n} where card_id = ${card.cardId} and slot = ${slot}`.execute(system.db);
  const unconfirmed = (card: Card, slot: string, pin: string) => http.verify(card, slot, pin, {}, { confirmLastTry: false });

  it('refuses an unconfirmed entry at one try left with its own code, spending nothing, the same for a right or a wrong PIN', async () => {
    const card = await http.newCard();
    await setRemaining(card, 'auth', 1);
    for (const pin of [PINS.auth, '9999']) {
      const before = await eventCount(card);
      const r = await unconfirmed(card, 'auth', pin);
      expect(r.status).toBe(428);
      expect(r.body.error).toMatchObject({ code: 'LAST_TRY_CONFIRMATION_REQUIRED', slot: 'auth', remaining: 1, triesSpent: 0 });
      expect(r.body.error.messages.ja).toContain('残りの入力回数は減っていません');
      expect(await remaining(card, 'auth')).toBe(1);
      expect(await eventCount(card)).toBe(before + 1);
      expect(await lastEvent(card)).toMatchObject({ operation: 'verify', slot: 'auth', result: 'refused', code: 'LAST_TRY_CONFIRMATION_REQUIRED', remaining_after: 1 });
    }
    // The two answers are identical: the guard is no oracle for the PIN.
    const a = await unconfirmed(card, 'auth', PINS.auth);
    const b = await unconfirmed(card, 'auth', '9999');
    expect(a.body).toEqual(b.body);
  });

  it('spends the last try only when confirmed: a wrong PIN then locks, a right one restores', async () => {
    const locking = await http.newCard();
    await setRemaining(locking, 'auth', 1);
    const wrong = await http.verify(locking, 'auth', '9999', {}, { confirmLastTry: true });
    expect(wrong.status).toBe(423);
    expect(wrong.body.error).toMatchObject({ code: 'PIN_LOCKED', slot: 'auth', lockedNow: true });
    expect(await remaining(locking, 'auth')).toBe(0);
    // Locked is locked: confirming changes nothing, and nothing is compared.
    expect((await http.verify(locking, 'auth', PINS.auth, {}, { confirmLastTry: true })).body.error.code).toBe('PIN_LOCKED');
    expect((await unconfirmed(locking, 'auth', PINS.auth)).body.error.code).toBe('PIN_LOCKED');

    const restoring = await http.newCard();
    await setRemaining(restoring, 'sign', 1);
    const right = await http.verify(restoring, 'sign', PINS.sign, {}, { confirmLastTry: true });
    expect(right).toMatchObject({ status: 200, body: { slot: 'sign', remaining: 5 } });
  });

  it('leaves every other state alone: a malformed entry is a format error, and with tries to spare no confirmation is needed', async () => {
    const card = await http.newCard();
    await setRemaining(card, 'assist', 1);
    const malformed = await unconfirmed(card, 'assist', '12a');
    expect(malformed.body.error).toMatchObject({ code: 'PIN_FORMAT', triesSpent: 0 });
    expect(await remaining(card, 'assist')).toBe(1);

    const spare = await unconfirmed(card, 'juki', '9999');
    expect(spare.body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining: 2 });
    // The second wrong entry leaves one: the next unconfirmed entry is held back.
    expect((await unconfirmed(card, 'juki', '9999')).body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining: 1 });
    expect((await unconfirmed(card, 'juki', '9999')).body.error.code).toBe('LAST_TRY_CONFIRMATION_REQUIRED');
    expect(await remaining(card, 'juki')).toBe(1);
  });

  it('guards every operation that takes a PIN: authenticate, sign, attributes and change', async () => {
    const card = await http.newCard();
    const key = { 'x-card-key': card.cardKey };
    const challenge = Buffer.alloc(32, 7).toString('base64');
    const digest = createHash('sha256').update('a tax return').digest('base64');
    const calls: Array<[slot: string, send: (confirm: boolean) => Promise<{ status: number; body: { error?: { code: string } } }>]> = [
      ['auth', (confirm) => http.call('POST', `/api/v1/cards/${card.cardId}/authenticate`, { body: { pin: '9999', challenge, ...(confirm ? { confirmLastTry: true } : {}) }, headers: key })],
      ['sign', (confirm) => http.call('POST', `/api/v1/cards/${card.cardId}/sign`, { body: { pin: 'WRONG1', digest, ...(confirm ? { confirmLastTry: true } : {}) }, headers: key })],
      ['assist', (confirm) => http.call('POST', `/api/v1/cards/${card.cardId}/attributes`, { body: { pin: '9999', ...(confirm ? { confirmLastTry: true } : {}) }, headers: key })],
      ['juki', (confirm) => http.call('POST', `/api/v1/cards/${card.cardId}/pins/juki/change`, { body: { currentPin: '9999', newPin: '7295', ...(confirm ? { confirmLastTry: true } : {}) }, headers: key })],
    ];
    for (const [slot, send] of calls) {
      await setRemaining(card, slot, 1);
      const held = await send(false);
      expect(held.status, slot).toBe(428);
      expect(held.body.error?.code, slot).toBe('LAST_TRY_CONFIRMATION_REQUIRED');
      expect(await remaining(card, slot), slot).toBe(1);
      const spent = await send(true);
      expect(spent.body.error?.code, slot).toBe('PIN_LOCKED');
      expect(await remaining(card, slot), slot).toBe(0);
    }
  });

  it('never lets an unconfirmed entry spend the last try, even when parallel entries leave one while it waits', async () => {
    const card = await http.newCard();
    await setRemaining(card, 'sign', 2);
    const answers = await Promise.all(Array.from({ length: 24 }, () => unconfirmed(card, 'sign', 'WRONG1')));
    const codes = answers.map((a) => a.body.error?.code);
    // Exactly one wrong entry was compared (2 → 1); every other one met the last try and was held back.
    expect(codes.filter((c) => c === 'PIN_INCORRECT')).toHaveLength(1);
    expect(codes.filter((c) => c === 'LAST_TRY_CONFIRMATION_REQUIRED')).toHaveLength(23);
    expect(await remaining(card, 'sign')).toBe(1);
    const incorrect = await sql<{ n: string }>`select count(*) as n from card_events where card_id = ${card.cardId} and result = 'incorrect'`.execute(system.db);
    expect(Number(incorrect.rows[0]!.n)).toBe(1);
  });
});
