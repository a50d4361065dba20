import { createHmac } from 'node:crypto';
import type { MyNumberVault } from '../../app/ports.js';
import { createSecretBox, deriveKey } from '../pki/secret-box.js';

/** My Numbers sealed at rest (DOMAIN.md §6), bound to their resident row, with a keyed index for uniqueness. */
export function createMyNumberVault(masterKey: Uint8Array): MyNumberVault {
  const box = createSecretBox(deriveKey(masterKey, 'my-number'));
  const indexKey = deriveKey(masterKey, 'my-number-index');
  return {
    seal: (myNumber, residentId) => box.seal(Buffer.from(myNumber, 'ascii'), `resident:${residentId}`),
    open: (sealed, residentId) => box.open(sealed, `resident:${residentId}`).toString('ascii'),
    index: (myNumber) => createHmac('sha256', indexKey).update(myNumber).digest(),
  };
}
