import 'reflect-metadata';
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS, uniqueMyNumber } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

function publicKeyOf(certB64: string) {
  const cert = new x509.X509Certificate(Buffer.from(certB64, 'base64'));
  return { cert, key: createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' }) };
}

// An injected clock: dates asserted below do not drift with the real one (a child born 2016 turns 15 in 2031).
const NOW = new Date('2026-03-03T01:00:00Z'); // 2026-03-03 10:00 JST

describe.each(STORES)('card API on %s', (store) => {
  let system: TestSystem;
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => NOW });
    http = api(system);
  });
  afterAll(async () => system?.dispose());

  it('issues a card with four full slots and two valid certificates', async () => {
    const card = await http.newCard();
    const { status, body } = await http.status(card);
    expect(status).toBe(200);
    expect(body.status).toBe('active');
    expect(body.pins.auth).toMatchObject({ remaining: 3, max: 3, locked: false });
    expect(body.pins.sign).toMatchObject({ remaining: 5, max: 5, locked: false });
    expect(body.pins.assist).toMatchObject({ remaining: 3, max: 3 });
    expect(body.pins.juki).toMatchObject({ remaining: 3, max: 3 });
    expect(body.certificates.auth.status).toBe('valid');
    expect(body.certificates.sign.status).toBe('valid');
    // 1980-05-14, issued 2026-03-03: the 10th birthday after issuance, 23:59:59 JST; certificates the 5th.
    expect(body.issuedAt).toBe(NOW.toISOString());
    expect(body.expiresAt).toBe('2035-05-14T14:59:59.000Z');
    expect(body.certificates.auth.notAfter).toBe('2030-05-14T14:59:59.000Z');
    expect(body.certificates.sign.notAfter).toBe('2030-05-14T14:59:59.000Z');
  });

  it('counts consecutive failures, restores on success and locks the auth slot after the third wrong PIN', async () => {
    const card = await http.newCard();
    expect((await http.verify(card, 'auth', '9999')).body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining: 2 });
    expect((await http.verify(card, 'auth', '9998')).body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining: 1 });
    expect(await http.verify(card, 'auth', PINS.auth)).toMatchObject({ status: 200, body: { slot: 'auth', remaining: 3 } });
    await http.verify(card, 'auth', '9999');
    await http.verify(card, 'auth', '9999');
    const third = await http.verify(card, 'auth', '9999');
    expect(third.status).toBe(423);
    expect(third.body.error).toMatchObject({ code: 'PIN_LOCKED', slot: 'auth' });
    const status = await http.status(card);
    expect(status.body.pins.auth).toEqual({ remaining: 0, max: 3, locked: true, lockedAt: NOW.toISOString() });
    // the other slots count separately
    expect(status.body.pins.assist.remaining).toBe(3);
  });

  it('answers a locked slot the same whether the PIN is right or wrong', async () => {
    const card = await http.newCard();
    for (let i = 0; i < 3; i += 1) await http.verify(card, 'auth', '9999');
    const right = await http.verify(card, 'auth', PINS.auth);
    const wrong = await http.verify(card, 'auth', '1357');
    expect(right.status).toBe(423);
    expect(right).toEqual(wrong);
    expect((await http.status(card)).body.pins.auth.remaining).toBe(0);
  });

  it('locks the signing slot only after the fifth wrong password', async () => {
    const card = await http.newCard();
    for (let i = 4; i >= 1; i -= 1) {
      expect((await http.verify(card, 'sign', 'WRONG1')).body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining: i });
    }
    expect((await http.verify(card, 'sign', 'WRONG1')).body.error.code).toBe('PIN_LOCKED');
  });

  it('normalises full-width digits and a lowercase signing password before comparing', async () => {
    const card = await http.newCard();
    expect((await http.verify(card, 'auth', '４８３１')).status).toBe(200);
    expect((await http.verify(card, 'sign', 'kagiya2468')).status).toBe(200);
    expect((await http.verify(card, 'sign', 'ＫＡＧＩＹＡ２４６８')).status).toBe(200);
  });

  it('refuses a malformed PIN with PIN_FORMAT and spends no try', async () => {
    const card = await http.newCard();
    for (const [slot, pin] of [['auth', '123'], ['auth', '12a4'], ['auth', '12345'], ['sign', 'AB12'], ['sign', 'ABC-123'], ['juki', '']] as const) {
      const res = await http.verify(card, slot, pin);
      expect(res.status, `${slot} ${pin}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'PIN_FORMAT', slot, triesSpent: 0 });
    }
    const status = await http.status(card);
    expect(status.body.pins.auth.remaining).toBe(3);
    expect(status.body.pins.sign.remaining).toBe(5);
    expect(status.body.pins.juki.remaining).toBe(3);
  });

  it('answers an unknown card, a wrong card key and a malformed card id identically', async () => {
    const card = await http.newCard();
    const wrongKey = await http.verify({ cardId: card.cardId, cardKey: 'x'.repeat(43) }, 'auth', PINS.auth);
    const unknown = await http.verify({ cardId: '00000000-0000-4000-8000-000000000000', cardKey: card.cardKey }, 'auth', PINS.auth);
    const malformed = await http.verify({ cardId: 'not-a-card', cardKey: card.cardKey }, 'auth', PINS.auth);
    const noKey = await http.call('GET', `/api/v1/cards/${card.cardId}/status`);
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error.code).toBe('CARD_REJECTED');
    expect(unknown).toEqual(wrongKey);
    expect(malformed).toEqual(wrongKey);
    expect(noKey).toEqual(wrongKey);
    // a wrong card key spends nothing
    expect((await http.status(card)).body.pins.auth.remaining).toBe(3);
  });

  it('changes a PIN with the current one, refuses a weak new PIN without spending a try', async () => {
    const card = await http.newCard();
    const path = `/api/v1/cards/${card.cardId}/pins/auth/change`;
    const headers = { 'x-card-key': card.cardKey };
    const weak = await http.call('POST', path, { body: { currentPin: PINS.auth, newPin: '1234' }, headers });
    expect(weak.status).toBe(400);
    expect(weak.body.error).toMatchObject({ code: 'PIN_WEAK', rule: 'SEQUENCE' });
    const wrongCurrent = await http.call('POST', path, { body: { currentPin: '9999', newPin: '6284' }, headers });
    expect(wrongCurrent.body.error).toMatchObject({ code: 'PIN_INCORRECT', remaining: 2 });
    const changed = await http.call('POST', path, { body: { currentPin: PINS.auth, newPin: '6284' }, headers });
    expect(changed).toMatchObject({ status: 200, body: { slot: 'auth', remaining: 3 } });
    expect((await http.verify(card, 'auth', PINS.auth)).body.error.code).toBe('PIN_INCORRECT');
    expect((await http.verify(card, 'auth', '6284')).status).toBe(200);
  });

  it('authenticates: signs the challenge with a key whose certificate carries no personal data', async () => {
    const card = await http.newCard();
    const challenge = Buffer.from('relying-party-nonce-0123456789');
    const res = await http.call('POST', `/api/v1/cards/${card.cardId}/authenticate`, {
      body: { pin: PINS.auth, challenge: challenge.toString('base64') },
      headers: { 'x-card-key': card.cardKey, 'x-kagiya-channel': 'pc', 'x-kagiya-service': 'mynaportal' },
    });
    expect(res.status).toBe(200);
    const { cert, key } = publicKeyOf(res.body.certificate);
    expect(verifySignature('sha256', challenge, key, Buffer.from(res.body.signature, 'base64'))).toBe(true);
    expect(Buffer.from(cert.rawData).includes(Buffer.from('山田'))).toBe(false);
    const events = await http.events(card);
    expect(events.body.events[0]).toMatchObject({ operation: 'authenticate', slot: 'auth', result: 'success', channel: 'pc', service: 'mynaportal' });
  });

  it('signs a digest with the signing key; the certificate carries the holder\'s name', async () => {
    const card = await http.newCard();
    const document = Buffer.from('確定申告書 2026');
    const digest = createHash('sha256').update(document).digest();
    const res = await http.call('POST', `/api/v1/cards/${card.cardId}/sign`, {
      body: { pin: PINS.sign, digest: digest.toString('base64') },
      headers: { 'x-card-key': card.cardKey },
    });
    expect(res.status).toBe(200);
    const { cert, key } = publicKeyOf(res.body.certificate);
    expect(verifySignature('sha256', document, key, Buffer.from(res.body.signature, 'base64'))).toBe(true);
    expect(Buffer.from(cert.rawData).includes(Buffer.from('山田 太郎'))).toBe(true);
    const bad = await http.call('POST', `/api/v1/cards/${card.cardId}/sign`, {
      body: { pin: PINS.sign, digest: Buffer.alloc(20).toString('base64') },
      headers: { 'x-card-key': card.cardKey },
    });
    expect(bad.body.error.code).toBe('INVALID_REQUEST');
    expect((await http.status(card)).body.pins.sign.remaining).toBe(5);
  });

  it('reads the My Number and 4 attributes only after the assist PIN', async () => {
    const card = await http.newCard({ name: '佐藤 花子', sex: 'female', birthDate: '1972-11-03' });
    const wrong = await http.call('POST', `/api/v1/cards/${card.cardId}/attributes`, { body: { pin: '9999' }, headers: { 'x-card-key': card.cardKey } });
    expect(wrong.body.error.code).toBe('PIN_INCORRECT');
    expect(JSON.stringify(wrong.body)).not.toMatch(/\d{12}/);
    const res = await http.call('POST', `/api/v1/cards/${card.cardId}/attributes`, { body: { pin: PINS.assist }, headers: { 'x-card-key': card.cardKey } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '佐藤 花子', sex: 'female', birthDate: '1972-11-03' });
    expect(res.body.myNumber).toMatch(/^\d{12}$/);
  });

  it('records who spent which try, through what, with what result', async () => {
    const card = await http.newCard();
    await http.verify(card, 'auth', '9999', { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax', 'x-kagiya-terminal': 'iPhone app' });
    await http.verify(card, 'auth', '12');
    const { body } = await http.events(card);
    const [format, wrong] = body.events;
    expect(wrong).toMatchObject({ operation: 'verify', slot: 'auth', result: 'incorrect', remainingAfter: 2, channel: 'smartphone', service: 'e-tax', terminal: 'iPhone app' });
    expect(format).toMatchObject({ result: 'refused', code: 'PIN_FORMAT', remainingAfter: 2 });
    expect(body.events.at(-1)).toMatchObject({ operation: 'issue', result: 'done' });
  });

  it('suspends, restores and revokes a card; refusals name the card state, never a lock', async () => {
    const card = await http.newCard();
    const act = (action: string) => http.call('POST', `/api/v1/cards/${card.cardId}/${action}`, { body: { reason: 'test' }, headers: http.admin });
    expect((await act('restore')).body.error.code).toBe('CONFLICT');
    expect((await act('suspend')).body).toEqual({ cardId: card.cardId, status: 'suspended' });
    const suspended = await http.verify(card, 'auth', PINS.auth);
    expect(suspended.body.error.code).toBe('CARD_SUSPENDED');
    expect((await http.status(card)).body.certificates.auth.status).toBe('suspended');
    expect((await act('restore')).body.status).toBe('active');
    expect((await http.verify(card, 'auth', PINS.auth)).status).toBe(200);
    expect((await act('revoke')).body.status).toBe('revoked');
    const revoked = await http.verify(card, 'auth', PINS.auth);
    expect(revoked.body.error.code).toBe('CARD_REVOKED');
    const status = await http.status(card);
    expect(status.body.pins.auth.remaining).toBe(3);
    expect(status.body.certificates.sign.status).toBe('revoked');
  });

  it('revokes the signing certificate on a move and keeps the authentication certificate', async () => {
    const card = await http.newCard();
    const moved = await http.call('POST', `/api/v1/residents/${card.residentId}/move`, {
      body: { address: '埼玉県さいたま市大宮区吉敷町1丁目124番地1', municipalityCode: '111007' },
      headers: http.admin,
    });
    expect(moved.body).toEqual({ residentId: card.residentId, revokedSigningCertificates: 1 });
    const sign = await http.verify(card, 'sign', PINS.sign);
    expect(sign.status).toBe(410);
    expect(sign.body.error.code).toBe('CERT_REVOKED');
    expect((await http.verify(card, 'auth', PINS.auth)).status).toBe(200);
    const status = await http.status(card);
    expect(status.body.certificates).toMatchObject({ auth: { status: 'valid' }, sign: { status: 'revoked', reason: 'address changed' } });
    expect(status.body.pins.sign.remaining).toBe(5);
  });

  it('issues no signing slot or certificate to an under-15', async () => {
    const r = await http.createResident({ birthDate: '2016-07-20', name: '伊藤 蓮' });
    const withSign = await http.issueCard(r.body.id);
    expect(withSign.body.error.code).toBe('INVALID_REQUEST');
    const { sign: _sign, ...pins } = PINS;
    const card = await http.issueCard(r.body.id, pins);
    expect(card.status).toBe(201);
    const status = await http.status({ cardId: card.body.cardId, cardKey: card.body.cardKey });
    expect(status.body.pins.sign).toBeNull();
    expect(status.body.certificates.sign.status).toBe('absent');
    // Under 18: the 5th birthday after issuance (2026-07-20 is the first).
    expect(status.body.expiresAt).toBe('2030-07-20T14:59:59.000Z');
    const verify = await http.verify({ cardId: card.body.cardId, cardKey: card.body.cardKey }, 'sign', PINS.sign);
    expect(verify.body.error.code).toBe('PIN_SLOT_ABSENT');
  });

  it('refuses weak PINs at issuance, naming the rule and the slot', async () => {
    const r = await http.createResident({ birthDate: '1980-05-14' });
    const cases: [Record<string, string>, string, string][] = [
      [{ ...PINS, auth: '1111' }, 'auth', 'REPEATED'],
      [{ ...PINS, juki: '0514' }, 'juki', 'BIRTH_DATE'],
      [{ ...PINS, sign: 'ABCDEFGH' }, 'sign', 'SIGN_LETTER_AND_DIGIT'],
    ];
    for (const [pins, slot, rule] of cases) {
      const res = await http.issueCard(r.body.id, pins);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'PIN_WEAK', slot, rule });
    }
  });

  it('validates residents: check digit, municipality, duplicate My Number; never echoes the number', async () => {
    const DUPLICATE = uniqueMyNumber();
    const bad = await http.createResident({ myNumber: '123456789012' });
    expect(bad.body.error.code).toBe('INVALID_MY_NUMBER');
    expect(JSON.stringify(bad.body)).not.toContain('123456789012');
    expect((await http.createResident({ municipalityCode: '111008' })).body.error.code).toBe('INVALID_MUNICIPALITY');
    const first = await http.createResident();
    expect(first.status).toBe(201);
    const original = await http.createResident({ name: '別人 次郎', myNumber: DUPLICATE });
    expect(original.status).toBe(201);
    const duplicate = await http.createResident({ name: '別人 三郎', myNumber: DUPLICATE });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('DUPLICATE_MY_NUMBER');
    expect(JSON.stringify(duplicate.body)).not.toContain(DUPLICATE);
    // The first resident is untouched by the refused duplicate.
    const search = await http.call('POST', '/api/v1/counter/residents/search', { body: { myNumber: DUPLICATE }, headers: http.admin });
    expect(search.body.residents.map((r: { id: string }) => r.id)).toEqual([original.body.id]);
  });

  it('requires a bearer token and keeps a clerk to their own municipality', async () => {
    expect((await http.createResident({}, {})).body.error.code).toBe('UNAUTHENTICATED');
    expect((await http.createResident({}, { authorization: 'Bearer nope-nope-nope-nope' })).status).toBe(401);
    const token = await system.tokens.create({ id: system.deps.secrets.newId(), label: 'clerk', role: 'clerk', municipalityCode: '141003', now: NOW });
    const clerk = { authorization: `Bearer ${token}` };
    expect((await http.createResident({ municipalityCode: '111007' }, clerk)).status).toBe(403);
    const own = await http.createResident({ municipalityCode: '141003' }, clerk);
    expect(own.status).toBe(201);
    const other = await http.createResident({ municipalityCode: '111007' });
    const foreign = await http.issueCard(other.body.id, { ...PINS }, clerk);
    expect(foreign.status).toBe(404);
    expect((await http.issueCard(own.body.id, { ...PINS }, clerk)).status).toBe(201);
  });

  it('answers in English when asked, Japanese by default', async () => {
    const card = await http.newCard();
    const ja = await http.verify(card, 'auth', '1');
    const en = await http.verify(card, 'auth', '1', { 'accept-language': 'en-US,en;q=0.9' });
    expect(ja.body.error.message).toMatch(/[ぁ-んァ-ン一-龥]/);
    expect(en.body.error.message).toBe(en.body.error.messages.en);
    expect(en.body.error.messages.ja).toBe(ja.body.error.message);
  });

  it('publishes the OpenAPI document with the contract paths', async () => {
    const { status, body } = await http.call('GET', '/api/openapi.json');
    expect(status).toBe(200);
    for (const path of [
      '/api/v1/residents',
      '/api/v1/cards',
      '/api/v1/cards/{cardId}/status',
      '/api/v1/cards/{cardId}/pins/{slot}/verify',
      '/api/v1/counter/procedures',
      '/api/v1/counter/cards/{cardId}/diagnosis',
      '/api/v1/municipalities/{code}/policy',
    ]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
  });
});
