import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { Agent, interactionUid } from '../support/oidc-browser.js';
import { startOidcServer, type OidcServer, type TestClient } from '../support/oidc-server.js';
import { STORES } from '../support/test-db.js';

// The provider against a relying party nobody here wrote (openid-client): discovery, code flow with PKCE, ID token
// against the JWKS, pairwise subjects, consent, a token of one client refused by the other, RP-initiated logout.

const RP_A = 'http://127.0.0.1:39001';
const RP_B = 'http://127.0.0.1:39002';

async function rp(issuer: string, c: TestClient) {
  return client.discovery(new URL(issuer), c.clientId, c.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
}

/** Runs the whole code flow for `card` through Kagiya's screens; returns the redirect the RP receives. */
async function login(
  server: OidcServer,
  config: client.Configuration,
  c: TestClient,
  card: { cardId: string; cardKey: string },
  options: { scope?: string; agent?: Agent; consent?: 'allow' | 'deny'; extra?: Record<string, string>; pin?: string } = {},
) {
  const agent = options.agent ?? new Agent(server.issuer);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: c.redirectUri,
    scope: options.scope ?? 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(options.extra ?? {}),
  });
  const page = await agent.follow(url.toString(), c.redirectUri);
  expect(page.status).toBe(200);
  expect(page.body).toContain('name="authPin"');
  let step = await agent.submit(`/oidc/interaction/${interactionUid(page)}/login`, { cardJson: JSON.stringify(card), authPin: options.pin ?? PINS.auth, lang: 'ja' }, c.redirectUri);
  let consentShown = false;
  if (step.status === 200 && step.body.includes('data-testid="consent-allow"')) {
    consentShown = true;
    step = await agent.submit(`/oidc/interaction/${interactionUid(step)}/consent`, { decision: options.consent ?? 'allow', lang: 'ja' }, c.redirectUri, false);
  }
  expect(step.location, step.body.slice(0, 400)).toMatch(new RegExp(`^${c.redirectUri}`));
  return { callback: new URL(step.location!), verifier, state, agent, consentShown };
}

describe.each(STORES)('OpenID Connect provider (%s)', (store) => {
  let server: OidcServer;
  let a: TestClient;
  let b: TestClient;
  let card: { cardId: string; cardKey: string };

  beforeAll(async () => {
    server = await startOidcServer(store);
    a = await server.registerClient('rp-alpha', RP_A);
    b = await server.registerClient('rp-beta', RP_B);
    card = await server.http.newCard();
  });
  afterAll(async () => server?.close());

  it('publishes discovery with the issuer, PKCE S256, pairwise subjects and the login scopes', async () => {
    const config = await rp(server.issuer, a);
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(server.issuer);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.subject_types_supported).toEqual(['pairwise']);
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid', 'jpki_sign_attributes']));
    expect(meta.end_session_endpoint).toBe(`${server.issuer}/oidc/session/end`);
  });

  it('completes the code flow with PKCE; the ID token verifies against the JWKS and carries only sub', async () => {
    const config = await rp(server.issuer, a);
    const { callback, verifier, state, consentShown } = await login(server, config, a, card);
    expect(consentShown).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, { issuer: server.issuer, audience: a.clientId });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(payload.sub).not.toContain(card.cardId);
    for (const claim of ['name', 'address', 'birthdate', 'sex']) expect(payload).not.toHaveProperty(claim);
    const info = await client.fetchUserInfo(config, tokens.access_token, payload.sub!);
    expect(Object.keys(info)).toEqual(['sub']);
  });

  it('refuses the code without the PKCE verifier', async () => {
    const config = await rp(server.issuer, a);
    const { callback, state } = await login(server, config, a, card);
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: state })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('gives two clients different subjects for the same card, and the same subject again to one client', async () => {
    const configA = await rp(server.issuer, a);
    const configB = await rp(server.issuer, b);
    const subOf = async (config: client.Configuration, c: TestClient) => {
      const { callback, verifier, state } = await login(server, config, c, card);
      return (await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state })).claims()!.sub;
    };
    const a1 = await subOf(configA, a);
    const b1 = await subOf(configB, b);
    const a2 = await subOf(configA, a);
    expect(a1).not.toBe(b1);
    expect(a2).toBe(a1);
  });

  it("refuses one client's ID token at the other, and its code at the other's token endpoint", async () => {
    const configA = await rp(server.issuer, a);
    const configB = await rp(server.issuer, b);
    const { callback, verifier, state } = await login(server, configA, a, card);
    // The code belongs to client A: client B cannot redeem it.
    await expect(client.authorizationCodeGrant(configB, new URL(callback.toString().replace(RP_A, RP_B)), { pkceCodeVerifier: verifier, expectedState: state })).rejects.toMatchObject({ error: 'invalid_grant' });
    const { callback: cb2, verifier: v2, state: s2 } = await login(server, configA, a, card);
    const tokens = await client.authorizationCodeGrant(configA, cb2, { pkceCodeVerifier: v2, expectedState: s2 });
    const jwks = createRemoteJWKSet(new URL(configA.serverMetadata().jwks_uri!));
    await expect(jwtVerify(tokens.id_token!, jwks, { issuer: server.issuer, audience: b.clientId })).rejects.toThrow(/aud/);
  });

  it('asks for consent once per client and returns access_denied when the holder declines', async () => {
    const card2 = await server.http.newCard();
    const config = await rp(server.issuer, b);
    const agent = new Agent(server.issuer);
    const denied = await login(server, config, b, card2, { agent, consent: 'deny' });
    expect(denied.callback.searchParams.get('error')).toBe('access_denied');
    const first = await login(server, config, b, card2, { agent });
    expect(first.consentShown).toBe(true);
    const again = await login(server, config, b, card2, { agent });
    expect(again.consentShown).toBe(false);
    expect(again.callback.searchParams.get('code')).toBeTruthy();
  });

  it('records the attempt with the client as service and the channel and terminal from the request', async () => {
    const card3 = await server.http.newCard();
    const config = await rp(server.issuer, a);
    await login(server, config, a, card3, { extra: { kagiya_channel: 'kiosk', kagiya_terminal: 'KIOSK-0042' } });
    const events = (await server.http.events(card3)).body.events as { operation: string; service: string; channel: string; terminal: string; result: string }[];
    const auth = events.find((e) => e.operation === 'authenticate');
    expect(auth).toMatchObject({ service: 'rp-alpha', channel: 'kiosk', terminal: 'KIOSK-0042', result: 'success' });
  });

  it('releases the four attributes only with the signing scope, after the signing password and consent', async () => {
    const c = await server.registerClient('rp-sign', 'http://127.0.0.1:39003', ['openid', 'jpki_sign_attributes']);
    const config = await rp(server.issuer, c);
    const agent = new Agent(server.issuer);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: c.redirectUri,
      scope: 'openid jpki_sign_attributes',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const page = await agent.follow(url.toString(), c.redirectUri);
    expect(page.body).toContain('name="signPin"');
    const uid = interactionUid(page);
    const wrong = await agent.submit(`/oidc/interaction/${uid}/login`, { cardJson: JSON.stringify(card), authPin: PINS.auth, signPin: 'WRONG1234' }, c.redirectUri);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('data-error-code="PIN_INCORRECT"');
    expect(wrong.body).toContain('data-slot="sign"');
    const ok = await agent.submit(`/oidc/interaction/${uid}/login`, { cardJson: JSON.stringify(card), authPin: PINS.auth, signPin: PINS.sign }, c.redirectUri);
    expect(ok.body).toContain('data-scope="jpki_sign_attributes"');
    const done = await agent.submit(`/oidc/interaction/${interactionUid(ok)}/consent`, { decision: 'allow' }, c.redirectUri, false);
    const tokens = await client.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ name: '山田 太郎', birthdate: '1980-05-14', sex: 'male', address: { formatted: '埼玉県さいたま市浦和区常盤6丁目4番4号' } });
  });

  it('ends the session on RP-initiated logout and returns to the registered address', async () => {
    const config = await rp(server.issuer, a);
    const { callback, verifier, state, agent } = await login(server, config, a, card);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    const end = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: a.postLogoutRedirectUri, state: 'bye' });
    const confirm = await agent.follow(end.toString(), a.postLogoutRedirectUri);
    expect(confirm.body).toContain('data-testid="logout-yes"');
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)![1]!;
    const action = /action="([^"]+)"/.exec(confirm.body)![1]!;
    const out = await agent.submit(action, { xsrf, logout: 'yes' }, a.postLogoutRedirectUri, false);
    expect(out.location).toBe(`${a.postLogoutRedirectUri}?state=bye`);
  });
});
