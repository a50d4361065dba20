import { X509Certificate, createHash, randomBytes, verify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate, type IssuedCertificate } from './card-certificates.js';
import { signChallenge, signDigest, verifyWithCertificate } from './card-signer.js';
import { KEY_ALGORITHMS } from './key-algorithm.js';
import { HOLDER, NOT_AFTER, NOW, caFor } from './pki-test-fixtures.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const P256_ORDER = p256.Point.CURVE().n;

describe.each(KEY_ALGORITHMS)('card signer (%s)', (algorithm) => {
  let auth: IssuedCertificate;
  let sign: IssuedCertificate;
  const publicKeyOf = (issued: IssuedCertificate) => new X509Certificate(issued.certDer).publicKey;

  beforeAll(async () => {
    const ca = await caFor(algorithm);
    const issue = (kind: 'auth' | 'sign') =>
      issueCertificate({ ca, kind, algorithm, holder: HOLDER, notBefore: NOW, notAfter: NOT_AFTER });
    [auth, sign] = await Promise.all([issue('auth'), issue('sign')]);
  });

  describe('signChallenge', () => {
    it('signs SHA-256(challenge) so the certificate’s public key verifies it over the challenge', async () => {
      const challenge = randomBytes(32);
      const signature = await signChallenge(auth.privateKeyPkcs8, algorithm, challenge);
      expect(verify('sha256', challenge, publicKeyOf(auth), signature)).toBe(true);
      expect(verifyWithCertificate(auth.certDer, challenge, signature)).toBe(true);
    });

    it('does not verify for another challenge or another card’s certificate', async () => {
      const challenge = randomBytes(32);
      const signature = await signChallenge(auth.privateKeyPkcs8, algorithm, challenge);
      expect(verifyWithCertificate(auth.certDer, randomBytes(32), signature)).toBe(false);
      expect(verifyWithCertificate(sign.certDer, challenge, signature)).toBe(false);
    });
  });

  describe('signDigest', () => {
    it('signs a precomputed digest so the signature verifies over the original data', async () => {
      const document = Buffer.from('確定申告書 令和7年分 — e-Tax filing', 'utf8');
      const signature = await signDigest(sign.privateKeyPkcs8, algorithm, sha256(document));
      expect(verify('sha256', document, publicKeyOf(sign), signature)).toBe(true);
      expect(verifyWithCertificate(sign.certDer, document, signature)).toBe(true);
      expect(verifyWithCertificate(sign.certDer, Buffer.from('a different document'), signature)).toBe(false);
    });

    it('does not hash the digest again (the signature is not over the digest as data)', async () => {
      const digest = sha256(Buffer.from('data'));
      const signature = await signDigest(sign.privateKeyPkcs8, algorithm, digest);
      expect(verifyWithCertificate(sign.certDer, digest, signature)).toBe(false);
    });

    it.each([0, 20, 31, 33, 48, 64])('rejects a %i-byte digest with a TypeError', async (length) => {
      await expect(signDigest(sign.privateKeyPkcs8, algorithm, new Uint8Array(length))).rejects.toThrow(TypeError);
    });

    it('rejects a key of the other algorithm with a TypeError', async () => {
      const other = KEY_ALGORITHMS.find((a) => a !== algorithm) ?? algorithm;
      await expect(signDigest(sign.privateKeyPkcs8, other, sha256(Buffer.from('x')))).rejects.toThrow(TypeError);
      await expect(signChallenge(sign.privateKeyPkcs8, other, Buffer.from('x'))).rejects.toThrow(TypeError);
    });

    if (algorithm === 'RSA-2048') {
      it('produces a 256-byte PKCS#1 v1.5 signature identical to signing the data with SHA-256', async () => {
        const data = randomBytes(100);
        const viaDigest = await signDigest(sign.privateKeyPkcs8, algorithm, sha256(data));
        const viaChallenge = await signChallenge(sign.privateKeyPkcs8, algorithm, data);
        expect(viaDigest.length).toBe(256);
        expect(viaDigest.equals(viaChallenge)).toBe(true);
      });
    } else {
      it('produces a DER-encoded, low-S ECDSA signature', async () => {
        for (let i = 0; i < 16; i++) {
          const signature = await signDigest(sign.privateKeyPkcs8, algorithm, randomBytes(32));
          expect(signature[0]).toBe(0x30); // SEQUENCE { r INTEGER, s INTEGER }
          const parsed = p256.Signature.fromBytes(signature, 'der');
          expect(parsed.s <= P256_ORDER / 2n).toBe(true);
        }
      });
    }
  });
});

describe('verifyWithCertificate', () => {
  it('returns false, not an exception, for a malformed signature or certificate', async () => {
    const ca = await caFor('ECDSA-P256');
    const card = await issueCertificate({
      ca,
      kind: 'auth',
      algorithm: 'ECDSA-P256',
      holder: HOLDER,
      notBefore: NOW,
      notAfter: NOT_AFTER,
    });
    expect(verifyWithCertificate(card.certDer, Buffer.from('x'), Buffer.from('not a signature'))).toBe(false);
    expect(verifyWithCertificate(Buffer.from('not a certificate'), Buffer.from('x'), Buffer.alloc(64))).toBe(false);
  });
});
