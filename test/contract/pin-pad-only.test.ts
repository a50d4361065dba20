import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { captureLetterCodes, counterHttp, type Card } from '../support/counter.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// Staff never see or choose a holder's PIN (DOMAIN.md §4). Only the holder's PIN pad sets PINs on the in-person and
// legal-proxy paths; only the sealed answer's PINs, typed at the PIN pad at visit 2, on the letter path. A clerk's
// `POST …/complete` with PINs is refused (403 PIN_PAD_REQUIRED) in every state, writes nothing and is audited.

const TUESDAY = new Date('2026-03-03T01:00:00Z');
const STAFF_PIN = '5931';
const PAD_PIN = '6284';

describe.each(STORES)('PINs are set only at the PIN pad, on %s', (store) => {
  let system: TestSystem;
  let codes: Map<string, string>;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => TUESDAY });
    codes = captureLetterCodes(system);
  });
  afterAll(async () => system?.dispose());

  const h = () => counterHttp(system);

  /** The clerk tries to set the PINs; the answer is the stable refusal, and the procedure and card are unchanged. */
  async function expectStaffRefused(clerk: Record<string, string>, id: string, card: Card, state: string) {
    const before = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    const refused = await h().call('POST', h().proc(id, '/complete'), { pins: { auth: STAFF_PIN } }, clerk);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('PIN_PAD_REQUIRED');
    expect(refused.body.error.messages.ja).toContain('職員が暗証番号を入力・設定することはできません');
    const after = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    expect(after.state).toBe(state);
    expect(after.history).toEqual(before.history);
    // The staff PIN was not written: `auth` is still locked (and a verify against a locked slot spends nothing).
    const status = await h().http.status(card);
    expect(status.body.pins.auth).toMatchObject({ locked: true, remaining: 0 });
    const audit = await h().call('GET', `/api/v1/audit?limit=50&target=${id}`, undefined, await h().clerk('111007', 'supervisor'));
    const entry = audit.body.entries.find((e: { action: string }) => e.action === 'procedure.staff_pin_entry_refused');
    expect(entry).toMatchObject({ targetId: id, detail: { state, code: 'PIN_PAD_REQUIRED' } });
    // Ids and hashes are random hex: a PIN's digits may turn up inside one by chance, so they are left out of the scan.
    const withoutIds = JSON.stringify(audit.body).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}/g, '');
    expect(withoutIds).not.toContain(STAFF_PIN);
  }

  it('refuses a clerk setting the PIN in person after opening the PIN pad (the defect), then the holder sets it there', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id, token } = await h().sameDayAtPad(clerk, card);
    await expectStaffRefused(clerk, id, card, 'awaiting_pins');
    const view = await h().call('GET', `/api/v1/pinpad/${token}`);
    expect(view.body).toMatchObject({ path: 'same_day', slots: [{ slot: 'auth' }] });
    expect((await h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: PAD_PIN } })).status).toBe(200);
    expect((await h().call('GET', h().proc(id), undefined, clerk)).body.state).toBe('completed');
    expect(await h().http.verify(card, 'auth', PAD_PIN)).toMatchObject({ status: 200, body: { remaining: 3 } });
    expect((await h().http.verify(card, 'auth', STAFF_PIN)).body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining: 2 });
  });

  it.each(['opened', 'documents_checked', 'card_presented'] as const)('refuses a clerk setting the PIN in person in %s', async (state) => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const id = await h().open(clerk, card.residentId, 'self', ['auth']);
    if (state !== 'opened') await h().call('POST', h().proc(id, '/documents'), { presented: ['my_number_card', 'passport'], holderPresent: true }, clerk);
    if (state === 'card_presented') await h().call('POST', h().proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }, clerk);
    await expectStaffRefused(clerk, id, card, state);
  });

  it("refuses a clerk setting a child's PIN for a legal proxy served the same day; the PIN pad sets it", async () => {
    const clerk = await h().clerk();
    const child = await h().http.createResident({ municipalityCode: '111007', birthDate: '2016-07-20', name: '山田 蓮' });
    const { sign: _sign, ...pins } = PINS;
    const issued = (await h().http.issueCard(child.body.id, pins)).body;
    const card = { residentId: child.body.id, cardId: issued.cardId, cardKey: issued.cardKey };
    for (let i = 0; i < 3; i += 1) await h().http.verify(card, 'auth', '9999');
    const id = await h().open(clerk, card.residentId, 'legal_proxy', ['auth'], '山田 花子（母）');
    const docs = await h().call('POST', h().proc(id, '/documents'), { presented: ['my_number_card', 'driving_licence', 'family_register'], holderPresent: false }, clerk);
    expect(docs.body.sameDay).toBe(true);
    await h().call('POST', h().proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }, clerk);
    await expectStaffRefused(clerk, id, card, 'card_presented');
    const pad = await h().call('POST', h().proc(id, '/pin-pad'), undefined, clerk);
    await expectStaffRefused(clerk, id, card, 'awaiting_pins');
    const token = String(pad.body.pinPadUrl).split('/').pop();
    expect((await h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: PAD_PIN } })).status).toBe(200);
    expect((await h().http.verify(card, 'auth', PAD_PIN)).status).toBe(200);
  });

  it("on the letter path takes only the sealed answer's PINs, typed at the PIN pad at visit 2", async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id, code } = await h().letterIssued(clerk, card, codes);
    await expectStaffRefused(clerk, id, card, 'letter_issued');
    const answered = await h().call('POST', h().proc(id, '/answer'), { code, presented: ['passport', 'driving_licence'] }, clerk);
    expect(answered.body.state).toBe('answer_verified');
    await expectStaffRefused(clerk, id, card, 'answer_verified');
    expect((await h().call('POST', h().proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }, clerk)).body.state).toBe('card_presented');
    // What used to complete the letter path: the clerk typing the answer's PINs. Refused.
    await expectStaffRefused(clerk, id, card, 'card_presented');
    const pad = await h().call('POST', h().proc(id, '/pin-pad'), undefined, clerk);
    expect(pad.body.procedure.state).toBe('awaiting_pins');
    await expectStaffRefused(clerk, id, card, 'awaiting_pins');
    const token = String(pad.body.pinPadUrl).split('/').pop();
    expect((await h().call('GET', `/api/v1/pinpad/${token}`)).body).toMatchObject({ path: 'letter', slots: [{ slot: 'auth' }] });
    expect((await h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: PAD_PIN } })).status).toBe(200);
    const done = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    expect(done.state).toBe('completed');
    expect(done.history.map((s: { step: string }) => s.step)).toEqual(['check_documents', 'issue_letter', 'verify_answer', 'present_card', 'open_pin_pad', 'complete']);
    expect((await h().http.verify(card, 'auth', PAD_PIN)).status).toBe(200);
  });

  it('refuses the PIN pad before the card is presented on the letter path', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id, code } = await h().letterIssued(clerk, card, codes);
    expect((await h().call('POST', h().proc(id, '/pin-pad'), undefined, clerk)).body.error.code).toBe('PROCEDURE_INVALID_TRANSITION');
    await h().call('POST', h().proc(id, '/answer'), { code, presented: ['passport', 'driving_licence'] }, clerk);
    const early = await h().call('POST', h().proc(id, '/pin-pad'), undefined, clerk);
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'PROCEDURE_INVALID_TRANSITION', state: 'answer_verified', step: 'open_pin_pad' });
  });

  it("answers a clerk of another municipality 404, not the refusal (another municipality's procedure is not found)", async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id } = await h().sameDayAtPad(clerk, card);
    const yokohama = await h().clerk('141003');
    const r = await h().call('POST', h().proc(id, '/complete'), { pins: { auth: STAFF_PIN } }, yokohama);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    expect((await h().call('POST', h().proc(id, '/complete'), { pins: { auth: STAFF_PIN } })).status).toBe(401);
  });

  it('refuses an admin token acting as a clerk the same way', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id } = await h().sameDayAtPad(clerk, card);
    const r = await h().call('POST', h().proc(id, '/complete'), { pins: { auth: STAFF_PIN } }, h().http.admin);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('PIN_PAD_REQUIRED');
  });
});
