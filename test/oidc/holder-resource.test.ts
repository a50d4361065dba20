import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { startOidcServer, type OidcServer, type TestClient } from '../support/oidc-server.js';
import { STORES } from '../support/test-db.js';
import { discover, startLogin, submitLogin } from './flow-helpers.js';

// The holder's resource (/api/v1/me) for the portal: only tokens issued for it, with the right scope, by an enabled
// client; another client's token is refused.

describe.each(STORES)('holder resource behind access tokens (%s)', (store) => {
  let server: OidcServer;
  let portal: TestClient;
  let other: TestClient;

  beforeAll(async () => {
    server = await startOidcServer(store);
    portal = await server.registerClient('portal', 'http://127.0.0.1:39201', ['openid', 'kagiya_card', 'kagiya_card_manage']);
    other = await server.registerClient('e-tax', 'http://127.0.0.1:39202', ['openid', 'jpki_sign_attributes']);
  });
  afterAll(async () => server?.close());

  async function tokensFor(c: TestClient, card: { cardId: string; cardKey: string }, scope: string) {
    const config = await discover(server.issuer, c);
    const { agent, uid, verifier, state } = await startLogin(server.issuer, config, c, scope);
    const done = await submitLogin(agent, uid, c, { cardJson: JSON.stringify(card), authPin: PINS.auth });
    return client.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state });
  }
  const me = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server.issuer}/api/v1/me${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  it('reads the card and its history with the portal token, spending nothing', async () => {
    const card = await server.http.newCard();
    await server.http.verify(card, 'sign', 'WRONG999', { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax' });
    const tokens = await tokensFor(portal, card, 'openid kagiya_card kagiya_card_manage');
    const res = await me('/card', tokens.access_token);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ cardId: card.cardId, municipality: { code: '111007', nameJa: 'さいたま市' }, guidanceUrl: '/guidance/111007' });
    expect(body.pins.sign).toMatchObject({ remaining: 4, max: 5, locked: false });
    const events = (await (await me('/events', tokens.access_token)).json()).events as { service: string; channel: string; result: string; operation: string }[];
    expect(events.find((e) => e.result === 'incorrect')).toMatchObject({ service: 'e-tax', channel: 'smartphone' });
    expect(events.find((e) => e.operation === 'authenticate')).toMatchObject({ service: 'portal', result: 'success' });
    expect((await server.http.status(card)).body.pins.auth.remaining).toBe(3);
  });

  it("refuses another client's access token and a token without the card scope", async () => {
    const card = await server.http.newCard();
    const etax = await tokensFor(other, card, 'openid');
    const res = await me('/card', etax.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    const readOnly = await tokensFor(portal, card, 'openid kagiya_card');
    expect((await me('/card', readOnly.access_token)).status).toBe(200);
    const lost = await me('/report-lost', readOnly.access_token, { method: 'POST' });
    expect(lost.status).toBe(403);
    expect((await me('/card', 'x'.repeat(43))).status).toBe(401);
  });

  it("takes a client report with the holder's token for that card only, and shows the holder the mismatch (issue 11)", async () => {
    const card = await server.http.newCard();
    const other = await server.http.newCard();
    const tokens = await tokensFor(portal, card, 'openid kagiya_card');
    const post = (body: Record<string, unknown>, token: string) =>
      fetch(`${server.issuer}/api/v1/client-reports`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const shown = { shownCode: 'PIN_LOCKED', app: 'MynaPocket', appVersion: '1.4.2', channel: 'smartphone' };
    expect((await post(shown, tokens.access_token)).status).toBe(202);
    expect((await post({ ...shown, cardId: card.cardId }, tokens.access_token)).status).toBe(202);
    const elsewhere = await post({ ...shown, cardId: other.cardId }, tokens.access_token);
    expect(elsewhere.status).toBe(400);
    expect(((await elsewhere.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST');
    expect((await post(shown, 'not-a-token-0123456789abcdef')).status).toBe(401);
    const mine = (await (await me('/client-reports', tokens.access_token)).json()) as { tally: Record<string, number>; mismatch: { text: { ja: string; en: string } } | null };
    expect(mine.tally.mismatch).toBe(2);
    expect(mine.mismatch?.text.en).toContain("showed “locked” 2 times");
    expect(mine.mismatch?.text.ja).toContain('2回「ロック」と表示しましたが');
  });

  it('stops honouring tokens once the client is disabled', async () => {
    const card = await server.http.newCard();
    const c = await server.registerClient('portal-b', 'http://127.0.0.1:39203', ['openid', 'kagiya_card']);
    const tokens = await tokensFor(c, card, 'openid kagiya_card');
    expect((await me('/card', tokens.access_token)).status).toBe(200);
    const off = await server.http.call('POST', '/api/v1/oidc/clients/portal-b/state', { body: { enabled: false, reason: 'test' }, headers: server.http.admin });
    expect(off.status).toBe(200);
    expect((await me('/card', tokens.access_token)).status).toBe(401);
  });

  it('changes a PIN with the card key and the current PIN, through the shared PIN path', async () => {
    const card = await server.http.newCard();
    const tokens = await tokensFor(portal, card, 'openid kagiya_card kagiya_card_manage');
    const wrongKey = await me('/pins/assist/change', tokens.access_token, { method: 'POST', body: JSON.stringify({ cardKey: 'nope', currentPin: PINS.assist, newPin: '6284' }) });
    expect(wrongKey.status).toBe(401);
    const wrong = await me('/pins/assist/change', tokens.access_token, { method: 'POST', body: JSON.stringify({ cardKey: card.cardKey, currentPin: '0000', newPin: '6284' }) });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toMatchObject({ code: 'PIN_INCORRECT', remaining: 2 });
    const ok = await me('/pins/assist/change', tokens.access_token, { method: 'POST', body: JSON.stringify({ cardKey: card.cardKey, currentPin: PINS.assist, newPin: '6284' }) });
    expect(ok.status).toBe(200);
    expect((await server.http.verify(card, 'assist', '6284')).status).toBe(200);
  });

  it('reports the card lost: card and certificates suspended, recorded and audited, further logins refused', async () => {
    const card = await server.http.newCard();
    const tokens = await tokensFor(portal, card, 'openid kagiya_card kagiya_card_manage');
    const res = await me('/report-lost', tokens.access_token, { method: 'POST' });
    expect(res.status).toBe(200);
    const status = (await server.http.status(card)).body;
    expect(status.status).toBe('suspended');
    expect(status.certificates.auth.status).toBe('suspended');
    const audit = await server.system.db.selectFrom('audit_log').selectAll().where('target_id', '=', card.cardId).where('action', '=', 'card.suspend').execute();
    expect(audit).toHaveLength(1);
    expect((await me('/report-lost', tokens.access_token, { method: 'POST' })).status).toBe(409);
    const config = await discover(server.issuer, portal);
    const { agent, uid } = await startLogin(server.issuer, config, portal, 'openid');
    const again = await submitLogin(agent, uid, portal, { cardJson: JSON.stringify(card), authPin: PINS.auth });
    expect(again.body).toContain('data-error-code="CARD_SUSPENDED"');
  });
});
