import { X509Certificate, verify } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList, CRLNumber, CRLReason, id_ce_authorityKeyIdentifier, id_ce_cRLNumber, id_ce_cRLReasons } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { buildCrl } from './crl-builder.js';
import { caFor, NOW } from './pki-test-fixtures.js';

const NEXT = new Date(NOW.getTime() + 3_600_000);

describe('CRL builder (RFC 5280 §5)', () => {
  it('writes a v2 CRL with AKI and crlNumber, signed by the CA, and no revoked list when nothing is revoked', async () => {
    const ca = await caFor('ECDSA-P256');
    const der = buildCrl({ ca, crlNumber: 7, thisUpdate: NOW, nextUpdate: NEXT, entries: [] });
    const crl = AsnConvert.parse(der, CertificateList);
    expect(crl.tbsCertList.version).toBe(1); // v2
    expect(crl.tbsCertList.revokedCertificates).toBeUndefined();
    expect(crl.tbsCertList.nextUpdate?.getTime().toISOString()).toBe(NEXT.toISOString());
    const ids = crl.tbsCertList.crlExtensions!.map((e) => e.extnID);
    expect(ids).toEqual([id_ce_authorityKeyIdentifier, id_ce_cRLNumber]);
    expect(AsnConvert.parse(crl.tbsCertList.crlExtensions![1]!.extnValue, CRLNumber).value).toBe(7);
    const tbs = Buffer.from(AsnConvert.serialize(crl.tbsCertList));
    expect(verify('sha256', tbs, { key: new X509Certificate(ca.certDer).publicKey, dsaEncoding: 'der' }, Buffer.from(crl.signature))).toBe(true);
  });

  it('gives each entry its reason code, and none for unspecified', async () => {
    const ca = await caFor('ECDSA-P256');
    const der = buildCrl({
      ca,
      crlNumber: 8,
      thisUpdate: NOW,
      nextUpdate: NEXT,
      entries: [
        { serialHex: '4a01', revokedAt: NOW, reason: 'certificateHold' },
        { serialHex: '4a02', revokedAt: NOW, reason: 'affiliationChanged' },
        { serialHex: '4a03', revokedAt: NOW, reason: 'unspecified' },
      ],
    });
    const [hold, moved, plain] = AsnConvert.parse(der, CertificateList).tbsCertList.revokedCertificates!;
    const reason = (e: typeof hold) => {
      const ext = e!.crlEntryExtensions?.find((x) => x.extnID === id_ce_cRLReasons);
      return ext ? AsnConvert.parse(ext.extnValue, CRLReason).reason : null;
    };
    expect(Buffer.from(hold!.userCertificate).toString('hex')).toBe('4a01');
    expect(reason(hold)).toBe(6);
    expect(reason(moved)).toBe(3);
    expect(reason(plain)).toBeNull();
  });

  it('refuses a CRL number that is not a non-negative integer', async () => {
    const ca = await caFor('ECDSA-P256');
    expect(() => buildCrl({ ca, crlNumber: -1, thisUpdate: NOW, nextUpdate: NEXT, entries: [] })).toThrow(RangeError);
    expect(() => buildCrl({ ca, crlNumber: 1.5, thisUpdate: NOW, nextUpdate: NEXT, entries: [] })).toThrow(RangeError);
  });
});
