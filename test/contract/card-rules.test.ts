import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// Card rules through the HTTP API, on an injected clock: ages, wards, reissue, wrong PINs on every PIN-taking
// operation, the refusal order of docs/decisions.md and which characters a PIN may contain.
const NOW = new Date('2026-03-03T01:00:00Z'); // 2026-03-03 10:00 JST, a Tuesday
const { sign: _sign, ...NO_SIGN } = PINS;

describe.each(STORES)('card rules on %s', (store) => {
  let system: TestSystem;
  let now = NOW;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
  });
  afterAll(async () => system?.dispose());
  beforeEach(() => {
    now = NOW;
  });
  const http = () => api(system);
  const cardOf = (r: { body: Record<string, any> }) => ({ cardId: r.body.cardId as string, cardKey: r.body.cardKey as string });

  describe('ages on the issuance day (JST)', () => {
    it.each<[string, string, boolean]>([
      ['turns 15 today: a signing slot and certificate', '2011-03-03', true],
      ['turns 15 tomorrow: no signing slot', '2011-03-04', false],
    ])('%s', async (_name, birthDate, withSign) => {
      const r = await http().createResident({ birthDate });
      const signed = await http().issueCard(r.body.id);
      if (withSign) {
        expect(signed.status).toBe(201);
        const status = await http().status(cardOf(signed));
        expect(status.body.pins.sign).toMatchObject({ remaining: 5, max: 5 });
        expect(status.body.certificates.sign.status).toBe('valid');
      } else {
        expect(signed.status).toBe(400);
        expect(signed.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'pins.sign' });
        const card = await http().issueCard(r.body.id, NO_SIGN);
        expect(card.status).toBe(201);
        const status = await http().status(cardOf(card));
        expect(status.body.pins.sign).toBeNull();
        expect(status.body.certificates.sign).toMatchObject({ status: 'absent', notAfter: null });
      }
    });

    it.each<[string, string, string, string]>([
      // 18 today: the 10th birthday after issuance (a birthday on the issuance day is not "after"); certificates the 5th.
      ['turns 18 today: the card runs to the 10th birthday after issuance', '2008-03-03', '2036-03-03T14:59:59.000Z', '2031-03-03T14:59:59.000Z'],
      ['turns 18 tomorrow: the 5th', '2008-03-04', '2030-03-04T14:59:59.000Z', '2030-03-04T14:59:59.000Z'],
    ])('%s', async (_name, birthDate, cardExpiry, certExpiry) => {
      const card = await http().newCard({ birthDate });
      const status = await http().status(card);
      expect(status.body.expiresAt).toBe(cardExpiry);
      expect(status.body.certificates.auth.notAfter).toBe(certExpiry);
      expect(status.body.certificates.sign.notAfter).toBe(certExpiry);
    });

    it('counts the day in JST: at 23:30 JST on the eve it is still the eve (14:30Z)', async () => {
      now = new Date('2026-03-02T14:30:00Z'); // 2026-03-02 23:30 JST
      const r = await http().createResident({ birthDate: '2011-03-03' });
      expect((await http().issueCard(r.body.id)).body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'pins.sign' });
      now = new Date('2026-03-02T15:00:00Z'); // 2026-03-03 00:00 JST
      expect((await http().issueCard(r.body.id)).status).toBe(201);
    });
  });

  it('gives an adult ward no signing slot or certificate, and everything else', async () => {
    const r = await http().createResident({ birthDate: '1960-08-08', adultWard: true });
    expect(r.status).toBe(201);
    const refused = await http().issueCard(r.body.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'pins.sign' });
    const issued = await http().issueCard(r.body.id, NO_SIGN);
    expect(issued.status).toBe(201);
    const card = cardOf(issued);
    const status = await http().status(card);
    expect(status.body.pins).toMatchObject({ auth: { remaining: 3 }, sign: null, assist: { remaining: 3 }, juki: { remaining: 3 } });
    expect(status.body.certificates).toMatchObject({ auth: { status: 'valid' }, sign: { status: 'absent' } });
    expect(status.body.expiresAt).toBe('2035-08-08T14:59:59.000Z');
    expect((await http().verify(card, 'sign', PINS.sign)).body.error).toMatchObject({ code: 'PIN_SLOT_ABSENT', slot: 'sign' });
    expect((await http().verify(card, 'auth', PINS.auth)).status).toBe(200);
  });

  it("revokes the resident's earlier cards and their certificates when a card is reissued", async () => {
    const first = await http().newCard();
    const reissued = await http().issueCard(first.residentId);
    expect(reissued.status).toBe(201);
    const second = cardOf(reissued);
    expect(second.cardId).not.toBe(first.cardId);
    const old = await http().status(first);
    expect(old.body.status).toBe('revoked');
    expect(old.body.certificates).toMatchObject({ auth: { status: 'revoked' }, sign: { status: 'revoked' } });
    const refused = await http().verify(first, 'auth', PINS.auth);
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('CARD_REVOKED');
    expect((await http().verify(second, 'auth', PINS.auth)).status).toBe(200);
    const third = cardOf(await http().issueCard(first.residentId));
    expect((await http().status(second)).body.status).toBe('revoked');
    expect((await http().status(third)).body.status).toBe('active');
  });

  describe('wrong PINs on authenticate and sign', () => {
    const challenge = Buffer.from('relying-party-nonce-0123456789').toString('base64');
    const digest = Buffer.alloc(32, 7).toString('base64');
    const authenticate = (card: { cardId: string; cardKey: string }, pin: string) =>
      http().call('POST', `/api/v1/cards/${card.cardId}/authenticate`, { body: { pin, challenge, confirmLastTry: true }, headers: { 'x-card-key': card.cardKey } });
    const sign = (card: { cardId: string; cardKey: string }, pin: string) =>
      http().call('POST', `/api/v1/cards/${card.cardId}/sign`, { body: { pin, digest, confirmLastTry: true }, headers: { 'x-card-key': card.cardKey } });

    it('spends an auth try per wrong PIN on authenticate, signs nothing, and locks on the third', async () => {
      const card = await http().newCard();
      for (const remaining of [2, 1]) {
        const r = await authenticate(card, '9999');
        expect(r.status).toBe(401);
        expect(r.body).toEqual({ error: expect.objectContaining({ code: 'PIN_INCORRECT', slot: 'auth', remaining }) });
      }
      const third = await authenticate(card, '9999');
      expect(third.status).toBe(423);
      expect(third.body.error).toMatchObject({ code: 'PIN_LOCKED', slot: 'auth' });
      expect(third.body.signature).toBeUndefined();
      expect((await authenticate(card, PINS.auth)).body.error.code).toBe('PIN_LOCKED');
      const status = await http().status(card);
      expect(status.body.pins.auth).toEqual({ remaining: 0, max: 3, locked: true, lockedAt: NOW.toISOString() });
      expect(status.body.pins.sign.remaining).toBe(5);
      const events = (await http().events(card)).body.events.filter((e: { operation: string }) => e.operation === 'authenticate');
      expect(events.map((e: { result: string; remainingAfter: number }) => [e.result, e.remainingAfter])).toEqual([
        ['refused', 0],
        ['incorrect', 0],
        ['incorrect', 1],
        ['incorrect', 2],
      ]);
    });

    it('spends a sign try per wrong password on sign, restores on the right one, and locks on the fifth', async () => {
      const card = await http().newCard();
      expect((await sign(card, 'WRONG1')).body.error).toMatchObject({ code: 'PIN_INCORRECT', slot: 'sign', remaining: 4 });
      const right = await sign(card, PINS.sign.toLowerCase());
      expect(right.status).toBe(200);
      expect(right.body.signature).toEqual(expect.any(String));
      for (const remaining of [4, 3, 2, 1]) expect((await sign(card, 'WRONG1')).body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining });
      const fifth = await sign(card, 'WRONG1');
      expect(fifth.status).toBe(423);
      expect(fifth.body.error).toMatchObject({ code: 'PIN_LOCKED', slot: 'sign' });
      expect((await sign(card, PINS.sign)).body.error.code).toBe('PIN_LOCKED');
      expect((await http().status(card)).body.pins).toMatchObject({ sign: { remaining: 0, locked: true, lockedAt: NOW.toISOString() }, auth: { remaining: 3 } });
    });
  });

  describe('the refusal order (docs/decisions.md: revoked → suspended → expired → slot absent → certificate → locked → format)', () => {
    const lock = async (card: { cardId: string; cardKey: string }, slot: 'auth' | 'sign' | 'juki') => {
      for (let i = 0; i < (slot === 'sign' ? 5 : 3); i += 1) await http().verify(card, slot, slot === 'sign' ? 'WRONG1' : '9999');
    };
    const act = (cardId: string, action: string) => http().call('POST', `/api/v1/cards/${cardId}/${action}`, { body: { reason: 'test' }, headers: http().admin });

    it('answers a malformed PIN on a locked slot PIN_LOCKED, and spends nothing', async () => {
      const card = await http().newCard();
      await lock(card, 'auth');
      const before = (await http().events(card)).body.events.length;
      for (const malformed of ['12', '12a4', '①②③④']) {
        const r = await http().verify(card, 'auth', malformed);
        expect(r.status).toBe(423);
        expect(r.body.error).toMatchObject({ code: 'PIN_LOCKED', slot: 'auth' });
      }
      expect((await http().status(card)).body.pins.auth).toMatchObject({ remaining: 0, locked: true });
      // Each refusal is recorded, none as a spent try.
      const events = (await http().events(card)).body.events.slice(0, 3);
      expect((await http().events(card)).body.events.length).toBe(before + 3);
      expect(events.every((e: { result: string }) => e.result === 'refused')).toBe(true);
    });

    it('names the revoked card before a suspension, an expiry, a lock or a malformed PIN', async () => {
      const card = await http().newCard();
      await lock(card, 'auth');
      await act(card.cardId, 'suspend');
      await act(card.cardId, 'revoke');
      now = new Date('2040-01-01T01:00:00Z');
      expect((await http().verify(card, 'auth', '1')).body.error.code).toBe('CARD_REVOKED');
    });

    it('names a suspension before an expiry, a lock or a malformed PIN', async () => {
      const card = await http().newCard();
      await lock(card, 'auth');
      await act(card.cardId, 'suspend');
      expect((await http().verify(card, 'auth', '1')).body.error.code).toBe('CARD_SUSPENDED');
      now = new Date('2040-01-01T01:00:00Z');
      expect((await http().verify(card, 'auth', '1')).body.error.code).toBe('CARD_SUSPENDED');
    });

    it('names an expired card before a lock or a malformed PIN', async () => {
      const card = await http().newCard({ birthDate: '1980-05-14' });
      await lock(card, 'juki');
      now = new Date('2035-05-14T15:00:00Z');
      expect((await http().verify(card, 'juki', '1')).body.error.code).toBe('CARD_EXPIRED');
    });

    it('names an absent slot before a malformed PIN', async () => {
      const r = await http().createResident({ birthDate: '2016-07-20' });
      const card = cardOf(await http().issueCard(r.body.id, NO_SIGN));
      expect((await http().verify(card, 'sign', '!')).body.error).toMatchObject({ code: 'PIN_SLOT_ABSENT', slot: 'sign' });
    });

    it('names a revoked certificate before a lock or a malformed PIN', async () => {
      const card = await http().newCard();
      await lock(card, 'sign');
      await http().call('POST', `/api/v1/residents/${card.residentId}/move`, { body: { address: '埼玉県さいたま市大宮区吉敷町1丁目124番地1', municipalityCode: '111007' }, headers: http().admin });
      const r = await http().verify(card, 'sign', 'x');
      expect(r.status).toBe(410);
      expect(r.body.error).toMatchObject({ code: 'CERT_REVOKED', slot: 'sign' });
    });

    it('answers a malformed PIN on a usable slot PIN_FORMAT with no try spent', async () => {
      const card = await http().newCard();
      expect((await http().verify(card, 'auth', '12')).body.error).toMatchObject({ code: 'PIN_FORMAT', triesSpent: 0 });
      expect((await http().status(card)).body.pins.auth.remaining).toBe(3);
    });
  });

  describe('which characters a PIN may contain (docs/decisions.md)', () => {
    it('takes full-width digits and letters as the same keys', async () => {
      const card = await http().newCard();
      expect((await http().verify(card, 'auth', '４８３１')).status).toBe(200);
      expect((await http().verify(card, 'sign', 'ｋａｇｉｙａ２４６８')).status).toBe(200);
    });

    it.each<[string, 'auth' | 'assist' | 'sign', string]>([
      ['circled digits', 'auth', '④⑧③①'],
      ['superscript digits', 'assist', '⁷³⁹²'],
      ['a ligature in the signing password', 'sign', 'KAGIYA2468ﬁ'],
    ])('refuses %s as PIN_FORMAT, spending no try, even when they decompose to the right PIN', async (_name, slot, pin) => {
      const card = await http().newCard();
      const r = await http().verify(card, slot, pin);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'PIN_FORMAT', slot, reason: 'CHARSET', triesSpent: 0 });
      expect((await http().status(card)).body.pins[slot].remaining).toBe(slot === 'sign' ? 5 : 3);
    });

    it('refuses a new signing password with a ligature (ﬁ would otherwise become FI)', async () => {
      const card = await http().newCard();
      const r = await http().call('POST', `/api/v1/cards/${card.cardId}/pins/sign/change`, { body: { currentPin: PINS.sign, newPin: 'ﬁREFOX77' }, headers: { 'x-card-key': card.cardKey } });
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 'PIN_FORMAT', slot: 'sign' });
      expect((await http().verify(card, 'sign', 'FIREFOX77')).body.error.code).toBe('PIN_INCORRECT');
    });
  });

  describe('POST /api/v1/staff', () => {
    const create = (headers: Record<string, string>, body: Record<string, unknown>) => http().call('POST', '/api/v1/staff', { body, headers });
    const clerkBody = (loginId: string, extra: Record<string, unknown> = {}) => ({ loginId, name: '窓口 太郎', role: 'clerk', municipalityCode: '111007', password: 'a long enough password', ...extra });

    it('creates a clerk for a national admin, returns the TOTP secret once, audits it, and the clerk signs in', async () => {
      const r = await create(http().admin, clerkBody('clerk.staff-api.1'));
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), totpSecret: expect.stringMatching(/^[A-Z2-7]{16,}$/) });
      const { currentTotp } = await import('../../src/adapters/crypto/totp.js');
      const login = await http().call('POST', '/api/v1/staff/session', { body: { loginId: 'clerk.staff-api.1', password: 'a long enough password', totp: currentTotp(r.body.totpSecret, now) } });
      expect(login.status).toBe(200);
      expect(login.body.staff).toMatchObject({ role: 'clerk', municipalityCode: '111007', name: '窓口 太郎' });
      const audit = await http().call('GET', `/api/v1/audit?limit=20&target=${r.body.id}`, { headers: http().admin });
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['staff.signed_in', 'staff.created']);
      expect(JSON.stringify(audit.body)).not.toContain('a long enough password');
      expect(JSON.stringify(audit.body)).not.toContain(r.body.totpSecret);
    });

    it.each<[string, Record<string, unknown>, number, string]>([
      ['a national role bound to a municipality', { role: 'auditor' }, 400, 'INVALID_REQUEST'],
      ['a municipal role without a municipality', { municipalityCode: null }, 400, 'INVALID_REQUEST'],
      ['a short password', { password: 'short' }, 400, 'INVALID_REQUEST'],
      ['an unknown municipality', { municipalityCode: '111008' }, 400, 'INVALID_MUNICIPALITY'],
      ['a malformed login id', { loginId: 'Bad Login!' }, 400, 'INVALID_REQUEST'],
    ])('refuses %s', async (_name, extra, status, code) => {
      const r = await create(http().admin, clerkBody(`clerk.refused.${Math.random().toString(36).slice(2, 8)}`, extra));
      expect(r.status).toBe(status);
      expect(r.body.error.code).toBe(code);
    });

    it('refuses a login id already taken (409) and anyone but an admin of that municipality', async () => {
      expect((await create(http().admin, clerkBody('clerk.taken'))).status).toBe(201);
      const again = await create(http().admin, clerkBody('clerk.taken'));
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'CONFLICT', field: 'loginId' });
      expect((await create({}, clerkBody('clerk.anon'))).status).toBe(401);
      const tokenOf = (role: 'clerk' | 'municipal_admin', municipalityCode: string) => system.tokens.create({ id: system.deps.secrets.newId(), label: role, role, municipalityCode, now });
      const clerk = { authorization: `Bearer ${await tokenOf('clerk', '111007')}` };
      expect((await create(clerk, clerkBody('clerk.by-clerk'))).body.error.code).toBe('FORBIDDEN');
      const yokohamaAdmin = { authorization: `Bearer ${await tokenOf('municipal_admin', '141003')}` };
      expect((await create(yokohamaAdmin, clerkBody('clerk.by-yokohama'))).body.error.code).toBe('FORBIDDEN');
      expect((await create(yokohamaAdmin, clerkBody('auditor.by-yokohama', { role: 'auditor', municipalityCode: null }))).body.error.code).toBe('FORBIDDEN');
      expect((await create(yokohamaAdmin, clerkBody('clerk.yokohama.own', { municipalityCode: '141003' }))).status).toBe(201);
    });
  });
});
