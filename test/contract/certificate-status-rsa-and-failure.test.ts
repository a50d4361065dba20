import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { lateBoundServer, openssl, pem, scratch } from '../support/openssl.js';
import { createTestSystem, STORES } from '../support/test-db.js';

// RSA-2048 CAs (like the real JPKI) answer OCSP and CRL requests that openssl verifies; with the database gone the
// responder says "try later" and the CRL is our fault (503), nothing is called good.
describe.each(STORES)('certificate status with RSA-2048 and with the database gone on %s', (store) => {
  let files: ReturnType<typeof scratch>;
  beforeAll(() => {
    files = scratch();
  });
  afterAll(() => files?.dispose());

  it('signs OCSP answers and CRLs with an RSA-2048 CA that openssl verifies, then fails closed without the database', async () => {
    const server = await lateBoundServer();
    const system = await createTestSystem(store, { keyAlgorithm: 'RSA-2048', publicUrl: server.url });
    server.bind(system.app.fetch);
    try {
      const http = api(system);
      const card = await http.newCard();
      const row = await system.db.selectFrom('certificates').select(['der']).where('card_id', '=', card.cardId).where('kind', '=', 'auth').executeTakeFirstOrThrow();
      const cert = files.file(`rsa-${store}.pem`, pem('CERTIFICATE', row.der));
      const caRes = await fetch(`${server.url}/pki/ca/jpki-auth-rsa-2048.crt`);
      const ca = files.file(`rsa-ca-${store}.pem`, pem('CERTIFICATE', new Uint8Array(await caRes.arrayBuffer())));
      const url = (await openssl(['x509', '-in', cert, '-noout', '-ocsp_uri'])).stdout.trim();
      const good = await openssl(['ocsp', '-issuer', ca, '-cert', cert, '-url', url, '-CAfile', ca, '-resp_text']);
      expect(good.stdout + good.stderr).toContain('Response verify OK');
      expect(good.stdout).toContain('Signature Algorithm: sha256WithRSAEncryption');
      expect(good.stdout).toContain(`${cert}: good`);

      const crlRes = await fetch(`${server.url}/pki/crl/jpki-auth-rsa-2048.crl`);
      const crl = files.file(`rsa-${store}.crl`, new Uint8Array(await crlRes.arrayBuffer()));
      const crlPem = files.path(`rsa-${store}.crl.pem`);
      await openssl(['crl', '-inform', 'DER', '-in', crl, '-out', crlPem]);
      expect((await openssl(['verify', '-crl_check', '-CAfile', ca, '-CRLfile', crlPem, cert])).stdout).toContain(': OK');

      // The database goes away: OCSP answers tryLater (HTTP 200, an OCSP body), the CRL is SERVICE_BUSY.
      const reqPath = files.path(`rsa-${store}-req.der`);
      await openssl(['ocsp', '-issuer', ca, '-cert', cert, '-reqout', reqPath]);
      await system.close();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: new Blob([readFileSync(reqPath)]) });
      expect(res.status).toBe(200);
      const respPath = files.file(`rsa-${store}-resp.der`, new Uint8Array(await res.arrayBuffer()));
      const down = await openssl(['ocsp', '-respin', respPath, '-resp_text', '-noverify']);
      expect(down.stdout + down.stderr).toMatch(/Responder Error: tryLater \(3\)/i);
      const crlDown = await fetch(`${server.url}/pki/crl/jpki-auth-rsa-2048.crl`);
      expect(crlDown.status).toBe(503);
      expect((await crlDown.json()).error.code).toBe('SERVICE_BUSY');
    } finally {
      await server.close();
      await system.dispose();
    }
  });
});
