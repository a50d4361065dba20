import { constants, createPrivateKey, privateEncrypt } from 'node:crypto';
import type { CardPki } from '../../app/ports.js';
import type { CertKind } from '../../domain/pin-slot.js';
import { issueCertificate } from './card-certificates.js';
import { signChallenge, signDigest } from './card-signer.js';
import type { CaMaterial } from './certificate-authority.js';
import { isKeyAlgorithm, type KeyAlgorithm } from './key-algorithm.js';
import type { SecretBox } from './secret-box.js';
import { statusUrls } from './status-urls.js';

// Private keys are sealed as soon as they exist and opened only for one signature (DOMAIN.md §2). The
// certificate serial is bound in, so a sealed key copied to another certificate's row does not open.
const keyAad = (serialHex: string) => `card-private-key:v1:${serialHex}`;

export type IssuingCa = Readonly<{ id: string; material: CaMaterial }>;

/** RFC 8017 §9.2 note: PKCS#1 v1.5 type-1 padding needs 11 bytes of a 256-byte RSA-2048 block. */
export const PKCS1_MAX_INPUT = 256 - 11;

/**
 * Card certificates from the CA of their kind (signing or user authentication), each naming its OCSP responder,
 * its issuer's certificate and its CRL on Kagiya's origin (`publicUrl`). A card's key algorithm may differ from the
 * setting (a card for a reader is RSA-2048); its CA stays the one of its kind.
 */
export function createCardPki(cas: Readonly<Record<CertKind, IssuingCa>>, algorithm: KeyAlgorithm, keyBox: SecretBox, publicUrl: string): CardPki {
  return {
    algorithm,
    async issue({ kind, holder, notBefore, notAfter, algorithm: chosen }) {
      const ca = cas[kind];
      const issued = await issueCertificate({ ca: ca.material, kind, algorithm: chosen ?? algorithm, holder, notBefore, notAfter, statusUrls: statusUrls(publicUrl, ca.id) });
      return { der: issued.certDer, sealedKey: keyBox.seal(issued.privateKeyPkcs8, keyAad(issued.serialHex)), serialHex: issued.serialHex, caId: ca.id };
    },
    // A card keeps the algorithm it was issued with, whatever the setting is today.
    signChallenge: (key, challenge) => signChallenge(keyBox.open(key.sealedKey, keyAad(key.serialHex)), asAlgorithm(key.algorithm), challenge),
    signDigest: (key, digest) => signDigest(keyBox.open(key.sealedKey, keyAad(key.serialHex)), asAlgorithm(key.algorithm), digest),
    async signPkcs1(key, data) {
      if (asAlgorithm(key.algorithm) !== 'RSA-2048') throw new TypeError('PKCS#1 v1.5 signing needs an RSA-2048 key');
      if (data.length === 0 || data.length > PKCS1_MAX_INPUT) throw new RangeError(`PKCS#1 v1.5 input must be 1..${PKCS1_MAX_INPUT} bytes`);
      const der = keyBox.open(key.sealedKey, keyAad(key.serialHex));
      try {
        const privateKey = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
        // privateEncrypt with PKCS#1 padding is exactly "pad type 1, apply the private key": the card's operation.
        return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, data);
      } finally {
        der.fill(0);
      }
    },
    caCertificate: (kind) => cas[kind].material.certDer,
  };
}

function asAlgorithm(value: string): KeyAlgorithm {
  if (!isKeyAlgorithm(value)) throw new Error(`unknown key algorithm ${value}`);
  return value;
}
