import { createHash, createHmac, randomBytes, randomInt } from 'node:crypto';
import type { CounterSecrets } from '../../app/counter-ports.js';
import { createSecretBox, deriveKey } from '../pki/secret-box.js';

// Letter codes avoid characters that are confused on paper (0/O, 1/I/L).
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function createCounterSecrets(masterKey: Uint8Array): CounterSecrets {
  const totpBox = createSecretBox(deriveKey(masterKey, 'staff-totp'));
  const letterKey = deriveKey(masterKey, 'inquiry-letter-code');
  return {
    newToken: () => randomBytes(32).toString('base64url'),
    hashToken: (token) => createHash('sha256').update(`kagiya-token:v1:${token}`).digest(),
    newLetterCode: () => Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''),
    hashLetterCode: (code, letterId) => createHmac('sha256', letterKey).update(`${letterId}:${code.toUpperCase().replace(/[\s-]/g, '')}`).digest(),
    sealTotpSecret: (secret, staffId) => totpBox.seal(Buffer.from(secret), `staff:${staffId}`),
    openTotpSecret: (sealed, staffId) => totpBox.open(sealed, `staff:${staffId}`).toString(),
  };
}
