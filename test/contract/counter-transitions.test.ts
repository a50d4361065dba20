import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLetterCodes, counterHttp, type Card } from '../support/counter.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// Refused procedure transitions over HTTP: ended procedures, two clerks at once, undeliverable and cancelled
// letters, and the PIN pad's 15 minutes.
const TUESDAY = new Date('2026-03-03T01:00:00Z');
const MINUTE = 60_000;

type Headers = Record<string, string>;

describe.each(STORES)('procedure transitions on %s', (store) => {
  let system: TestSystem;
  let now = TUESDAY;
  let codes: Map<string, string>;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
    codes = captureLetterCodes(system);
  });
  afterAll(async () => system?.dispose());
  beforeEach(() => {
    now = TUESDAY;
  });
  const h = () => counterHttp(system);

  /** Every step a clerk can ask for, with a valid body, for a procedure on `card`. */
  const steps = (id: string, card: Card, code = 'AAAAAAAA') => ({
    documents: ['POST', h().proc(id, '/documents'), { presented: ['my_number_card', 'passport', 'driving_licence'], holderPresent: true }],
    card: ['POST', h().proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }],
    'pin-pad': ['POST', h().proc(id, '/pin-pad'), undefined],
    letter: ['POST', h().proc(id, '/letter'), undefined],
    answer: ['POST', h().proc(id, '/answer'), { code, presented: ['passport', 'driving_licence'] }],
    cancel: ['POST', h().proc(id, '/cancel'), { reason: 'again' }],
  }) as const;

  async function expectEveryStepRefused(clerk: Headers, id: string, card: Card, state: string) {
    const before = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    for (const [name, [method, path, body]] of Object.entries(steps(id, card))) {
      const r = await h().call(method, path, body, clerk);
      expect([r.status, r.body.error?.code, r.body.error?.state], `${state}: ${name}`).toEqual([409, 'PROCEDURE_INVALID_TRANSITION', state]);
    }
    const after = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    expect(after.state).toBe(state);
    expect(after.history).toEqual(before.history);
  }

  it('refuses every step on a completed procedure', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id, token } = await h().sameDayAtPad(clerk, card);
    expect((await h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: '6284' } })).status).toBe(200);
    await expectEveryStepRefused(clerk, id, card, 'completed');
  });

  it('refuses every step on a cancelled procedure', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const id = await h().open(clerk, card.residentId, 'self', ['auth']);
    expect((await h().call('POST', h().proc(id, '/cancel'), { reason: '本人の都合' }, clerk)).body.state).toBe('cancelled');
    await expectEveryStepRefused(clerk, id, card, 'cancelled');
  });

  it('refuses every step on an expired procedure, the right code included', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id, code, letter } = await h().letterIssued(clerk, card, codes);
    now = new Date(new Date(letter.deadline).getTime() + 1000);
    const late = await h().clerk();
    expect((await h().call('POST', h().proc(id, '/answer'), { code, presented: ['passport', 'driving_licence'] }, late)).body.error.code).toBe('DEADLINE_PASSED');
    const expired = (await h().call('GET', h().proc(id), undefined, late)).body;
    expect(expired).toMatchObject({ state: 'expired', letter: { status: 'expired' } });
    const before = expired.history;
    for (const [name, [method, path, body]] of Object.entries(steps(id, card, code))) {
      const r = await h().call(method, path, body, late);
      // The answer step looks at the letter first: it is void, so the transition is refused with the letter's state.
      expect([r.status, r.body.error?.code], name).toEqual([409, 'PROCEDURE_INVALID_TRANSITION']);
    }
    expect((await h().call('GET', h().proc(id), undefined, late)).body.history).toEqual(before);
  });

  it('lets exactly one of two clerks present the card at the same moment', async () => {
    const [a, b] = [await h().clerk(), await h().clerk()];
    const card = await h().lockedCard();
    const id = await h().open(a, card.residentId, 'self', ['auth']);
    await h().call('POST', h().proc(id, '/documents'), { presented: ['my_number_card', 'passport'], holderPresent: true }, a);
    const answers = await Promise.all([a, b].map((clerk) => h().call('POST', h().proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }, clerk)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(answers.find((r) => r.status === 409)!.body.error).toMatchObject({ code: 'PROCEDURE_INVALID_TRANSITION', state: 'card_presented', step: 'present_card' });
    const p = (await h().call('GET', h().proc(id), undefined, a)).body;
    expect(p.history.filter((s: { step: string }) => s.step === 'present_card')).toHaveLength(1);
  });

  it('leaves one working PIN pad when two clerks open one at once, and takes one of two submissions', async () => {
    const [a, b] = [await h().clerk(), await h().clerk()];
    const card = await h().lockedCard();
    const id = await h().open(a, card.residentId, 'self', ['auth']);
    await h().call('POST', h().proc(id, '/documents'), { presented: ['my_number_card', 'passport'], holderPresent: true }, a);
    await h().call('POST', h().proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }, a);
    // The procedure row serialises the two: one opens the pad, the other (now "awaiting PINs") opens a new one that
    // replaces it. Exactly one address works.
    const pads = await Promise.all([a, b].map((clerk) => h().call('POST', h().proc(id, '/pin-pad'), undefined, clerk)));
    expect(pads.map((r) => r.status)).toEqual([200, 200]);
    const tokens = pads.map((r) => String(r.body.pinPadUrl).split('/').pop());
    const views = await Promise.all(tokens.map((t) => h().call('GET', `/api/v1/pinpad/${t}`)));
    expect(views.map((v) => v.status).sort()).toEqual([200, 410]);
    const history = (await h().call('GET', h().proc(id), undefined, a)).body.history;
    expect(history.filter((s: { step: string }) => s.step === 'open_pin_pad')).toHaveLength(2);
    const token = tokens[views.findIndex((v) => v.status === 200)];
    const submissions = await Promise.all(['6284', '7135'].map((pin) => h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: pin } })));
    expect(submissions.map((r) => r.status).sort()).toEqual([200, 410]);
    expect(submissions.find((r) => r.status === 410)!.body.error.code).toBe('PIN_PAD_EXPIRED');
    const accepted = submissions[0]!.status === 200 ? '6284' : '7135';
    const refused = accepted === '6284' ? '7135' : '6284';
    expect((await h().http.verify(card, 'auth', accepted)).status).toBe(200);
    expect((await h().http.verify(card, 'auth', refused)).body.error.code).toBe('PIN_INCORRECT');
  });

  it('ends the procedure when its letter comes back undeliverable; the answer is then refused', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id, letter, code } = await h().letterIssued(clerk, card, codes);
    expect((await h().call('POST', `/api/v1/counter/letters/${letter.id}/mailed`, undefined, clerk)).body.status).toBe('mailed');
    const back = await h().call('POST', `/api/v1/counter/letters/${letter.id}/undeliverable`, undefined, clerk);
    expect(back).toMatchObject({ status: 200, body: { id: letter.id, status: 'undeliverable' } });
    const p = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    expect(p).toMatchObject({ state: 'cancelled', letter: { status: 'undeliverable' } });
    expect(p.history.at(-1)).toMatchObject({ from: 'letter_issued', to: 'cancelled', step: 'cancel' });
    const answer = await h().call('POST', h().proc(id, '/answer'), { code, presented: ['passport', 'driving_licence'] }, clerk);
    expect([answer.status, answer.body.error.code]).toEqual([409, 'PROCEDURE_INVALID_TRANSITION']);
    // An undeliverable letter cannot be mailed or returned again.
    for (const move of ['mailed', 'undeliverable']) {
      const r = await h().call('POST', `/api/v1/counter/letters/${letter.id}/${move}`, undefined, clerk);
      expect(r.body.error).toMatchObject({ code: 'CONFLICT', from: 'undeliverable', to: move });
    }
    const audit = await h().call('GET', `/api/v1/audit?limit=20&target=${letter.id}`, undefined, await h().clerk('111007', 'supervisor'));
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['letter.undeliverable', 'letter.mailed', 'letter.issued']);
  });

  it('voids the letter when its procedure is cancelled; its code no longer works', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const { id, letter, code } = await h().letterIssued(clerk, card, codes);
    const cancelled = await h().call('POST', h().proc(id, '/cancel'), { reason: '代理人が辞退' }, clerk);
    expect(cancelled.body.state).toBe('cancelled');
    const p = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    expect(p.letter).toMatchObject({ id: letter.id, status: 'cancelled' });
    const answer = await h().call('POST', h().proc(id, '/answer'), { code, presented: ['passport', 'driving_licence'] }, clerk);
    expect([answer.status, answer.body.error.code]).toEqual([409, 'PROCEDURE_INVALID_TRANSITION']);
    expect((await h().call('POST', `/api/v1/counter/letters/${letter.id}/mailed`, undefined, clerk)).body.error).toMatchObject({ code: 'CONFLICT', from: 'cancelled' });
    const listed = await h().call('GET', '/api/v1/counter/letters?status=queued,mailed', undefined, clerk);
    expect(listed.body.letters.map((l: { id: string }) => l.id)).not.toContain(letter.id);
  });

  it('keeps the PIN pad open for 15 minutes and not a second longer; a new pad then takes the PINs', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const opened = now;
    const { id, token } = await h().sameDayAtPad(clerk, card);
    now = new Date(opened.getTime() + 15 * MINUTE - 1000);
    expect((await h().call('GET', `/api/v1/pinpad/${token}`)).status).toBe(200);
    now = new Date(opened.getTime() + 15 * MINUTE);
    const view = await h().call('GET', `/api/v1/pinpad/${token}`);
    expect([view.status, view.body.error.code]).toEqual([410, 'PIN_PAD_EXPIRED']);
    const late = await h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: '6284' } });
    expect([late.status, late.body.error.code]).toEqual([410, 'PIN_PAD_EXPIRED']);
    // Nothing was written; the procedure waits, and the clerk (signed in again) opens a new pad, which takes the PINs:
    // the holder does not start over.
    expect((await h().http.status(card)).body.pins.auth).toMatchObject({ remaining: 0, locked: true });
    const again = await h().clerk();
    expect((await h().call('GET', h().proc(id), undefined, again)).body.state).toBe('awaiting_pins');
    const reopened = await h().call('POST', h().proc(id, '/pin-pad'), undefined, again);
    expect([reopened.status, reopened.body.procedure.state]).toEqual([200, 'awaiting_pins']);
    const token2 = reopened.body.pinPadUrl.split('/').pop();
    expect((await h().call('GET', `/api/v1/pinpad/${token}`)).status).toBe(410);
    expect((await h().call('POST', `/api/v1/pinpad/${token2}`, { pins: { auth: '6284' } })).status).toBe(200);
    expect((await h().call('GET', h().proc(id), undefined, again)).body.state).toBe('completed');
    expect((await h().http.status(card)).body.pins.auth).toMatchObject({ remaining: 3, locked: false });
  });

  it('takes the PINs in the pad’s last second', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const opened = now;
    const { token } = await h().sameDayAtPad(clerk, card);
    now = new Date(opened.getTime() + 15 * MINUTE - 1);
    expect((await h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: '6284' } })).status).toBe(200);
    expect((await h().http.verify(card, 'auth', '6284')).status).toBe(200);
  });
});
