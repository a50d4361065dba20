import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// The kiosk reset (DOMAIN.md §4, issue 13 item 2) over HTTP on both stores: reserve with the card, the other
// certificate PIN and a face match; set the new PIN at a kiosk within 24 hours (06:30–23:00 JST); every refusal
// with its own code, and nothing spent where nothing was entered.

const NOON_JST = new Date('2026-06-10T03:00:00Z');
const KIOSK = { 'x-kagiya-service': 'konbini-certificates', 'x-kagiya-terminal': 'store-0001-MMK1' };
type Card = { residentId: string; cardId: string; cardKey: string };

describe.each(STORES)('kiosk reset on %s', (store) => {
  let system: TestSystem;
  let now = NOON_JST;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
    http = api(system);
  });
  afterAll(async () => system?.dispose());

  const reserve = (card: Card, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    http.call('POST', `/api/v1/cards/${card.cardId}/kiosk-reset/reservations`, { body, headers: { 'x-card-key': card.cardKey, 'x-kagiya-service': 'portal', ...headers } });
  const open = (card: Card) => http.call('GET', `/api/v1/cards/${card.cardId}/kiosk-reset`, { headers: { 'x-card-key': card.cardKey, ...KIOSK } });
  const complete = (card: Card, newPin: string) =>
    http.call('POST', `/api/v1/cards/${card.cardId}/kiosk-reset`, { body: { newPin }, headers: { 'x-card-key': card.cardKey, ...KIOSK } });
  const lock = async (card: Card, slot: 'auth' | 'sign') => {
    for (let i = 0; i < (slot === 'sign' ? 5 : 3); i += 1) await http.verify(card, slot, slot === 'sign' ? 'WRONG999' : '0000');
  };
  /** Counters and the card's events: what "nothing was spent, nothing was written" is checked against. */
  const snapshot = async (card: Card) => {
    const status = (await http.status(card)).body;
    const events = (await http.events(card)).body.events as unknown[];
    const reservations = await sql<{ n: number }>`select count(*)::int as n from kiosk_reset_reservations where card_id = ${card.cardId}`.execute(system.db);
    return { pins: status.pins, events: events.length, reservations: reservations.rows[0]!.n };
  };

  it('resets a locked signing password: reserved with the auth PIN and a face match, set at the kiosk, usable at once', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    await lock(card, 'sign');
    expect((await http.verify(card, 'sign', PINS.sign)).body.error.code).toBe('PIN_LOCKED');

    const reserved = await reserve(card, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' });
    expect(reserved.status).toBe(201);
    expect(reserved.body).toMatchObject({ slot: 'sign', verifiedSlot: 'auth', expiresAt: '2026-06-11T03:00:00.000Z' });

    now = new Date(NOON_JST.getTime() + 5 * 3_600_000); // 17:00 JST, same day
    const found = await open(card);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ slot: 'sign', expiresAt: '2026-06-11T03:00:00.000Z' });

    const done = await complete(card, 'newpass77');
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ slot: 'sign', remaining: 5 });
    const status = await http.status(card);
    expect(status.body.pins.sign).toMatchObject({ remaining: 5, locked: false });
    expect((await http.verify(card, 'sign', 'NEWPASS77')).status).toBe(200);
    expect((await http.verify(card, 'sign', PINS.sign)).body.error.code).toBe('PIN_INCORRECT');

    const events = (await http.events(card)).body.events as Array<Record<string, unknown>>;
    const reset = events.find((e) => e.operation === 'kiosk_reset');
    expect(reset).toMatchObject({ slot: 'sign', result: 'success', channel: 'kiosk', terminal: 'store-0001-MMK1', service: 'konbini-certificates', remainingAfter: 5 });
    const reservedEvent = events.find((e) => e.operation === 'kiosk_reset_reserved');
    expect(reservedEvent).toMatchObject({ slot: 'sign', result: 'success', channel: 'portal', service: 'portal' });
    // The auth PIN entered at reservation is a real entry, recorded like any other.
    expect(events.find((e) => e.slot === 'auth' && e.operation === 'verify')).toMatchObject({ result: 'success', channel: 'portal' });
    const audit = await sql<{ action: string }>`select action from audit_log where target_id = ${card.cardId} order by seq`.execute(system.db);
    expect(audit.rows.map((r) => r.action)).toEqual(expect.arrayContaining(['card.kiosk_reset_reserved', 'card.kiosk_reset']));

    // Used once: the same reservation cannot set another PIN.
    const again = await complete(card, 'OTHERPW55');
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('KIOSK_RESET_USED');
    expect((await open(card)).body.error.code).toBe('KIOSK_RESET_USED');
  });

  it('resets the auth PIN with the signing password (the holder cannot log in anywhere meanwhile)', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    await lock(card, 'auth');
    expect((await reserve(card, { slot: 'auth', otherPin: PINS.sign.toLowerCase(), faceMatch: 'matched' })).status).toBe(201);
    const done = await complete(card, '6284');
    expect(done.body).toEqual({ slot: 'auth', remaining: 3 });
    expect((await http.verify(card, 'auth', '6284')).status).toBe(200);
  });

  it('refuses when both certificate PINs are locked, spending nothing', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    await lock(card, 'sign');
    await lock(card, 'auth');
    const before = await snapshot(card);
    const r = await reserve(card, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'KIOSK_RESET_BOTH_LOCKED', triesSpent: 0 });
    expect(r.body.error.messages.ja).toContain('窓口');
    expect(await snapshot(card)).toEqual(before);
  });

  it('refuses when the face match failed, before the other PIN is entered', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    const before = await snapshot(card);
    const r = await reserve(card, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'not_matched' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('KIOSK_RESET_FACE_MISMATCH');
    expect(await snapshot(card)).toEqual(before);
  });

  it('refuses a revoked, an expired or a suspended certificate, at reservation and again at the kiosk', async () => {
    now = NOON_JST;
    const moved = await http.newCard();
    await http.call('POST', `/api/v1/residents/${moved.residentId}/move`, { body: { address: '埼玉県さいたま市大宮区吉敷町1丁目124番地1', municipalityCode: '111007' }, headers: http.admin });
    const revoked = await reserve(moved, { slot: 'auth', otherPin: PINS.sign, faceMatch: 'matched' });
    expect(revoked.status).toBe(409);
    expect(revoked.body.error).toMatchObject({ code: 'KIOSK_RESET_CERT_INVALID', certificate: 'sign', status: 'revoked' });

    const suspended = await http.newCard();
    await http.call('POST', `/api/v1/cards/${suspended.cardId}/suspend`, { body: { reason: '紛失の届出' }, headers: http.admin });
    const r = await reserve(suspended, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('CARD_SUSPENDED');

    // Reserved while valid; the certificates expire (5th birthday) before the kiosk visit within the 24 hours.
    now = new Date('2026-01-10T03:00:00Z');
    const expiring = await http.newCard({ birthDate: '1980-01-11' });
    now = new Date('2030-01-11T05:00:00Z'); // 14:00 JST on the last day of the certificates (5th birthday)
    expect((await reserve(expiring, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' })).status).toBe(201);
    now = new Date('2030-01-12T00:00:00Z'); // 09:00 JST the next day, within the 24 hours
    const atKiosk = await complete(expiring, 'NEWPASS77');
    expect(atKiosk.status).toBe(409);
    expect(atKiosk.body.error).toMatchObject({ code: 'KIOSK_RESET_CERT_INVALID', status: 'expired' });
    const expired = await reserve(expiring, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' });
    expect(expired.body.error).toMatchObject({ code: 'KIOSK_RESET_CERT_INVALID', status: 'expired' });
  });

  it('spends a try on a wrong other PIN and reserves nothing', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    const r = await reserve(card, { slot: 'sign', otherPin: '0000', faceMatch: 'matched' });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'PIN_INCORRECT', slot: 'auth', remaining: 2 });
    const after = await snapshot(card);
    expect(after.pins.auth.remaining).toBe(2);
    expect(after.reservations).toBe(0);
    expect((await open(card)).body.error.code).toBe('KIOSK_RESET_NOT_RESERVED');
  });

  it('refuses at the kiosk without a reservation, after 24 hours, outside the hours and with a weak PIN', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    const none = await complete(card, 'NEWPASS77');
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('KIOSK_RESET_NOT_RESERVED');

    expect((await reserve(card, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' })).status).toBe(201);
    now = new Date('2026-06-10T14:30:00Z'); // 23:30 JST
    const closed = await complete(card, 'NEWPASS77');
    expect(closed.status).toBe(403);
    expect(closed.body.error).toMatchObject({ code: 'KIOSK_OUTSIDE_HOURS', opensAt: '06:30', closesAt: '23:00' });

    now = new Date('2026-06-11T00:00:00Z'); // 09:00 JST next day, within 24 hours
    const digitsOnly = await complete(card, '123456');
    expect(digitsOnly.body.error).toMatchObject({ code: 'PIN_WEAK', rule: 'SIGN_LETTER_AND_DIGIT' });
    expect((await open(card)).status).toBe(200);

    now = new Date('2026-06-11T03:00:01Z'); // 24 hours and a second after the reservation
    const before = await snapshot(card);
    const late = await complete(card, 'NEWPASS77');
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('KIOSK_RESET_EXPIRED');
    expect(await snapshot(card)).toEqual(before);
  });

  it('lets a newer reservation replace an open one, and two kiosks racing end with one reset', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    expect((await reserve(card, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' })).status).toBe(201);
    expect((await reserve(card, { slot: 'auth', otherPin: PINS.sign, faceMatch: 'matched' })).status).toBe(201);
    expect((await open(card)).body.slot).toBe('auth');
    const results = await Promise.all([complete(card, '6284'), complete(card, '5931')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
    const events = (await http.events(card)).body.events as Array<Record<string, unknown>>;
    expect(events.filter((e) => e.operation === 'kiosk_reset')).toHaveLength(1);
  });

  it('refuses a wrong card key and a channel other than the route states', async () => {
    now = NOON_JST;
    const card = await http.newCard();
    expect((await reserve({ ...card, cardKey: 'wrong' }, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' })).body.error.code).toBe('CARD_REJECTED');
    expect((await reserve(card, { slot: 'sign', otherPin: PINS.auth, faceMatch: 'matched' }, { 'x-kagiya-channel': 'kiosk' })).body.error.code).toBe('INVALID_REQUEST');
    expect((await reserve(card, { slot: 'assist', otherPin: PINS.auth, faceMatch: 'matched' })).body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'slot' });
    expect((await open({ ...card, cardKey: 'wrong' })).body.error.code).toBe('CARD_REJECTED');
  });
});
