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

  it('refuses weak and malformed PINs at once, accepts a good one, writes nothing, and caps the checks', async () => {
    const http = api(system);
    const clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const card = await http.newCard({ municipalityCode: '111007', birthDate: '1972-11-03' });
    const counter = (path: string, body?: unknown) => http.call('POST', path, { ...(body !== undefined ? { body } : {}), headers: clerk });
    const id = (await counter('/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'self', slots: ['auth', 'sign'] })).body.id;
    await counter(`/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'driving_licence'], holderPresent: true });
    await counter(`/api/v1/counter/procedures/${id}/card`, { cardId: card.cardId, cardKey: card.cardKey });
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
});
