import 'reflect-metadata'; // must precede @peculiar/x509
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueCertificate } from './card-certificates.js';
import { createCertificateAuthority } from './certificate-authority.js';
import { KEY_ALGORITHMS, keyImportParams } from './key-algorithm.js';
import { HOLDER, NOT_AFTER, NOW, caFor, x509Of } from './pki-test-fixtures.js';

describe.each(KEY_ALGORITHMS)('createCertificateAuthority (%s)', (algorithm) => {
  it('creates a self-signed certificate that verifies with its own public key', async () => {
    const cert = x509Of((await caFor(algorithm)).certDer);
    expect(cert.subject).toBe(cert.issuer);
    expect(cert.subject).toBe(`C=JP, O=JPKI (Kagiya), CN=Kagiya Test CA (${algorithm})`);
    expect(await cert.isSelfSigned()).toBe(true);
    expect(await cert.verify({ publicKey: cert.publicKey, signatureOnly: true })).toBe(true);
  });

  it('is a CA (critical basicConstraints, pathLen 0) that may only sign certificates and CRLs', async () => {
    const cert = x509Of((await caFor(algorithm)).certDer);
    const bc = cert.getExtension(x509.BasicConstraintsExtension);
    expect(bc?.ca).toBe(true);
    expect(bc?.critical).toBe(true);
    expect(bc?.pathLength).toBe(0);
    const ku = cert.getExtension(x509.KeyUsagesExtension);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(ku?.critical).toBe(true);
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('uses the requested key and signature algorithm', async () => {
    const ca = await caFor(algorithm);
    const cert = x509Of(ca.certDer);
    expect(ca.algorithm).toBe(algorithm);
    if (algorithm === 'ECDSA-P256') {
      expect(cert.publicKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
      expect(cert.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    } else {
      expect(cert.publicKey.algorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048 });
      expect(cert.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    }
  });

  it('returns the PKCS#8 private key that belongs to the certificate, importable by WebCrypto', async () => {
    const ca = await caFor(algorithm);
    const cert = x509Of(ca.certDer);
    const publicFromKey = createPublicKey(createPrivateKey({ key: ca.privateKeyPkcs8, format: 'der', type: 'pkcs8' }));
    expect(publicFromKey.export({ type: 'spki', format: 'der' }).equals(Buffer.from(cert.publicKey.rawData))).toBe(true);
    await expect(
      webcrypto.subtle.importKey('pkcs8', ca.privateKeyPkcs8, keyImportParams(algorithm), false, ['sign']),
    ).resolves.toBeDefined();
  });
});

describe('createCertificateAuthority validity', () => {
  it('starts at now, truncated to the second, and lasts 10 years by default', async () => {
    const ca = await createCertificateAuthority({
      commonName: 'Kagiya CA',
      algorithm: 'ECDSA-P256',
      now: new Date('2026-04-01T01:23:45.678Z'),
    });
    const cert = x509Of(ca.certDer);
    expect(cert.notBefore.toISOString()).toBe('2026-04-01T01:23:45.000Z');
    expect(cert.notAfter.toISOString()).toBe('2036-04-01T01:23:45.000Z');
  });

  it('lasts the given number of years', async () => {
    const ca = await createCertificateAuthority({ commonName: 'Kagiya CA', algorithm: 'ECDSA-P256', now: NOW, years: 3 });
    expect(x509Of(ca.certDer).notAfter.toISOString()).toBe('2029-04-01T01:23:45.000Z');
  });

  it.each([0, -1, 2.5])('rejects years = %s', async (years) => {
    await expect(createCertificateAuthority({ commonName: 'CA', algorithm: 'ECDSA-P256', now: NOW, years })).rejects.toThrow(
      RangeError,
    );
  });

  it('rejects an empty common name', async () => {
    await expect(createCertificateAuthority({ commonName: ' ', algorithm: 'ECDSA-P256', now: NOW })).rejects.toThrow(RangeError);
  });
});

describe('CA material checks when issuing', () => {
  const issueWith = (ca: Awaited<ReturnType<typeof caFor>>) =>
    issueCertificate({ ca, kind: 'auth', algorithm: 'ECDSA-P256', holder: HOLDER, notBefore: NOW, notAfter: NOT_AFTER });

  it('refuses a CA private key that does not match the CA certificate', async () => {
    const a = await caFor('ECDSA-P256');
    const b = await createCertificateAuthority({ commonName: 'Other CA', algorithm: 'ECDSA-P256', now: NOW });
    await expect(issueWith({ ...a, privateKeyPkcs8: b.privateKeyPkcs8 })).rejects.toThrow(/does not match/);
  });

  it('refuses a CA whose declared algorithm does not match its key', async () => {
    const a = await caFor('ECDSA-P256');
    await expect(issueWith({ ...a, algorithm: 'RSA-2048' })).rejects.toThrow(/not RSA-2048/);
  });

  it('refuses an end-entity certificate posing as a CA', async () => {
    const ca = await caFor('ECDSA-P256');
    const card = await issueWith(ca);
    await expect(issueWith({ certDer: card.certDer, privateKeyPkcs8: card.privateKeyPkcs8, algorithm: 'ECDSA-P256' })).rejects.toThrow(
      /not a CA/,
    );
  });
});
