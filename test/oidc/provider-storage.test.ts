import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/adapters/http/node-server.js';
import { PINS } from '../support/factories.js';
import { startOidcServer, type OidcServer, type TestClient } from '../support/oidc-server.js';
import { POSTGRES_ENABLED, STORES } from '../support/test-db.js';
import { discover, startLogin, submitLogin } from './flow-helpers.js';

// oidc-provider's models, keys and clients live in the database: a second node on the same database (same issuer,
// as behind a load balancer) finishes a flow the first began, and a restarted provider keeps its keys.

describe.each(STORES)('provider state in the database (%s)', (store) => {
  let server: OidcServer;
  let rp: TestClient;

  beforeAll(async () => {
    server = await startOidcServer(store);
    rp = await server.registerClient('rp-nodes', 'http://127.0.0.1:39301');
  });
  afterAll(async () => server?.close());

  it('keeps the signing key and cookie keys across a restart of the provider', async () => {
    const config = await discover(server.issuer, rp);
    const before = await (await fetch(config.serverMetadata().jwks_uri!)).json();
    const { agent, uid, verifier, state } = await startLogin(server.issuer, config, rp);
    const card = await server.http.newCard();
    // The provider restarts between the login page and its submission: the interaction and its cookie still hold.
    await server.system.oidc.enable(server.issuer);
    const done = await submitLogin(agent, uid, rp, { cardJson: JSON.stringify(card), authPin: PINS.auth });
    await server.system.oidc.enable(server.issuer);
    const tokens = await client.authorizationCodeGrant(config, new URL(done.location!), { pkceCodeVerifier: verifier, expectedState: state });
    const after = await (await fetch(config.serverMetadata().jwks_uri!)).json();
    expect(after).toEqual(before);
    await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), { issuer: server.issuer, audience: rp.clientId });
  });

});

// Several nodes share one PostgreSQL database (PGlite is one process's own store).
describe.runIf(POSTGRES_ENABLED)('provider nodes sharing PostgreSQL', () => {
  let server: OidcServer;
  let rp: TestClient;

  beforeAll(async () => {
    server = await startOidcServer('postgres');
    rp = await server.registerClient('rp-nodes', 'http://127.0.0.1:39301');
  });
  afterAll(async () => server?.close());

  it('lets a second node on the same database redeem a code the first issued', async () => {
    // Node B: its own system and provider over the same PostgreSQL database, same master key, same issuer.
    const { createSystem } = await import('../../src/system.js');
    const { pino } = await import('pino');
    const nodeB = await createSystem({
      database: { kind: 'postgres', url: server.system.databaseUrl!, poolSize: 4 },
      pepper: server.system.pepper,
      masterKey: server.system.masterKey,
      keyAlgorithm: 'ECDSA-P256',
      bootstrapToken: null,
      logger: pino({ level: 'silent' }),
    });
    let running: RunningServer | null = null;
    try {
      running = await startServer(nodeB, { port: 0, host: '127.0.0.1', publicUrl: server.issuer });
      const config = await discover(server.issuer, rp);
      const card = await server.http.newCard();
      const { agent, uid, verifier, state } = await startLogin(server.issuer, config, rp);
      const done = await submitLogin(agent, uid, rp, { cardJson: JSON.stringify(card), authPin: PINS.auth });
      // The token request goes to node B directly.
      const tokenEndpoint = config.serverMetadata().token_endpoint!.replace(server.issuer, running.url);
      const code = new URL(done.location!).searchParams.get('code')!;
      const res = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${rp.clientId}:${rp.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri, code_verifier: verifier }),
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      await jwtVerify(body.id_token, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), { issuer: server.issuer, audience: rp.clientId });
      void state;
    } finally {
      await running?.close();
      await nodeB.close();
    }
  });
});

describe.each(STORES)('relying-service registration (%s)', (store) => {
  let server: OidcServer;
  beforeAll(async () => {
    server = await startOidcServer(store);
  });
  afterAll(async () => server?.close());

  const body = {
    clientId: 'city-library',
    nameJa: '市立図書館',
    nameEn: 'City library',
    redirectUris: ['https://library.example.jp/callback'],
    postLogoutRedirectUris: ['https://library.example.jp/'],
    scopes: ['openid'],
  };

  it('lets a national admin register a service, shows the secret once, and audits it', async () => {
    const res = await server.http.call('POST', '/api/v1/oidc/clients', { body, headers: server.http.admin });
    expect(res.status).toBe(201);
    expect(res.body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.client).toMatchObject({ clientId: 'city-library', scopes: ['openid'], disabledAt: null });
    const list = await server.http.call('GET', '/api/v1/oidc/clients', { headers: server.http.admin });
    expect(JSON.stringify(list.body)).not.toContain(res.body.clientSecret);
    const audit = await server.system.db.selectFrom('audit_log').selectAll().where('target_id', '=', 'city-library').execute();
    expect(audit.map((a) => a.action)).toEqual(['oidc_client.registered']);
    const again = await server.http.call('POST', '/api/v1/oidc/clients', { body, headers: server.http.admin });
    expect(again.status).toBe(409);
    // The provider knows it at once, with the secret from the answer.
    const config = await client.discovery(new URL(server.issuer), 'city-library', res.body.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    expect(config.clientMetadata().client_id).toBe('city-library');
  });

  it('refuses staff who are not national admins, and bad redirect URIs with the field named', async () => {
    const staffToken = await server.http.call('POST', '/api/v1/api-tokens', {
      body: { label: 'municipal admin', role: 'municipal_admin', municipalityCode: '111007' },
      headers: server.http.admin,
    });
    expect(staffToken.status).toBe(201);
    const res = await server.http.call('POST', '/api/v1/oidc/clients', { body: { ...body, clientId: 'other' }, headers: { authorization: `Bearer ${staffToken.body.token}` } });
    expect(res.status).toBe(403);
    const bad = await server.http.call('POST', '/api/v1/oidc/clients', {
      body: { ...body, clientId: 'bad-uri', redirectUris: ['http://library.example.jp/callback', 'https://x.example/cb#frag'] },
      headers: server.http.admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems).toEqual([
      { field: 'redirectUris.0', reason: 'HTTPS_REQUIRED' },
      { field: 'redirectUris.1', reason: 'FRAGMENT' },
    ]);
    expect((await server.http.call('GET', '/api/v1/oidc/clients')).status).toBe(401);
  });

  it('rotates a secret: the old one stops working at the token endpoint', async () => {
    const reg = await server.registerClient('rotating', 'http://127.0.0.1:39401');
    const rotated = await server.http.call('POST', '/api/v1/oidc/clients/rotating/secret', { body: { reason: 'leaked' }, headers: server.http.admin });
    expect(rotated.status).toBe(200);
    const tryAuth = (secret: string) =>
      fetch(`${server.issuer}/oidc/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`rotating:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: reg.redirectUri, code_verifier: 'x'.repeat(43) }),
      }).then(async (r) => (await r.json()).error as string);
    expect(await tryAuth(reg.clientSecret)).toBe('invalid_client');
    expect(await tryAuth(rotated.body.clientSecret)).toBe('invalid_grant');
  });
});
