import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STATUS } from '../../src/adapters/http/error-response.js';
import { PINS } from '../support/factories.js';
import { startOidcServer, type OidcServer, type TestClient } from '../support/oidc-server.js';
import { STORES } from '../support/test-db.js';
import { discover, refusalOf, startLogin, submitLogin } from './flow-helpers.js';

// The login page tells the truth (issue #9 item 2): every refusal from the same code table as the API, and
// nothing that is not a lock is called one.

describe.each(STORES)('card login refusals (%s)', (store) => {
  let server: OidcServer;
  let rp: TestClient;
  let signRp: TestClient;

  beforeAll(async () => {
    server = await startOidcServer(store);
    rp = await server.registerClient('rp-login', 'http://127.0.0.1:39101');
    signRp = await server.registerClient('rp-signer', 'http://127.0.0.1:39102', ['openid', 'jpki_sign_attributes']);
  });
  afterAll(async () => server?.close());

  const login = async (c: TestClient, fields: Parameters<typeof submitLogin>[3], scope = 'openid') => {
    const config = await discover(server.issuer, c);
    const { agent, uid } = await startLogin(server.issuer, config, c, scope);
    return submitLogin(agent, uid, c, fields);
  };
  const cardJson = (card: { cardId: string; cardKey: string }) => JSON.stringify({ cardId: card.cardId, cardKey: card.cardKey });
  const authRemaining = async (card: { cardId: string; cardKey: string }) => (await server.http.status(card)).body.pins.auth.remaining as number;

  it('a wrong PIN says how many tries are left; the page answers 401 like the API', async () => {
    const card = await server.http.newCard();
    const step = await login(rp, { cardJson: cardJson(card), authPin: '0000' });
    expect(step.status).toBe(401);
    expect(refusalOf(step)).toMatchObject({ code: 'PIN_INCORRECT', slot: 'auth', remaining: '2' });
    expect(step.body).toContain('残り2回です');
  });

  it('a malformed PIN or card file spends no try and says so', async () => {
    const card = await server.http.newCard();
    const malformed = await login(rp, { cardJson: cardJson(card), authPin: '12a' });
    expect(refusalOf(malformed)).toMatchObject({ code: 'PIN_FORMAT', slot: 'auth' });
    expect(malformed.body).toContain('残り回数は減っていません');
    const noFile = await login(rp, { cardJson: '{"cardId": "not a card"}' });
    expect(noFile.status).toBe(400);
    expect(refusalOf(noFile)?.code).toBe('INVALID_REQUEST');
    expect(await authRemaining(card)).toBe(3);
  });

  it('at one try left the page asks before the last try is spent, and only a ticked answer spends it (issue #11)', async () => {
    const card = await server.http.newCard();
    for (let i = 0; i < 2; i += 1) await server.http.verify(card, 'auth', '0000');
    expect(await authRemaining(card)).toBe(1);
    const held = await login(rp, { cardJson: cardJson(card), authPin: '0000' });
    expect(held.status).toBe(428);
    expect(refusalOf(held)).toMatchObject({ code: 'LAST_TRY_CONFIRMATION_REQUIRED', slot: 'auth', remaining: '1' });
    expect(held.body).toContain('data-testid="last-try"');
    expect(held.body).toContain('name="confirmLastTry" value="auth"');
    expect(held.body).not.toMatch(/name="confirmLastTry"[^>]*checked/);
    expect(await authRemaining(card)).toBe(1);
    // The right PIN, unticked, is held back the same way; ticked, it logs in and restores the slot.
    expect(refusalOf(await login(rp, { cardJson: cardJson(card), authPin: PINS.auth }))?.code).toBe('LAST_TRY_CONFIRMATION_REQUIRED');
    const ticked = await login(rp, { cardJson: cardJson(card), authPin: PINS.auth, confirmLastTry: 'auth' });
    expect(ticked.location).toMatch(/^http:\/\/127\.0\.0\.1:39101\/callback\?code=/);
    expect(await authRemaining(card)).toBe(3);
  });

  it('a locked auth slot is named, with the guidance page of the holder\'s municipality', async () => {
    const card = await server.http.newCard({ municipalityCode: '141305', address: '神奈川県川崎市川崎区宮本町1番地' });
    for (let i = 0; i < 3; i += 1) await server.http.verify(card, 'auth', '0000');
    const step = await login(rp, { cardJson: cardJson(card), authPin: PINS.auth });
    expect(step.status).toBe(423);
    expect(refusalOf(step)).toMatchObject({ code: 'PIN_LOCKED', slot: 'auth', guidance: '/guidance/141305' });
    expect(step.body).toContain('川崎市');
  });

  it('a locked sign slot is named as the sign slot, not the auth one, which still works', async () => {
    const card = await server.http.newCard();
    for (let i = 0; i < 5; i += 1) await server.http.verify(card, 'sign', 'WRONG111');
    const step = await login(signRp, { cardJson: cardJson(card), authPin: PINS.auth, signPin: PINS.sign }, 'openid jpki_sign_attributes');
    expect(refusalOf(step)).toMatchObject({ code: 'PIN_LOCKED', slot: 'sign', guidance: '/guidance/111007' });
    expect(step.body).toContain('署名用電子証明書の暗証番号がロックされています');
    expect(await authRemaining(card)).toBe(3);
  });

  it('a revoked signing certificate (moved house) is refused as revoked, not as a lock, and spends no sign try', async () => {
    const card = await server.http.newCard();
    const moved = await server.http.call('POST', `/api/v1/residents/${card.residentId}/move`, {
      body: { address: '埼玉県狭山市入間川1丁目23番5号', municipalityCode: '112151' },
      headers: server.http.admin,
    });
    expect(moved.status).toBe(200);
    const step = await login(signRp, { cardJson: cardJson(card), authPin: PINS.auth, signPin: PINS.sign }, 'openid jpki_sign_attributes');
    expect(step.status).toBe(410);
    expect(refusalOf(step)).toMatchObject({ code: 'CERT_REVOKED', slot: 'sign' });
    expect(step.body).toContain('暗証番号のロックではありません');
    expect((await server.http.status(card)).body.pins.sign.remaining).toBe(5);
    // The login alone (auth certificate) still works after a move.
    const plain = await login(rp, { cardJson: cardJson(card), authPin: PINS.auth });
    expect(plain.location).toMatch(/^http:\/\/127\.0\.0\.1:39101\/callback\?code=/);
  });

  it('a suspended card is refused as suspended, not as a lock, and spends nothing', async () => {
    const card = await server.http.newCard();
    const suspended = await server.http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: 'lost' }, headers: server.http.admin });
    expect(suspended.status).toBe(200);
    const step = await login(rp, { cardJson: cardJson(card), authPin: PINS.auth });
    // The page answers with the API's status for the code (one table, src/adapters/http/error-response.ts).
    expect(step.status).toBe(HTTP_STATUS.CARD_SUSPENDED);
    expect(refusalOf(step)?.code).toBe('CARD_SUSPENDED');
    expect(step.body).toContain('暗証番号のロックではありません');
  });

  it('an expired certificate is refused as expired in English too', async () => {
    const card = await server.http.newCard();
    await server.system.db.updateTable('certificates').set({ not_after: new Date(Date.now() - 86_400_000) }).where('card_id', '=', card.cardId).execute();
    const step = await login(rp, { cardJson: cardJson(card), authPin: PINS.auth, lang: 'en' });
    expect(step.status).toBe(410);
    expect(refusalOf(step)?.code).toBe('CERT_EXPIRED');
    expect(step.body).toContain('This is not a PIN lock');
  });

  it('a wrong card key is refused without saying whether the card exists', async () => {
    const card = await server.http.newCard();
    const step = await login(rp, { cardJson: JSON.stringify({ cardId: card.cardId, cardKey: 'not-the-key' }), authPin: PINS.auth });
    expect(step.status).toBe(401);
    expect(refusalOf(step)).toMatchObject({ code: 'CARD_REJECTED', guidance: null });
  });
});

describe('card login during our own outage', () => {
  it('says the fault is ours, not a lock, when the card store fails', async () => {
    const server = await startOidcServer(STORES.includes('postgres') ? 'postgres' : 'pglite');
    try {
      const rp = await server.registerClient('rp-outage', 'http://127.0.0.1:39103');
      const card = await server.http.newCard();
      const config = await discover(server.issuer, rp);
      const { agent, uid } = await startLogin(server.issuer, config, rp);
      // The interaction is still readable from its store until the database goes: stop the card store only.
      server.system.deps.cards.attempt = async () => {
        throw new Error('connection terminated');
      };
      const step = await submitLogin(agent, uid, rp, { cardJson: JSON.stringify(card), authPin: PINS.auth });
      expect(step.status).toBe(503);
      expect(refusalOf(step)?.code).toBe('SERVICE_BUSY');
      expect(step.body).toContain('暗証番号のロックではありません');
    } finally {
      await server.close();
    }
  });
});
