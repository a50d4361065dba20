import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { startOidcServer, type OidcServer, type TestClient } from '../support/oidc-server.js';
import { STORES } from '../support/test-db.js';
import { discover, startLogin, submitLogin } from './flow-helpers.js';

// The holder's readiness check through the portal's access token (GET /api/v1/me/card/health): same answer as with
// the card key, a date honoured, the scope required, nothing spent.

describe.each(STORES)('holder readiness behind an access token (%s)', (store) => {
  let server: OidcServer;
  let portal: TestClient;
  let etax: TestClient;

  beforeAll(async () => {
    server = await startOidcServer(store);
    portal = await server.registerClient('portal', 'http://127.0.0.1:39301', ['openid', 'kagiya_card', 'kagiya_card_manage']);
    etax = await server.registerClient('e-tax', 'http://127.0.0.1:39302', ['openid']);
  });
  afterAll(async () => server?.close());

  async function tokensFor(c: TestClient, card: { cardId: string; cardKey: string }, scope: string) {
    const config = await discover(server.issuer, c);
    const { agent, uid, verifier, state } = await startLogin(server.issuer, config, c, scope);
    const done = await submitLogin(agent, uid, c, { cardJson: JSON.stringify(card), authPin: PINS.auth });
    return client.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state });
  }
  const health = (token: string, query = '') => fetch(`${server.issuer}/api/v1/me/card/health${query}`, { headers: { authorization: `Bearer ${token}` } });

  it('answers for the card the token names, on a date, and spends nothing', async () => {
    const card = await server.http.newCard();
    await server.http.verify(card, 'sign', 'WRONG999');
    const tokens = await tokensFor(portal, card, 'openid kagiya_card');
    const before = (await server.http.events(card)).body.events;
    const res = await health(tokens.access_token);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ cardId: card.cardId, ready: true, guidanceUrl: '/guidance/111007' });
    expect(body.problems).toEqual([expect.objectContaining({ code: 'PIN_TRIES_USED', slot: 'sign', remaining: 4 })]);
    const later = await (await health(tokens.access_token, `?on=${new Date().getUTCFullYear() + 7}-01-01`)).json();
    expect(later.ready).toBe(false);
    expect((await health(tokens.access_token, '?on=2020-01-01')).status).toBe(400);
    expect((await server.http.events(card)).body.events).toEqual(before);
  });

  it('refuses a token without the kagiya_card scope and no token at all', async () => {
    const card = await server.http.newCard();
    const other = await tokensFor(etax, card, 'openid');
    expect((await health(other.access_token)).status).toBe(401);
    const none = await fetch(`${server.issuer}/api/v1/me/card/health`);
    expect(none.status).toBe(401);
  });
});
