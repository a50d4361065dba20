import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { captureLetterCodes } from '../support/counter.js';
import { PINS } from '../support/factories.js';
import { pdfPages } from '../support/pdf-text.js';
import { newStaff, signIn } from '../support/staff.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// A Tuesday, 10:00 JST: counters open, not the maintenance day.
const TUESDAY = new Date('2026-03-03T01:00:00Z');

// Every test stands alone (CI runs the suite shuffled): each signs in its own clerk, starts at TUESDAY and makes its
// own residents, cards and procedures.
describe.each(STORES)('counter procedures on %s', (store) => {
  let system: TestSystem;
  let now = TUESDAY;
  let letterCodes: Map<string, string>;
  let clerk: Record<string, string>;

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
    letterCodes = captureLetterCodes(system);
  });
  afterAll(async () => system?.dispose());
  beforeEach(async () => {
    now = TUESDAY;
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
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
    const code = letterCodes.get(issued.body.letter.referenceNumber)!;
    const pdf = await system.app.request(issued.body.letter.pdfUrl, { headers: clerk });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const pdfBytes = new Uint8Array(await pdf.arrayBuffer());
    expect(Buffer.from(pdfBytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    // What a PDF reader shows: this letter's reference number, one-time code, holder and registered address.
    const text = (await pdfPages(pdfBytes)).join('').replace(/-/g, '');
    expect(text).toContain(issued.body.letter.referenceNumber.replace(/-/g, ''));
    expect(text).toContain(code.replace(/-/g, ''));
    const holder = (await counter('GET', `/api/v1/counter/procedures/${id}`)).body.resident;
    expect(text).toContain(holder.name.replace(/\s+/g, ''));
    expect(text).toContain(holder.address.replace(/\s+/g, '').replace(/-/g, ''));
    expect(text).toContain('佐藤一郎');
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
    // The proxy types the PIN written in the sealed answer at the customer PIN pad (staff never do).
    const token = (await counter('POST', `/api/v1/counter/procedures/${id}/pin-pad`)).body.pinPadUrl.split('/').pop();
    expect((await http().call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth: '5931' } } })).status).toBe(200);
    expect((await counter('GET', `/api/v1/counter/procedures/${id}`)).body.state).toBe('completed');
    expect((await http().verify(card, 'auth', '5931')).status).toBe(200);
  });

  it('voids an answer after the deadline and expires the procedure and its letter', async () => {
    const card = await lockedCard();
    const id = (await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'voluntary_proxy', slots: ['juki'], proxyName: '代理 人' })).body.id;
    await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['passport', 'driving_licence'], holderPresent: false });
    const letter = (await counter('POST', `/api/v1/counter/procedures/${id}/letter`)).body.letter;
    now = new Date(TUESDAY.getTime() + 31 * 86_400_000);
    clerk = await signIn(system, await newStaff(system, 'clerk', '111007'));
    const late = await counter('POST', `/api/v1/counter/procedures/${id}/answer`, { code: letterCodes.get(letter.referenceNumber), presented: ['passport', 'driving_licence'] });
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('DEADLINE_PASSED');
    const after = await counter('GET', `/api/v1/counter/procedures/${id}`);
    expect(after.body.state).toBe('expired');
    expect(after.body.letter.status).toBe('expired');
    expect(letter.status).toBe('queued');
  });

  it('voids a letter after five wrong codes', async () => {
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
    // This test's own activity: a diagnosis, a same-day reset through the PIN pad, and a letter.
    const card = await lockedCard();
    expect((await counter('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`)).status).toBe(200);
    const id = (await counter('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'self', slots: ['auth'] })).body.id;
    await counter('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['my_number_card', 'passport'], holderPresent: true });
    await counter('POST', `/api/v1/counter/procedures/${id}/card`, card);
    const token = (await counter('POST', `/api/v1/counter/procedures/${id}/pin-pad`)).body.pinPadUrl.split('/').pop();
    expect((await http().call('POST', `/api/v1/pinpad/${token}`, { body: { pins: { auth: '6284' } } })).status).toBe(200);
    const other = await http().newCard({ municipalityCode: '111007' });
    const lid = (await counter('POST', '/api/v1/counter/procedures', { residentId: other.residentId, applicantType: 'voluntary_proxy', slots: ['juki'], proxyName: '代理 人' })).body.id;
    await counter('POST', `/api/v1/counter/procedures/${lid}/documents`, { presented: ['passport', 'driving_licence'], holderPresent: false });
    const letter = (await counter('POST', `/api/v1/counter/procedures/${lid}/letter`)).body.letter;

    const admin = await signIn(system, await newStaff(system, 'municipal_admin', '111007'));
    const auditor = await signIn(system, await newStaff(system, 'auditor', null));
    const audit = await counter('GET', '/api/v1/audit?limit=500', undefined, admin);
    expect(audit.status).toBe(200);
    expect(audit.body.entries.every((e: { intact: boolean }) => e.intact)).toBe(true);
    expect((await counter('GET', '/api/v1/audit/verify', undefined, auditor)).body).toMatchObject({ ok: true });
    expect((await counter('GET', '/api/v1/audit/verify', undefined, admin)).status).toBe(403);
    const mine = (target: string) => audit.body.entries.filter((e: { targetId: string }) => e.targetId === target).map((e: { action: string }) => e.action).reverse();
    expect(mine(id)).toEqual(['procedure.opened', 'procedure.check_documents', 'procedure.present_card', 'procedure.open_pin_pad', 'procedure.complete']);
    expect(mine(letter.id)).toEqual(['letter.issued']);
    expect(mine(card.cardId)).toContain('card.diagnosed');
    expect(mine(card.residentId)).toContain('resident.registered');
    const actions = new Set(audit.body.entries.map((e: { action: string }) => e.action));
    for (const action of ['card.issued', 'staff.signed_in']) expect(actions).toContain(action);
    expect(JSON.stringify(audit.body)).not.toMatch(/"\d{12}"/);

    // Rewrite this test's own `procedure.opened` row; restored whatever happens, so the chain is whole for other tests.
    const row = await system.db.selectFrom('audit_log').select(['seq', 'reason']).where('action', '=', 'procedure.opened').where('target_id', '=', id).executeTakeFirstOrThrow();
    try {
      await system.db.updateTable('audit_log').set({ reason: 'rewritten' }).where('seq', '=', row.seq).execute();
      const tampered = await counter('GET', '/api/v1/audit?limit=500', undefined, admin);
      const rewritten = tampered.body.entries.filter((e: { intact: boolean }) => !e.intact);
      expect(rewritten.map((e: { seq: number; action: string }) => [e.seq, e.action])).toEqual([[Number(row.seq), 'procedure.opened']]);
      expect((await counter('GET', '/api/v1/audit/verify', undefined, auditor)).body).toMatchObject({ ok: false, brokenAt: Number(row.seq) });
    } finally {
      await system.db.updateTable('audit_log').set({ reason: row.reason }).where('seq', '=', row.seq).execute();
    }
    expect((await counter('GET', '/api/v1/audit/verify', undefined, auditor)).body).toMatchObject({ ok: true });
  });
});
