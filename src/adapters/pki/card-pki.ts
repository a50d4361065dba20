import type { CardPki } from '../../app/ports.js';
import { issueCertificate } from './card-certificates.js';
import { signChallenge, signDigest } from './card-signer.js';
import type { CaMaterial } from './certificate-authority.js';
import { isKeyAlgorithm, type KeyAlgorithm } from './key-algorithm.js';
import type { SecretBox } from './secret-box.js';

// Private keys are sealed as soon as they exist and opened only for one signature (DOMAIN.md §2). The
// certificate serial is bound in, so a sealed key copied to another certificate's row does not open.
const keyAad = (serialHex: string) => `card-private-key:v1:${serialHex}`;

export function createCardPki(ca: CaMaterial, algorithm: KeyAlgorithm, keyBox: SecretBox): CardPki {
  return {
    algorithm,
    async issue({ kind, holder, notBefore, notAfter }) {
      const issued = await issueCertificate({ ca, kind, algorithm, holder, notBefore, notAfter });
      return { der: issued.certDer, sealedKey: keyBox.seal(issued.privateKeyPkcs8, keyAad(issued.serialHex)), serialHex: issued.serialHex };
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
