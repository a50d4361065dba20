import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LetterInput } from '../../src/app/counter-ports.js';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { newStaff, signIn } from '../support/staff.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// A Tuesday, 10:00 JST: counters open, not the maintenance day.
const TUESDAY = new Date('2026-03-03T01:00:00Z');

describe.each(STORES)('counter procedures on %s', (store) => {
  let system: TestSystem;
  let now = TUESDAY;
  const letterCodes: string[] = [];
  let clerk: Record<string, string>;

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
    // The one-time code exists in clear only on the printed letter; capture it there, as the holder would read it.
    const letters = system.deps.letters as { render: (input: LetterInput) => Promise<Uint8Array> };
    const render = letters.render;
    letters.render = async (input) => {
      letterCodes.push(input.oneTimeCode);
      return render(input);
    };
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
  });
  afterAll(async () => system?.dispose());
  beforeEach(() => {
    now = TUESDAY;
  });

  const http = () => api(system);
  const counter = (method: string, path: string, body?: unknown, headers = clerk) => http().call(method, path, { ...(body !== undefined ? { body } : {}), headers });
  const lockedCard = async () => {
    const card = await http().newCard({ municipalityCode: '111007', birthDate: '1972-11-03' });
    for (let i = 0; i < 3; i += 1) await http().verify(card, 'auth', '9999', { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax' });
    return card;
  };

  it('diagnoses a locked card with the slot, date and source of the failures', async () => {
    const card = await lockedCard();
    const { status, body } = await counter('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`);
    expect(status).toBe(200);
    expect(body.verdict.code).toBe('PIN_LOCKED');
    expect(body.verdict.text.en).toContain('The user-authentication certificate PIN locked on 2026-03-03 after 3 failures through the smartphone app (e-Tax)');
    expect(body.pins.auth).toMatchObject({ remaining: 0, locked: true });
    expect(body.attempts.filter((a: { result: string }) => a.result === 'incorrect')).toHaveLength(3);
    expect(body.resident.myNumberMasked).toMatch(/^\*\*\*\* \*\*\*\* \d{4}$/);
  });

  it('says "refused by the client" when nothing is locked and no failure is recorded (the seed case)', async () => {
    const card = await http().newCard({ municipalityCode: '111007' });
    await http().verify(card, 'auth', PINS.auth);
    const { body } = await counter('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`);
    expect(body.verdict.code).toBe('CLIENT_SIDE');
  });

  it('re-sets PINs in person the same day through the customer PIN pad; the card then verifies with the new PIN', async () => {
    const card = await lockedCard();
    const opened = await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'self', slots: ['auth', 'sign'] });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    // Saitama: the card alone is not enough (card + one A or two B)
    const short = await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card'], holderPresent: true });
    expect(short.body.error.code).toBe('DOCUMENTS_MISSING');
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/pin-pad`)).body.error.code).toBe('PROCEDURE_INVALID_TRANSITION');
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'driving_licence'], holderPresent: true })).body.state).toBe('documents_checked');
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/card`, { cardId: card.cardId, cardKey: 'wrong-key' })).body.error.code).toBe('CARD_REJECTED');
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/card`, { cardId: card.cardId, cardKey: card.cardKey })).body.state).toBe('card_presented');
    const pad = await counter('POST', `/api/v1/counter/procedures/${id}/pin-pad`);
    const token = pad.body.pinPadUrl.split('/').pop();
    const view = await http().call('GET', `/api/v1/pinpad/${token}`);
    expect(view.body.slots.map((s: { slot: string }) => s.slot)).toEqual(['auth', 'sign']);
    const weak = await http().call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth: '1111', sign: 'NEWPASS77' } } });
    expect(weak.body.error).toMatchObject({ code: 'PIN_WEAK', slot: 'auth', rule: 'REPEATED' });
    expect((await http().call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth: '6284', sign: 'NEWPASS77' } } })).status).toBe(200);
    expect((await http().call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth: '6284', sign: 'NEWPASS77' } } })).body.error.code).toBe('PIN_PAD_EXPIRED');

    expect((await counter('GET', `/api/v1/counter/procedures/${id}`)).body.state).toBe('completed');
    expect(await http().verify(card, 'auth', '6284')).toMatchObject({ status: 200, body: { remaining: 3 } });
    expect((await http().verify(card, 'sign', 'newpass77')).status).toBe(200);
    const events = (await http().events(card)).body.events.filter((e: { operation: string }) => e.operation === 'counter_reset');
    expect(events.map((e: { slot: string }) => e.slot).sort()).toEqual(['auth', 'sign']);
  });

  it('keeps the old PIN allowed at a reset (DOMAIN.md §4)', async () => {
    const card = await lockedCard();
    const id = (await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'self', slots: ['auth'] })).body.id;
    await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'passport'], holderPresent: true });
    await counter('POST', `/api/v1/counter/procedures/${id}/card`, card);
    const token = (await counter('POST', `/api/v1/counter/procedures/${id}/pin-pad`)).body.pinPadUrl.split('/').pop();
    expect((await http().call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth: PINS.auth } } })).status).toBe(200);
    expect((await http().verify(card, 'auth', PINS.auth)).status).toBe(200);
  });

  it('serves a legal proxy the same day with photo ID and proof of authority, and by letter where Yokohama wants the holder present', async () => {
    // a child's card: no signing slot under 15
    const r = await http().createResident({ municipalityCode: '111007', birthDate: '2016-07-20', name: '山田 蓮' });
    const { sign: _sign, ...pins } = PINS;
    const card = (await http().issueCard(r.body.id, pins)).body;
    const id = (await counter('POST', '/api/v1/counter/procedures', { residentId: r.body.id, applicantType: 'legal_proxy', slots: ['auth'], proxyName: '山田 花子（母）' })).body.id;
    const noAuthority = await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'driving_licence'], holderPresent: false });
    expect(noAuthority.body.error.code).toBe('DOCUMENTS_MISSING');
    const checked = await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'driving_licence', 'family_register'], holderPresent: false });
    expect(checked.body).toMatchObject({ sameDay: true, allowedSteps: expect.arrayContaining(['present_card']) });
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/card`, { cardId: card.cardId, cardKey: card.cardKey })).body.state).toBe('card_presented');

    const yokohamaClerk = await signIn(system, await newStaff(system, 'clerk', '141003'));
    const y = await http().newCard({ municipalityCode: '141003' });
    const yid = (await counter('POST', '/api/v1/counter/procedures', { residentId: y.residentId, applicantType: 'legal_proxy', slots: ['juki'], proxyName: '後見 人' }, yokohamaClerk)).body.id;
    const ydocs = await counter('POST', `/api/v1/counter/procedures/${yid}/documents`, { presented: ['my_number_card', 'passport', 'guardianship_registry'], holderPresent: false }, yokohamaClerk);
    expect(ydocs.body).toMatchObject({ sameDay: false, allowedSteps: expect.arrayContaining(['issue_letter']) });
  });

  it('runs a voluntary proxy across two visits with an inquiry letter', async () => {
    const card = await lockedCard();
    const opened = await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'voluntary_proxy', slots: ['auth'], proxyName: '佐藤 一郎' });
    const id = opened.body.id;
    expect(opened.body.sameDay).toBe(false);
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['driving_licence', 'health_insurance'], holderPresent: false })).body.allowedSteps).toContain('issue_letter');
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/card`, card)).body.error.code).toBe('PROCEDURE_INVALID_TRANSITION');
    const issued = await counter('POST', `/api/v1/counter/procedures/${id}/letter`);
    expect(issued.body.letter).toMatchObject({ status: 'queued', referenceNumber: expect.stringMatching(/^111007-2026-\d{6}$/) });
    expect(issued.body.letter.deadline).toBe('2026-04-02T14:59:59.000Z');
    const code = letterCodes.at(-1)!;
    const pdf = await system.app.request(issued.body.letter.pdfUrl, { headers: clerk });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect((await counter('POST', `/api/v1/counter/letters/${issued.body.letter.id}/mailed`)).body.status).toBe('mailed');
    const letters = await counter('GET', '/api/v1/counter/letters?status=mailed');
    expect(letters.body.letters.map((l: { id: string }) => l.id)).toContain(issued.body.letter.id);

    // visit 2, ten days later (the clerk's session of visit 1 has long expired)
    now = new Date(TUESDAY.getTime() + 10 * 86_400_000);
    expect((await counter('GET', `/api/v1/counter/procedures/${id}`)).body.error.code).toBe('UNAUTHENTICATED');
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const wrong = await counter('POST', `/api/v1/counter/procedures/${id}/answer`, { code: 'AAAAAAAA', presented: ['driving_licence', 'health_insurance'] });
    expect(wrong.body.error).toMatchObject({ code: 'LETTER_CODE_INVALID', remaining: 4 });
    const noId = await counter('POST', `/api/v1/counter/procedures/${id}/answer`, { code, presented: ['health_insurance'] });
    expect(noId.body.error.code).toBe('DOCUMENTS_MISSING');
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/answer`, { code: code.toLowerCase(), presented: ['driving_licence', 'health_insurance'] })).body.state).toBe('answer_verified');
    expect((await counter('POST', `/api/v1/counter/procedures/${id}/card`, card)).body.state).toBe('card_presented');
    const done = await counter('POST', `/api/v1/counter/procedures/${id}/complete`, { pins: { auth: '5931' } });
    expect(done.body.state).toBe('completed');
    expect((await http().verify(card, 'auth', '5931')).status).toBe(200);
  });

  it('voids an answer after the deadline and expires the procedure and its letter', async () => {
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const card = await lockedCard();
    const id = (await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'voluntary_proxy', slots: ['juki'], proxyName: '代理 人' })).body.id;
    await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['passport', 'driving_licence'], holderPresent: false });
    const letter = (await counter('POST', `/api/v1/counter/procedures/${id}/letter`)).body.letter;
    now = new Date(TUESDAY.getTime() + 31 * 86_400_000);
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const late = await counter('POST', `/api/v1/counter/procedures/${id}/answer`, { code: letterCodes.at(-1), presented: ['passport', 'driving_licence'] });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('DEADLINE_PASSED');
    const after = await counter('GET', `/api/v1/counter/procedures/${id}`);
    expect(after.body.state).toBe('expired');
    expect(after.body.letter.status).toBe('expired');
    expect(letter.status).toBe('queued');
  });

  it('voids a letter after five wrong codes', async () => {
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const card = await lockedCard();
    const id = (await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'voluntary_proxy', slots: ['juki'], proxyName: '代理 人' })).body.id;
    await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['passport', 'driving_licence'], holderPresent: false });
    await counter('POST', `/api/v1/counter/procedures/${id}/letter`);
    for (let i = 4; i >= 0; i -= 1) {
      const r = await counter('POST', `/api/v1/counter/procedures/${id}/answer`, { code: 'ZZZZZZZZ', presented: ['passport', 'driving_licence'] });
      expect(r.body.error).toMatchObject({ code: 'LETTER_CODE_INVALID', remaining: i });
    }
    const after = await counter('GET', `/api/v1/counter/procedures/${id}`);
    expect(after.body.state).toBe('cancelled');
    expect(after.body.letter.status).toBe('cancelled');
  });

  it('refuses card steps on the national maintenance day', async () => {
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const card = await lockedCard();
    const id = (await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'self', slots: ['auth'] })).body.id;
    await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'passport'], holderPresent: true });
    now = new Date('2026-03-22T01:00:00Z'); // Sunday after the third Saturday (2026-03-21), 10:00 JST
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const refused = await counter('POST', `/api/v1/counter/procedures/${id}/card`, card);
    expect(refused.body.error.code).toBe('MAINTENANCE_DAY');
    expect((await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'self', slots: ['auth'] })).body.error.code).toBe('MAINTENANCE_DAY');
  });

  it('audits every step in a hash chain that verifies, and detects tampering', async () => {
    const admin = await signIn(system, await newStaff(system, 'municipal_admin', '111007'));
    const auditor = await signIn(system, await newStaff(system, 'auditor', null));
    const audit = await counter('GET', '/api/v1/audit?limit=500', undefined, admin);
    expect(audit.status).toBe(200);
    expect(audit.body.entries.every((e: { intact: boolean }) => e.intact)).toBe(true);
    expect((await counter('GET', '/api/v1/audit/verify', undefined, auditor)).body).toMatchObject({ ok: true });
    expect((await counter('GET', '/api/v1/audit/verify', undefined, admin)).status).toBe(403);
    const actions = new Set(audit.body.entries.map((e: { action: string }) => e.action));
    for (const action of ['resident.registered', 'card.issued', 'procedure.opened', 'procedure.check_documents', 'procedure.present_card', 'procedure.open_pin_pad', 'procedure.complete', 'letter.issued', 'card.diagnosed', 'staff.signed_in']) {
      expect(actions).toContain(action);
    }
    expect(JSON.stringify(audit.body)).not.toMatch(/"\d{12}"/);
    await system.db.updateTable('audit_log').set({ reason: 'rewritten' }).where('action', '=', 'procedure.opened').execute();
    const tampered = await counter('GET', '/api/v1/audit?limit=500', undefined, admin);
    expect(tampered.body.entries.find((e: { action: string }) => e.action === 'procedure.opened').intact).toBe(false);
    expect((await counter('GET', '/api/v1/audit/verify', undefined, auditor)).body).toMatchObject({ ok: false });
  });
});
