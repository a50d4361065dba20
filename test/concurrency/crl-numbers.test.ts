import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, CertificateList, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystem, type System } from '../../src/system.js';
import { api } from '../support/api.js';
import { openssl, scratch } from '../support/openssl.js';
import { createTestSystem, POSTGRES_ENABLED } from '../support/test-db.js';

// Two server processes on one PostgreSQL database build CRLs while certificates are suspended in parallel: every
// CRL number names one CRL only, numbers only grow, and the CRL served after a change commits lists it.
describe.runIf(POSTGRES_ENABLED)('CRL numbers across two servers on PostgreSQL', () => {
  let a: Awaited<ReturnType<typeof createTestSystem>>;
  let b: System;
  let files: ReturnType<typeof scratch>;

  beforeAll(async () => {
    a = await createTestSystem('postgres');
    b = await createSystem({
      database: { kind: 'postgres', url: a.databaseUrl!, poolSize: 10 },
      pepper: a.pepper,
      masterKey: a.masterKey,
      keyAlgorithm: 'ECDSA-P256',
      bootstrapToken: a.adminToken,
      logger: pino({ level: 'silent' }),
    });
    files = scratch();
  });
  afterAll(async () => {
    await b?.close();
    await a?.dispose();
    files?.dispose();
  });

  const crlOf = async (system: Pick<System, 'app'>) => {
    const res = await system.app.request('/pki/crl/jpki-auth-ecdsa-p256.crl');
    expect(res.status).toBe(200);
    const der = Buffer.from(await res.arrayBuffer());
    const list = AsnConvert.parse(der, CertificateList);
    const ext = list.tbsCertList.crlExtensions!.find((e) => e.extnID === id_ce_cRLNumber)!;
    const serials = (list.tbsCertList.revokedCertificates ?? []).map((r) => Buffer.from(r.userCertificate).toString('hex'));
    return { der, number: AsnConvert.parse(ext.extnValue, CRLNumber).value, serials };
  };

  it('gives each CRL number to one CRL only, and every committed suspension is in the next CRL served', async () => {
    const http = api(a);
    const cards = [];
    for (let i = 0; i < 12; i += 1) cards.push(await http.newCard());
    const serials = await Promise.all(
      cards.map(async (card) => (await a.db.selectFrom('certificates').select('serial_hex').where('card_id', '=', card.cardId).where('kind', '=', 'auth').executeTakeFirstOrThrow()).serial_hex),
    );

    const seen: { der: Buffer; number: number; serials: string[] }[] = [];
    await Promise.all(
      cards.map(async (card, i) => {
        const via = i % 2 === 0 ? a : b;
        const res = await via.app.request(`/api/v1/cards/${card.cardId}/suspend`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${a.adminToken}` },
          body: JSON.stringify({ reason: 'lost' }),
        });
        expect(res.status).toBe(200);
        // Right after this suspension commits, either server's CRL lists it.
        const crl = await crlOf(i % 3 === 0 ? a : b);
        expect(crl.serials).toContain(serials[i]);
        seen.push(crl);
      }),
    );
    const finalA = await crlOf(a);
    const finalB = await crlOf(b);
    seen.push(finalA, finalB);
    for (const s of serials) expect(finalA.serials).toContain(s);
    expect(finalB.number).toBe(finalA.number);

    const byNumber = new Map<number, Buffer>();
    for (const crl of seen) {
      const earlier = byNumber.get(crl.number);
      if (earlier) expect(earlier.equals(crl.der), `CRL number ${crl.number} names two different CRLs`).toBe(true);
      byNumber.set(crl.number, crl.der);
      expect(crl.number).toBeLessThanOrEqual(finalA.number);
    }

    const path = files.file('final.crl', finalA.der);
    const text = await openssl(['crl', '-inform', 'DER', '-in', path, '-noout', '-text']);
    expect(text.stdout.match(/Certificate Hold/g)?.length).toBe(serials.length);
  });
});
