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

/**
 * Card certificates from the CA of their kind (signing or user authentication), each naming its OCSP responder,
 * its issuer's certificate and its CRL on Kagiya's origin (`publicUrl`).
 */
export function createCardPki(cas: Readonly<Record<CertKind, IssuingCa>>, algorithm: KeyAlgorithm, keyBox: SecretBox, publicUrl: string): CardPki {
  return {
    algorithm,
    async issue({ kind, holder, notBefore, notAfter }) {
      const ca = cas[kind];
      const issued = await issueCertificate({ ca: ca.material, kind, algorithm, holder, notBefore, notAfter, statusUrls: statusUrls(publicUrl, ca.id) });
      return { der: issued.certDer, sealedKey: keyBox.seal(issued.privateKeyPkcs8, keyAad(issued.serialHex)), serialHex: issued.serialHex, caId: ca.id };
    },
    // A card keeps the algorithm it was issued with, whatever the setting is today.
    signChallenge: (key, challenge) => signChallenge(keyBox.open(key.sealedKey, keyAad(key.serialHex)), asAlgorithm(key.algorithm), challenge),
    signDigest: (key, digest) => signDigest(keyBox.open(key.sealedKey, keyAad(key.serialHex)), asAlgorithm(key.algorithm), digest),
  };
}

function asAlgorithm(value: string): KeyAlgorithm {
  if (!isKeyAlgorithm(value)) throw new Error(`unknown key algorithm ${value}`);
  return value;
}
