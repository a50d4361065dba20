import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import { issueCertificate } from '../../src/adapters/pki/card-certificates.js';
import { signDigest } from '../../src/adapters/pki/card-signer.js';
import { createCertificateAuthority } from '../../src/adapters/pki/certificate-authority.js';
import { caFor, HOLDER, NOT_AFTER, NOW } from '../../src/adapters/pki/pki-test-fixtures.js';
import { assembleSignedData, prepareSignedAttributes } from './cms-signed-data.js';
import { readCms, verifyCms } from './cms-verify.js';

// The CMS halves without a server: a card's key signs the digest of the signed attributes exactly as Kagiya's card
// API does (card-signer.signDigest), and pkijs checks the result.

const content = new TextEncoder().encode('{"type":"kagiya-etax/income-tax-return","figures":{"salary":5000000}}');

async function signed(algorithm: 'ECDSA-P256' | 'RSA-2048', body = content) {
  const ca = await caFor(algorithm);
  const cert = await issueCertificate({ ca, kind: 'sign', algorithm, holder: HOLDER, notBefore: NOW, notAfter: NOT_AFTER });
  const prepared = prepareSignedAttributes(body, NOW);
  const signature = await signDigest(cert.privateKeyPkcs8, algorithm, prepared.digest);
  return { ca, cert, prepared, cms: assembleSignedData({ content: body, prepared, signature, certificate: cert.certDer, algorithm }) };
}

describe('CMS SignedData for a return', () => {
  it('signs the DER SET of signed attributes, sorted, with the content digest inside', () => {
    const p = prepareSignedAttributes(content, NOW);
    expect(p.der[0]).toBe(0x31); // SET, not the [0] IMPLICIT tag of SignerInfo
    expect(Buffer.from(p.digest)).toEqual(createHash('sha256').update(p.der).digest());
    expect(Buffer.from(p.der).includes(createHash('sha256').update(content).digest())).toBe(true);
    // X.690 §11.6: the SET OF is in ascending order of the encodings, as a DER verifier re-encodes it.
    const encoded = p.attributes.map((a) => Buffer.from(AsnConvert.serialize(a)));
    expect(encoded).toHaveLength(3);
    for (let i = 1; i < encoded.length; i += 1) expect(Buffer.compare(encoded[i - 1]!, encoded[i]!)).toBeLessThan(0);
    expect(p.attributes.map((a) => a.attrType).sort()).toEqual(['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.4', '1.2.840.113549.1.9.5']);
  });

  for (const algorithm of ['ECDSA-P256', 'RSA-2048'] as const) {
    it(`verifies with the CA as anchor and returns the content and the signer (${algorithm})`, async () => {
      const { ca, cert, cms } = await signed(algorithm);
      const v = await verifyCms(cms, ca.certDer, new Date(NOW.getTime() + 60_000));
      expect(v.ok).toBe(true);
      if (v.ok) {
        expect(Buffer.from(v.content)).toEqual(Buffer.from(content));
        expect(Buffer.from(v.signerCertificate)).toEqual(cert.certDer);
        expect(v.signingTime).toEqual(NOW);
      }
    });
  }

  it('refuses altered content, a foreign anchor, an expired certificate and garbage, each for its reason', async () => {
    const { ca, cms } = await signed('ECDSA-P256');
    const later = new Date(NOW.getTime() + 60_000);
    const tampered = Buffer.from(cms);
    const at = tampered.indexOf(Buffer.from('5000000'));
    tampered.write('4000000', at);
    expect(await verifyCms(tampered, ca.certDer, later)).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
    const other = await createCertificateAuthority({ commonName: 'Other CA', algorithm: 'ECDSA-P256', now: NOW });
    expect(await verifyCms(cms, other.certDer, later)).toEqual({ ok: false, code: 'CERT_UNTRUSTED' });
    expect(await verifyCms(cms, ca.certDer, new Date(NOT_AFTER.getTime() + 1000))).toEqual({ ok: false, code: 'CERT_EXPIRED' });
    expect(await verifyCms(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]), ca.certDer, later)).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(readCms(new Uint8Array(0))).toBeNull();
  });

  it('refuses a signature by another key over the same attributes', async () => {
    const { ca, cert, prepared } = await signed('ECDSA-P256');
    const stranger = await issueCertificate({ ca, kind: 'sign', algorithm: 'ECDSA-P256', holder: HOLDER, notBefore: NOW, notAfter: NOT_AFTER });
    const key = createPrivateKey({ key: stranger.privateKeyPkcs8, format: 'der', type: 'pkcs8' });
    const signature = nodeSign('sha256', prepared.der, { key, dsaEncoding: 'der' });
    const cms = assembleSignedData({ content, prepared, signature, certificate: cert.certDer, algorithm: 'ECDSA-P256' });
    expect(await verifyCms(cms, ca.certDer, new Date(NOW.getTime() + 60_000))).toEqual({ ok: false, code: 'SIGNATURE_INVALID' });
  });
});
