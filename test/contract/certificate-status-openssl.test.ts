import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialHexOf } from '../../src/adapters/pki/certificate-fields.js';
import { api } from '../support/api.js';
import { lateBoundServer, openssl, pem, scratch } from '../support/openssl.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// Kagiya's CRL and OCSP responder checked from outside with the openssl command line, over a real socket, with
// every URL taken from the certificate itself (AIA, CRLDP) as a relying service would.

type Card = { residentId: string; cardId: string; cardKey: string };

describe.each(STORES)('certificate status through openssl on %s', (store) => {
  let system: TestSystem;
  let server: Awaited<ReturnType<typeof lateBoundServer>>;
  let http: ReturnType<typeof api>;
  let files: ReturnType<typeof scratch>;
  let rpToken: string;

  beforeAll(async () => {
    server = await lateBoundServer();
    system = await createTestSystem(store, { publicUrl: server.url });
    server.bind(system.app.fetch);
    http = api(system);
    files = scratch();
    const token = await http.call('POST', '/api/v1/api-tokens', {
      body: { label: 'e-Tax (test relying service)', role: 'relying_party', municipalityCode: null },
      headers: http.admin,
    });
    expect(token.status).toBe(201);
    rpToken = token.body.token;
  });
  afterAll(async () => {
    await server?.close();
    await system?.dispose();
    files?.dispose();
  });

  /** The card's current certificate of `kind`, written as PEM, with the URLs openssl reads from it. */
  async function certificate(card: Card, kind: 'auth' | 'sign') {
    const row = await system.db
      .selectFrom('certificates')
      .select(['der', 'serial_hex'])
      .where('card_id', '=', card.cardId)
      .where('kind', '=', kind)
      .where('current', '=', true)
      .executeTakeFirstOrThrow();
    const path = files.file(`${kind}-${row.serial_hex}.pem`, pem('CERTIFICATE', row.der));
    const text = (await openssl(['x509', '-in', path, '-noout', '-text'])).stdout;
    const ocspUrl = (await openssl(['x509', '-in', path, '-noout', '-ocsp_uri'])).stdout.trim();
    const caIssuers = /CA Issuers - URI:(\S+)/.exec(text)?.[1] ?? '';
    const crlUrl = /X509v3 CRL Distribution Points:[\s\S]*?URI:(\S+)/.exec(text)?.[1] ?? '';
    // The issuer's certificate, fetched from the AIA as a relying service would.
    const caRes = await fetch(caIssuers);
    expect(caRes.status).toBe(200);
    expect(caRes.headers.get('content-type')).toBe('application/pkix-cert');
    const caPath = files.file(`ca-${kind}-${row.serial_hex}.der`, new Uint8Array(await caRes.arrayBuffer()));
    const caPem = files.path(`ca-${kind}-${row.serial_hex}.pem`);
    expect((await openssl(['x509', '-inform', 'DER', '-in', caPath, '-out', caPem])).code).toBe(0);
    return { path, serial: row.serial_hex, text, ocspUrl, caIssuers, crlUrl, caPem };
  }

  async function ocsp(cert: { path: string; caPem: string; ocspUrl: string }, extra: string[] = [], digest: string[] = []) {
    const r = await openssl(['ocsp', '-issuer', cert.caPem, ...digest, '-cert', cert.path, '-url', cert.ocspUrl, '-CAfile', cert.caPem, '-resp_text', ...extra]);
    return r.stdout + r.stderr;
  }
  // openssl ocsp -header name=value: how a relying service sends its credential.
  const bearer = () => ['-header', `Authorization=Bearer ${rpToken}`];

  /** The status line openssl prints for the certificate: "good", "revoked" or "unknown". */
  const statusLine = (out: string, path: string) => new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\w+)`).exec(out)?.[1];

  it('names the OCSP responder, the issuing CA certificate and the CRL on Kagiya\'s origin in both certificates', async () => {
    const card = await http.newCard();
    for (const kind of ['auth', 'sign'] as const) {
      const cert = await certificate(card, kind);
      expect(cert.text).toContain('Authority Information Access');
      expect(cert.ocspUrl).toBe(`${server.url}/pki/ocsp`);
      expect(cert.caIssuers).toBe(`${server.url}/pki/ca/jpki-${kind}-ecdsa-p256.crt`);
      expect(cert.crlUrl).toBe(`${server.url}/pki/crl/jpki-${kind}-ecdsa-p256.crl`);
      // the certificate chains to the CA found through its AIA
      const verified = await openssl(['verify', '-CAfile', cert.caPem, cert.path]);
      expect(verified.stdout).toContain(': OK');
    }
  });

  it('answers good for an authentication certificate, signed, nonce echoed, then revoked (certificateHold) within a second of a suspension', async () => {
    const card = await http.newCard();
    const cert = await certificate(card, 'auth');
    const before = await ocsp(cert);
    expect(before).toContain('Response verify OK');
    expect(statusLine(before, cert.path)).toBe('good');
    expect(before).toMatch(/This Update: .+\n\s+Next Update: .+/);
    expect(before).toContain('OCSP Nonce');
    expect(before).not.toContain('WARNING: no nonce');

    expect((await http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: 'lost' }, headers: http.admin })).status).toBe(200);
    // Timed from the suspension's commit to openssl's answer.
    const started = Date.now();
    const after = await ocsp(cert);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(after).toContain('Response verify OK');
    expect(statusLine(after, cert.path)).toBe('revoked');
    expect(after).toContain('Reason: certificateHold');

    expect((await http.call('POST', `/api/v1/cards/${card.cardId}/restore`, { body: { reason: 'found' }, headers: http.admin })).status).toBe(200);
    expect(statusLine(await ocsp(cert), cert.path)).toBe('good');
  });

  it('gives the signing certificate\'s status only to a registered relying party, and revoked (affiliationChanged) within a second of a move', async () => {
    const card = await http.newCard();
    const cert = await certificate(card, 'sign');
    const anonymous = await ocsp(cert);
    expect(anonymous).toContain('Responder Error: unauthorized (6)');
    const clerk = await http.call('POST', '/api/v1/api-tokens', { body: { label: 'clerk', role: 'clerk', municipalityCode: '111007' }, headers: http.admin });
    expect(await ocsp(cert, ['-header', `Authorization=Bearer ${clerk.body.token}`])).toContain('Responder Error: unauthorized (6)');

    const good = await ocsp(cert, bearer());
    expect(good).toContain('Response verify OK');
    expect(statusLine(good, cert.path)).toBe('good');

    const moved = await http.call('POST', `/api/v1/residents/${card.residentId}/move`, {
      body: { address: '神奈川県川崎市中原区小杉町3丁目245番地', municipalityCode: '141305' },
      headers: http.admin,
    });
    expect(moved.status).toBe(200);
    const started = Date.now();
    const after = await ocsp(cert, bearer());
    expect(Date.now() - started).toBeLessThan(1000);
    expect(statusLine(after, cert.path)).toBe('revoked');
    expect(after).toContain('Reason: affiliationChanged');
    // the authentication certificate survives the move (DOMAIN.md §2)
    const auth = await certificate(card, 'auth');
    expect(statusLine(await ocsp(auth), auth.path)).toBe('good');
  });

  it('answers a CertID made with SHA-256 as one made with SHA-1', async () => {
    const card = await http.newCard();
    const cert = await certificate(card, 'auth');
    const out = await ocsp(cert, [], ['-sha256']);
    expect(out).toContain('Response verify OK');
    expect(statusLine(out, cert.path)).toBe('good');
    expect(out).toContain('Hash Algorithm: sha256');
    // the serial login looks up is the one openssl prints
    const printed = (await openssl(['x509', '-in', cert.path, '-noout', '-serial'])).stdout.trim().split('=')[1]!;
    const der = (await system.db.selectFrom('certificates').select('der').where('serial_hex', '=', cert.serial).executeTakeFirstOrThrow()).der;
    expect(serialHexOf(der)).toBe(printed.toLowerCase());
  });

  it('answers unknown for a serial the CA never issued', async () => {
    const card = await http.newCard();
    const cert = await certificate(card, 'auth');
    const out = await openssl(['ocsp', '-issuer', cert.caPem, '-serial', '0x4a1b2c3d4e5f60718293a4b5c6d7e8f9', '-url', cert.ocspUrl, '-CAfile', cert.caPem]);
    expect(out.stdout + out.stderr).toContain('Response verify OK');
    expect(out.stdout).toContain('0x4a1b2c3d4e5f60718293a4b5c6d7e8f9: unknown');
  });

  it('lists a suspended and a revoked certificate in a version 2 CRL that openssl parses, and openssl verify -crl_check agrees', async () => {
    const held = await http.newCard();
    const lost = await http.newCard();
    const fine = await http.newCard();
    const heldCert = await certificate(held, 'auth');
    const lostCert = await certificate(lost, 'auth');
    const fineCert = await certificate(fine, 'auth');

    let fetchedAt = 0;
    const crl = async (label: string) => {
      const res = await fetch(heldCert.crlUrl);
      fetchedAt = Date.now();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pkix-crl');
      const path = files.file(`${label}.crl`, new Uint8Array(await res.arrayBuffer()));
      const text = await openssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-text']);
      expect(text.code).toBe(0);
      const pemPath = files.path(`${label}.crl.pem`);
      await openssl(['crl', '-inform', 'DER', '-in', path, '-out', pemPath]);
      return { text: text.stdout, pemPath, number: Number(/CRL Number:\s*\n\s*(\d+)/.exec(text.stdout)?.[1]) };
    };
    const verify = async (c: { path: string; caPem: string }, crlPem: string) =>
      Object.values(await openssl(['verify', '-crl_check', '-CAfile', c.caPem, '-CRLfile', crlPem, c.path])).join('\n');

    const first = await crl('first');
    expect(first.text).toContain('Version 2 (0x1)');
    expect(first.text).toContain('Authority Key Identifier');
    expect(first.text).toMatch(/Next Update: \w+/);
    expect(first.text).not.toContain(heldCert.serial.toUpperCase());
    expect(await verify(heldCert, first.pemPath)).toContain(': OK');

    await http.call('POST', `/api/v1/cards/${held.cardId}/suspend`, { body: { reason: 'loss reported' }, headers: http.admin });
    const badCause = await http.call('POST', `/api/v1/cards/${lost.cardId}/revoke`, { body: { reason: 'lost', cause: 'stolen by aliens' }, headers: http.admin });
    expect(badCause.status).toBe(400);
    expect(badCause.body.error.code).toBe('INVALID_REQUEST');
    await http.call('POST', `/api/v1/cards/${lost.cardId}/revoke`, { body: { reason: 'lost for good', cause: 'lost' }, headers: http.admin });
    // Timed from the last change's commit to the CRL's arrival (openssl's parsing afterwards is not the server's time).
    const committed = Date.now();
    const second = await crl('second');
    expect(fetchedAt - committed).toBeLessThan(1000);
    expect(second.number).toBeGreaterThan(first.number);
    const entry = (serial: string) => new RegExp(`Serial Number: ${serial.toUpperCase()}\\s+Revocation Date: [^\\n]+\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+(.+)`).exec(second.text)?.[1]?.trim();
    expect(entry(heldCert.serial)).toBe('Certificate Hold');
    expect(entry(lostCert.serial)).toBe('Key Compromise');
    expect(second.text).not.toContain(fineCert.serial.toUpperCase());

    expect(await verify(heldCert, second.pemPath)).toContain('certificate revoked');
    expect(await verify(lostCert, second.pemPath)).toContain('certificate revoked');
    expect(await verify(fineCert, second.pemPath)).toContain(': OK');

    // unchanged: the same CRL is served again
    expect((await crl('third')).number).toBe(second.number);
  });

  it('serves the signing CA\'s CRL only to a registered relying party', async () => {
    const card = await http.newCard();
    const cert = await certificate(card, 'sign');
    const anonymous = await fetch(cert.crlUrl);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');
    const clerk = await http.call('POST', '/api/v1/api-tokens', { body: { label: 'clerk', role: 'clerk', municipalityCode: '111007' }, headers: http.admin });
    const staff = await fetch(cert.crlUrl, { headers: { authorization: `Bearer ${clerk.body.token}` } });
    expect(staff.status).toBe(403);
    expect((await staff.json()).error.code).toBe('FORBIDDEN');
    const res = await fetch(cert.crlUrl, { headers: { authorization: `Bearer ${rpToken}` } });
    expect(res.status).toBe(200);
    const path = files.file('sign.crl', new Uint8Array(await res.arrayBuffer()));
    const parsed = await openssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-issuer']);
    expect(parsed.stdout).toContain('Digital Signature CA');
  });

  it('marks a reissued card\'s certificates superseded, and the new card\'s certificates carry the status URLs', async () => {
    const card = await http.newCard();
    const old = await certificate(card, 'auth');
    const reissued = await http.issueCard(card.residentId);
    expect(reissued.status).toBe(201);
    const after = await ocsp(old);
    expect(statusLine(after, old.path)).toBe('revoked');
    expect(after).toContain('Reason: superseded');
    const fresh = await certificate({ ...card, cardId: reissued.body.cardId }, 'auth');
    expect(fresh.ocspUrl).toBe(`${server.url}/pki/ocsp`);
    expect(statusLine(await ocsp(fresh), fresh.path)).toBe('good');
  });

  it('answers OCSP over GET (RFC 6960 A.1) as over POST', async () => {
    const card = await http.newCard();
    const cert = await certificate(card, 'auth');
    const reqPath = files.path('get-request.der');
    await openssl(['ocsp', '-issuer', cert.caPem, '-cert', cert.path, '-reqout', reqPath, '-no_nonce']);
    const { readFileSync } = await import('node:fs');
    const b64 = readFileSync(reqPath).toString('base64');
    const res = await fetch(`${cert.ocspUrl}/${encodeURIComponent(b64)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    const respPath = files.file('get-response.der', new Uint8Array(await res.arrayBuffer()));
    const out = await openssl(['ocsp', '-respin', respPath, '-issuer', cert.caPem, '-cert', cert.path, '-CAfile', cert.caPem, '-no_nonce']);
    expect(out.stdout + out.stderr).toContain('Response verify OK');
    expect(statusLine(out.stdout, cert.path)).toBe('good');
  });

  it('answers malformed, oversized and unknown-issuer requests with an OCSP status, never a 5xx', async () => {
    const post = async (bytes: Uint8Array) => {
      const body = new Blob([new Uint8Array(bytes)]);
      const res = await fetch(`${server.url}/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body });
      expect(res.status).toBe(200);
      const path = files.file(`resp-${Math.random().toString(36).slice(2)}.der`, new Uint8Array(await res.arrayBuffer()));
      const out = await openssl(['ocsp', '-respin', path, '-resp_text', '-noverify']);
      return out.stdout + out.stderr;
    };
    expect(await post(new TextEncoder().encode('this is not DER'))).toMatch(/Responder Error: malformedRequest \(1\)/i);
    expect(await post(new Uint8Array(0))).toMatch(/Responder Error: malformedRequest \(1\)/i);
    expect(await post(new Uint8Array(64 * 1024).fill(0x30))).toMatch(/Responder Error: malformedRequest \(1\)/i);
    const badGet = await fetch(`${server.url}/pki/ocsp/%%%not-base64`);
    expect(badGet.status).toBe(200);

    // a CA that is not Kagiya's
    const foreignKey = files.path('foreign.key');
    const foreignCa = files.path('foreign.pem');
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', foreignKey, '-out', foreignCa, '-subj', '/CN=Foreign CA', '-days', '1']);
    const reqPath = files.path('foreign-request.der');
    await openssl(['ocsp', '-issuer', foreignCa, '-serial', '0x1234', '-reqout', reqPath]);
    const { readFileSync } = await import('node:fs');
    expect(await post(new Uint8Array(readFileSync(reqPath)))).toContain('Responder Error: unauthorized (6)');
  });
});
