import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { startOidcServer, type OidcServer, type TestClient } from '../support/oidc-server.js';
import { STORES } from '../support/test-db.js';
import { discover, startLogin, submitLogin } from './flow-helpers.js';

// The holder sees and sets where notifications go (issue 11 item 4), with the portal's token: read with
// kagiya_card, write with kagiya_card_manage; the change is audited without copying the address.

describe.each(STORES)('the holder’s notification address (%s)', (store) => {
  let server: OidcServer;
  let portal: TestClient;

  beforeAll(async () => {
    server = await startOidcServer(store);
    portal = await server.registerClient('portal', 'http://127.0.0.1:39211', ['openid', 'kagiya_card', 'kagiya_card_manage']);
  });
  afterAll(async () => server?.close());

  async function token(card: { cardId: string; cardKey: string }, scope: string) {
    const config = await discover(server.issuer, portal);
    const { agent, uid, verifier, state } = await startLogin(server.issuer, config, portal, scope);
    const done = await submitLogin(agent, uid, portal, { cardJson: JSON.stringify(card), authPin: PINS.auth });
    return (await client.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state })).access_token;
  }
  const call = (t: string, init: RequestInit = {}) =>
    fetch(`${server.issuer}/api/v1/me/contact-email`, { ...init, headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' } });

  it('reads, sets and removes the address, and refuses a bad one or a read-only token', async () => {
    const card = await server.http.newCard();
    const manage = await token(card, 'openid kagiya_card kagiya_card_manage');
    expect(await (await call(manage)).json()).toEqual({ email: null });
    const set = await call(manage, { method: 'PUT', body: JSON.stringify({ email: 'hanako@example.jp' }) });
    expect(set.status).toBe(200);
    expect(await (await call(manage)).json()).toEqual({ email: 'hanako@example.jp' });
    const bad = await call(manage, { method: 'PUT', body: JSON.stringify({ email: 'not an address' }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('INVALID_REQUEST');
    const readOnly = await token(card, 'openid kagiya_card');
    expect((await call(readOnly)).status).toBe(200);
    expect((await call(readOnly, { method: 'PUT', body: JSON.stringify({ email: null }) })).status).toBe(403);
    expect((await call(manage, { method: 'PUT', body: JSON.stringify({ email: null }) })).status).toBe(200);
    expect(await (await call(manage)).json()).toEqual({ email: null });
    expect((await call('x'.repeat(43))).status).toBe(401);
    const audit = await server.system.db.selectFrom('audit_log').select(['action', 'detail']).where('action', 'like', 'resident.contact_email%').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['resident.contact_email_set', 'resident.contact_email_removed']);
    expect(JSON.stringify(audit)).not.toContain('hanako');
  });
});
