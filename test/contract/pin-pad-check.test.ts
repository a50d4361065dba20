import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { newStaff, signIn } from '../support/staff.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// A Tuesday, 10:00 JST: counters open, not the maintenance day.
const TUESDAY = new Date('2026-03-03T01:00:00Z');

// Issue #6 item 11: the PIN pad accepted 1111 twice and refused it only after 設定する. Each new PIN is now checked
// as it is entered, with the holder's birth date and My Number on the server; the check spends and writes nothing,
// and a pad gets only a few checks (they must not become a way to read the My Number).
describe.each(STORES)('the PIN pad checks each new PIN as it is entered (%s)', (store) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => TUESDAY });
  });
  afterAll(async () => system?.dispose());

  /** A same-day procedure for a new card of municipality 111007, its documents checked and the card presented. */
  async function atCardPresented(slots: string[]) {
    const http = api(system);
    const clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const card = await http.newCard({ municipalityCode: '111007', birthDate: '1972-11-03' });
    const counter = (path: string, body?: unknown) => http.call('POST', path, { ...(body !== undefined ? { body } : {}), headers: clerk });
    const id: string = (await counter('/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'self', slots })).body.id;
    await counter(`/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'driving_licence'], holderPresent: true });
    await counter(`/api/v1/counter/procedures/${id}/card`, { cardId: card.cardId, cardKey: card.cardKey });
    const pinPadOf = async () => (await http.call('GET', `/api/v1/counter/procedures/${id}`, { headers: clerk })).body.pinPad;
    return { http, card, id, counter, pinPadOf };
  }

  it('refuses weak and malformed PINs at once, accepts a good one, writes nothing, and caps the checks', async () => {
    const { http, card, id, counter } = await atCardPresented(['auth', 'sign']);
    const token = (await counter(`/api/v1/counter/procedures/${id}/pin-pad`)).body.pinPadUrl.split('/').pop();
    const check = (slot: string, pin: string) => http.call('POST', `/api/v1/pinpad/${token}/check`, { body: { slot, pin } });

    expect((await check('auth', '1111')).body.error).toMatchObject({ code: 'PIN_WEAK', slot: 'auth', rule: 'REPEATED' });
    expect((await check('auth', '1103')).body.error).toMatchObject({ code: 'PIN_WEAK', rule: 'BIRTH_DATE' });
    expect((await check('auth', '12a4')).body.error).toMatchObject({ code: 'PIN_FORMAT', slot: 'auth' });
    expect((await check('sign', 'password')).body.error).toMatchObject({ code: 'PIN_WEAK', slot: 'sign' });
    expect((await check('juki', '4829')).body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'slot' });
    expect(await check('auth', '4829')).toMatchObject({ status: 200, body: { ok: true, slot: 'auth' } });
    // Nothing was written: the old PINs still hold, the pad still works.
    expect((await http.call('GET', `/api/v1/pinpad/${token}`)).status).toBe(200);
    expect((await http.status(card)).body.pins.auth.remaining).toBe(3);

    for (let i = 0; i < 10; i += 1) await check('auth', '4829');
    expect((await check('auth', '4829')).body.error).toMatchObject({ code: 'INVALID_REQUEST', reason: 'TOO_MANY_CHECKS' });
    // Setting the PINs still checks them, and works.
    expect((await http.call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth: '4829', sign: 'KAGI7Q3X' } } })).status).toBe(200);
    expect((await http.verify(card, 'auth', '4829')).status).toBe(200);
  });

  it('closes the pad after 10 weak PINs, checked or set, and staff open a new one that replaces it', async () => {
    const { http, card, id, counter, pinPadOf } = await atCardPresented(['auth', 'sign']);
    expect(await pinPadOf()).toBeNull();
    const tokenOf = (r: { body: unknown }) => String((r.body as { pinPadUrl: string }).pinPadUrl).split('/').pop()!;
    const first = tokenOf(await counter(`/api/v1/counter/procedures/${id}/pin-pad`));
    const check = (token: string, pin: string) => http.call('POST', `/api/v1/pinpad/${token}/check`, { body: { slot: 'auth', pin } });
    const submit = (token: string, auth: string) => http.call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth, sign: 'KAGI7Q3X' } } });

    // Malformed PINs say nothing about the holder and are not counted.
    for (let i = 0; i < 12; i += 1) expect((await submit(first, '12a4')).body.error).toMatchObject({ code: 'PIN_FORMAT' });
    // Nine weak PINs are answered with their rule, on the check and on 設定する alike.
    for (let i = 0; i < 5; i += 1) expect((await check(first, '1111')).body.error).toMatchObject({ code: 'PIN_WEAK', rule: 'REPEATED' });
    for (let i = 0; i < 4; i += 1) expect((await submit(first, '1103')).body.error).toMatchObject({ code: 'PIN_WEAK', rule: 'BIRTH_DATE' });
    expect(await pinPadOf()).toMatchObject({ state: 'open', refusals: 9 });
    // The tenth closes the pad: no rule is named, and the pad answers as closed from then on.
    const tenth = await check(first, '1111');
    expect([tenth.status, tenth.body.error.code]).toEqual([410, 'PIN_PAD_EXPIRED']);
    expect(tenth.body.error.rule).toBeUndefined();
    expect((await http.call('GET', `/api/v1/pinpad/${first}`)).status).toBe(410);
    expect((await submit(first, '4829')).status).toBe(410);
    // Nothing was written to the card: its PINs are as they were. The closing is in the audit log, in the pad's name.
    expect((await http.status(card)).body.pins.auth.remaining).toBe(3);
    expect((await http.verify(card, 'auth', '4829')).status).toBe(401);
    const audit = await http.call('GET', `/api/v1/audit?limit=20&target=${id}`, { headers: http.admin });
    const closed = audit.body.entries.filter((e: { action: string }) => e.action === 'procedure.pin_pad_closed');
    expect(closed).toHaveLength(1);
    expect(closed[0].detail).toMatchObject({ reason: 'weak_pins', refusals: 10, state: 'awaiting_pins' });
    expect(JSON.stringify(audit.body)).not.toContain('"1103"');
    // The console reads why the holder's screen closed.
    expect(await pinPadOf()).toMatchObject({ state: 'closed_weak_pins', refusals: 10 });

    // The clerk opens a new pad (a step in the procedure's history); the old address stays closed.
    const reopened = await counter(`/api/v1/counter/procedures/${id}/pin-pad`);
    expect(reopened.status).toBe(200);
    expect(reopened.body.procedure.state).toBe('awaiting_pins');
    expect(reopened.body.procedure.history.filter((s: { step: string }) => s.step === 'open_pin_pad')).toHaveLength(2);
    const second = tokenOf(reopened);
    expect(second).not.toBe(first);
    expect((await http.call('GET', `/api/v1/pinpad/${first}`)).status).toBe(410);
    expect((await http.call('GET', `/api/v1/pinpad/${second}`)).status).toBe(200);
    expect(await pinPadOf()).toMatchObject({ state: 'open', refusals: 0 });
    // A new pad counts afresh.
    expect((await check(second, '1111')).body.error).toMatchObject({ code: 'PIN_WEAK', rule: 'REPEATED' });
    expect((await submit(second, '4829')).status).toBe(200);
    expect((await http.verify(card, 'auth', '4829')).status).toBe(200);
    expect((await http.call('GET', `/api/v1/pinpad/${second}`)).status).toBe(410);
    expect(await pinPadOf()).toMatchObject({ state: 'used', refusals: 1 });
  });

  it('opening a new pad closes the one before it, even when that one still had time', async () => {
    const { http, card, id, counter } = await atCardPresented(['auth']);
    const first = (await counter(`/api/v1/counter/procedures/${id}/pin-pad`)).body.pinPadUrl.split('/').pop();
    const second = (await counter(`/api/v1/counter/procedures/${id}/pin-pad`)).body.pinPadUrl.split('/').pop();
    const late = await http.call('POST', `/api/v1/pinpad/${first}`, { body: { pins: { auth: '4829' } } });
    expect([late.status, late.body.error.code]).toEqual([410, 'PIN_PAD_EXPIRED']);
    expect((await http.verify(card, 'auth', '4829')).status).toBe(401);
    expect((await http.call('POST', `/api/v1/pinpad/${second}`, { body: { pins: { auth: '4829' } } })).status).toBe(200);
    expect((await http.verify(card, 'auth', '4829')).status).toBe(200);
  });
});
