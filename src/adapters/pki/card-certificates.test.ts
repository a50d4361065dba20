import 'reflect-metadata'; // must precede @peculiar/x509
import * as x509 from '@peculiar/x509';
import { X509Certificate as NodeX509, createPrivateKey, createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectAlternativeName } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  JPKI_OTHER_NAME_OID,
  issueCertificate,
  readHolderFromSigningCertificate,
  type Holder,
  type IssuedCertificate,
} from './card-certificates.js';
import type { CaMaterial } from './certificate-authority.js';
import { KEY_ALGORITHMS } from './key-algorithm.js';
import { HOLDER, NOT_AFTER, NOW, caFor, x509Of } from './pki-test-fixtures.js';

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
};

// Every piece of the holder's data, whole and in parts, as it could leak into a certificate.
const HOLDER_FRAGMENTS = [
  HOLDER.name,
  HOLDER.nameKana,
  HOLDER.address,
  HOLDER.birthDate,
  '19900102',
  '山田',
  '太郎',
  'ヤマダ',
  'タロウ',
  '埼玉県',
  'さいたま市',
  '常盤',
  HOLDER.sex,
];

describe.each(KEY_ALGORITHMS)('issueCertificate (%s)', (algorithm) => {
  let ca: CaMaterial;
  let caCert: x509.X509Certificate;
  let auth: IssuedCertificate;
  let sign: IssuedCertificate;

  beforeAll(async () => {
    ca = await caFor(algorithm);
    caCert = x509Of(ca.certDer);
    const issue = (kind: 'auth' | 'sign') =>
      issueCertificate({ ca, kind, algorithm, holder: HOLDER, notBefore: NOW, notAfter: NOT_AFTER });
    [auth, sign] = await Promise.all([issue('auth'), issue('sign')]);
  });

  it('issues both certificates signed by the CA', async () => {
    for (const issued of [auth, sign]) {
      const cert = x509Of(issued.certDer);
      expect(await cert.verify({ publicKey: caCert.publicKey, signatureOnly: true })).toBe(true);
      // x509's date check treats notBefore as exclusive (RFC 5280 §4.1.2.5 says inclusive), so use
      // a moment just inside the validity period.
      expect(await cert.verify({ publicKey: caCert.publicKey, date: new Date(NOW.getTime() + 1000) })).toBe(true);
      expect(cert.issuer).toBe(caCert.subject);
      // Same check through OpenSSL (node:crypto), as a relying service would do it.
      const nodeCert = new NodeX509(issued.certDer);
      const nodeCa = new NodeX509(ca.certDer);
      expect(nodeCert.verify(nodeCa.publicKey)).toBe(true);
      expect(nodeCert.checkIssued(nodeCa)).toBe(true);
    }
  });

  it('does not verify against another CA', async () => {
    const otherAlgorithm = KEY_ALGORITHMS.find((a) => a !== algorithm) ?? algorithm;
    const other = new NodeX509((await caFor(otherAlgorithm)).certDer);
    expect(new NodeX509(auth.certDer).verify(other.publicKey)).toBe(false);
  });

  it('points its authorityKeyIdentifier at the CA’s subjectKeyIdentifier and has its own', () => {
    const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    for (const issued of [auth, sign]) {
      const cert = x509Of(issued.certDer);
      expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caKeyId);
      expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('carries exactly the validity dates given', () => {
    for (const issued of [auth, sign]) {
      const cert = x509Of(issued.certDer);
      expect(cert.notBefore.toISOString()).toBe(NOW.toISOString());
      expect(cert.notAfter.toISOString()).toBe(NOT_AFTER.toISOString());
      expect(issued.notBefore.toISOString()).toBe(NOW.toISOString());
      expect(issued.notAfter.toISOString()).toBe(NOT_AFTER.toISOString());
    }
  });

  it('uses a positive 16-byte serial, reported as serialHex and repeated as the subject CN', () => {
    for (const issued of [auth, sign]) {
      const cert = x509Of(issued.certDer);
      expect(issued.serialHex).toMatch(/^[4-7][0-9a-f]{31}$/);
      expect(cert.serialNumber).toBe(issued.serialHex);
      expect(cert.subjectName.getField('CN')).toEqual([issued.serialHex]);
    }
    expect(auth.serialHex).not.toBe(sign.serialHex);
  });

  it('returns the PKCS#8 private key matching the certificate’s public key, a fresh key per certificate', () => {
    const spkiOf = (issued: IssuedCertificate) =>
      createPublicKey(createPrivateKey({ key: issued.privateKeyPkcs8, format: 'der', type: 'pkcs8' })).export({
        type: 'spki',
        format: 'der',
      });
    for (const issued of [auth, sign]) {
      const cert = x509Of(issued.certDer);
      expect(spkiOf(issued).equals(Buffer.from(cert.publicKey.rawData))).toBe(true);
    }
    expect(spkiOf(auth).equals(spkiOf(sign))).toBe(false);
    expect(createPrivateKey({ key: auth.privateKeyPkcs8, format: 'der', type: 'pkcs8' }).asymmetricKeyType).toBe(
      algorithm === 'RSA-2048' ? 'rsa' : 'ec',
    );
  });

  describe('user-authentication certificate (利用者証明用)', () => {
    it('has the opaque subject C=JP, O=JPKI (Kagiya), OU=User Authentication, CN=<serial>', () => {
      const cert = x509Of(auth.certDer);
      expect(auth.kind).toBe('auth');
      expect(cert.subject).toBe(`C=JP, O=JPKI (Kagiya), OU=User Authentication, CN=${auth.serialHex}`);
    });

    it('contains none of the holder’s data, in its bytes, subject or extensions', () => {
      const cert = x509Of(auth.certDer);
      const nodeCert = new NodeX509(auth.certDer);
      const texts = [cert.subject, cert.issuer, cert.toString('text'), nodeCert.toString(), nodeCert.subject];
      for (const fragment of HOLDER_FRAGMENTS) {
        expect(auth.certDer.includes(Buffer.from(fragment, 'utf8')), fragment).toBe(false);
        expect(auth.certDer.includes(Buffer.from(fragment, 'utf16le')), fragment).toBe(false);
        for (const text of texts) expect(text.includes(fragment), fragment).toBe(false);
      }
      expect(nodeCert.subjectAltName).toBeUndefined();
      expect(cert.extensions.map((e) => e.type).sort()).toEqual(
        [OID.basicConstraints, OID.keyUsage, OID.authorityKeyIdentifier, OID.subjectKeyIdentifier, OID.extKeyUsage].sort(),
      );
    });

    it('is an end-entity certificate for digital signatures in client authentication', () => {
      const cert = x509Of(auth.certDer);
      expect(cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
      const ku = cert.getExtension(x509.KeyUsagesExtension);
      expect(ku?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
      expect(ku?.critical).toBe(true);
      expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    });

    it('cannot be read as a signing certificate', () => {
      expect(() => readHolderFromSigningCertificate(auth.certDer)).toThrow(/not a signing certificate/);
    });
  });

  describe('signing certificate (署名用)', () => {
    it('has the subject C=JP, O=JPKI (Kagiya), OU=Digital Signature, CN=<serial> with no personal data in it', () => {
      const cert = x509Of(sign.certDer);
      expect(sign.kind).toBe('sign');
      expect(cert.subject).toBe(`C=JP, O=JPKI (Kagiya), OU=Digital Signature, CN=${sign.serialHex}`);
      for (const fragment of HOLDER_FRAGMENTS) expect(cert.subject.includes(fragment)).toBe(false);
    });

    it('carries the holder’s data as UTF8String otherNames under 1.2.392.200149.8.5.5.x', () => {
      const ext = x509Of(sign.certDer).getExtension(OID.subjectAltName);
      expect(ext?.critical).toBe(false);
      const san = AsnConvert.parse(ext?.value ?? new ArrayBuffer(0), SubjectAlternativeName);
      const found = san.map((gn) => {
        const value = new Uint8Array(gn.otherName?.value ?? new ArrayBuffer(0));
        return [gn.otherName?.typeId, value[0], Buffer.from(value.subarray(2)).toString('utf8')];
      });
      // 0x0c is the UTF8String tag; every value here is shorter than 128 bytes (one length byte).
      expect(found).toEqual([
        ['1.2.392.200149.8.5.5.1', 0x0c, HOLDER.name],
        ['1.2.392.200149.8.5.5.2', 0x0c, HOLDER.nameKana],
        ['1.2.392.200149.8.5.5.3', 0x0c, HOLDER.sex],
        ['1.2.392.200149.8.5.5.4', 0x0c, HOLDER.birthDate],
        ['1.2.392.200149.8.5.5.5', 0x0c, HOLDER.address],
      ]);
      expect(Object.values(JPKI_OTHER_NAME_OID)).toEqual(found.map(([oid]) => oid));
    });

    it('round-trips the holder’s Japanese name, kana, address, birth date and sex', () => {
      expect(readHolderFromSigningCertificate(sign.certDer)).toEqual(HOLDER);
    });

    it('has keyUsage digitalSignature + nonRepudiation and no extendedKeyUsage', () => {
      const cert = x509Of(sign.certDer);
      expect(cert.getExtension(x509.KeyUsagesExtension)?.usages).toBe(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
      );
      expect(cert.getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
      expect(cert.getExtension(OID.subjectAltName)).not.toBeNull();
    });
  });
});

describe('issueCertificate', () => {
  const base = async () => ({
    ca: await caFor('ECDSA-P256'),
    algorithm: 'ECDSA-P256' as const,
    holder: HOLDER,
    notBefore: NOW,
    notAfter: NOT_AFTER,
  });

  it('gives every certificate a different serial', async () => {
    const opts = await base();
    const issued = await Promise.all(
      Array.from({ length: 24 }, (_, i) => issueCertificate({ ...opts, kind: i % 2 === 0 ? 'auth' : 'sign' })),
    );
    expect(new Set(issued.map((c) => c.serialHex)).size).toBe(24);
  });

  it('lets the card algorithm differ from the CA’s (RSA CA, ECDSA card)', async () => {
    const ca = await caFor('RSA-2048');
    const card = await issueCertificate({ ...(await base()), ca, kind: 'auth' });
    expect(new NodeX509(card.certDer).verify(new NodeX509(ca.certDer).publicKey)).toBe(true);
    expect(new NodeX509(card.certDer).publicKey.asymmetricKeyType).toBe('ec');
  });

  it('truncates sub-second dates and reports what was encoded', async () => {
    const card = await issueCertificate({
      ...(await base()),
      kind: 'auth',
      notBefore: new Date('2026-04-01T01:23:45.999Z'),
      notAfter: new Date('2031-01-01T14:59:59.999Z'),
    });
    expect(card.notBefore.toISOString()).toBe('2026-04-01T01:23:45.000Z');
    expect(x509Of(card.certDer).notAfter.toISOString()).toBe('2031-01-01T14:59:59.000Z');
  });

  it('encodes validity after 2049 as GeneralizedTime and reads it back exactly', async () => {
    const notAfter = new Date('2051-06-30T14:59:59Z');
    const card = await issueCertificate({ ...(await base()), kind: 'auth', notAfter });
    expect(x509Of(card.certDer).notAfter.toISOString()).toBe(notAfter.toISOString());
    expect(card.certDer.includes(Buffer.from('20510630145959Z'))).toBe(true);
  });

  it('rejects notAfter not after notBefore', async () => {
    await expect(issueCertificate({ ...(await base()), kind: 'auth', notAfter: NOW })).rejects.toThrow(RangeError);
  });

  it.each<[string, Partial<Holder>]>([
    ['a birth date not in YYYY-MM-DD', { birthDate: '1990/01/02' }],
    ['an impossible month', { birthDate: '1990-13-02' }],
    ['an empty name', { name: ' ' }],
    ['an empty address', { address: '' }],
    ['an unknown sex', { sex: 'x' as Holder['sex'] }],
  ])('refuses a signing certificate for a holder with %s', async (_why, change) => {
    await expect(issueCertificate({ ...(await base()), kind: 'sign', holder: { ...HOLDER, ...change } })).rejects.toThrow(
      RangeError,
    );
  });

  it('round-trips other holders, including long addresses and the other sexes', async () => {
    const holders: Holder[] = [
      { name: '髙橋 花子', nameKana: 'タカハシ ハナコ', address: '神奈川県横浜市中区港町1丁目1番地 横浜市役所内 ﾃｽﾄ 𠮷野家ビル101', birthDate: '2001-12-31', sex: 'female' },
      { name: 'Smith John', nameKana: 'スミス ジョン', address: '東京都千代田区九段南1丁目2番1号', birthDate: '1950-02-28', sex: 'other' },
    ];
    for (const holder of holders) {
      const card = await issueCertificate({ ...(await base()), kind: 'sign', holder });
      expect(readHolderFromSigningCertificate(card.certDer)).toEqual(holder);
    }
  });
});
