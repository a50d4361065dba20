// Envelope encryption for secrets at rest: card private keys, the CA key, the My Number.
// AES-256-GCM gives confidentiality and integrity in one pass; the `aad` (additional
// authenticated data) names the row and purpose a ciphertext belongs to, so a blob copied into
// another row, or used for another purpose, fails to open instead of decrypting silently.
//
// Layout: version (1 byte, = 1) | iv (12 bytes) | tag (16 bytes) | ciphertext.
// The version byte leaves room to rotate the scheme later; it is also authenticated (in the AAD).

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export type SecretBox = {
  seal(plain: Uint8Array, aad: string): Buffer;
  open(sealed: Uint8Array, aad: string): Buffer;
};

const VERSION = 1;
const KEY_BYTES = 32;
// 96-bit IVs are the GCM default (NIST SP 800-38D §8.2). Random IVs are safe well below 2^32
// messages per key, far above what one deployment seals under one derived key.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

function authenticatedData(aad: string): Buffer {
  return Buffer.concat([Buffer.of(VERSION), Buffer.from(aad, 'utf8')]);
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== KEY_BYTES) {
    throw new RangeError(`secret-box key must be ${KEY_BYTES} bytes, got ${key.length}`);
  }
  // Copy, so a caller that later zeroes or reuses its buffer does not change this box.
  const k = Buffer.from(key);

  return {
    seal(plain, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(authenticatedData(aad));
      const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
    },

    open(sealed, aad) {
      if (sealed.length < HEADER_BYTES) throw new Error('secret-box: sealed value is truncated');
      if (sealed[0] !== VERSION) throw new Error(`secret-box: unknown version ${sealed[0]}`);
      const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
      const iv = buf.subarray(1, 1 + IV_BYTES);
      const tag = buf.subarray(1 + IV_BYTES, HEADER_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      decipher.setAAD(authenticatedData(aad));
      const plain = decipher.update(buf.subarray(HEADER_BYTES));
      try {
        return Buffer.concat([plain, decipher.final()]);
      } catch {
        // Do not hint which of key, aad or bytes was wrong.
        plain.fill(0);
        throw new Error('secret-box: cannot open (wrong key, wrong aad, or tampered data)');
      }
    },
  };
}

// Fixed HKDF salt: domain separation from any other use of the same master secret (RFC 5869 §3.1).
const HKDF_SALT = Buffer.from('kagiya/secret-box/v1', 'utf8');

/**
 * Derives a 32-byte key for one purpose from the master key with HKDF-SHA256 (RFC 5869), the
 * purpose being the HKDF `info`. One master key thus yields independent keys for, e.g.,
 * 'private-keys', 'my-number' and 'my-number-index'; compromise of one derived key reveals
 * nothing about the others or the master.
 */
export function deriveKey(master: Uint8Array, purpose: string): Buffer {
  if (master.length < KEY_BYTES) {
    throw new RangeError(`master key must be at least ${KEY_BYTES} bytes, got ${master.length}`);
  }
  if (purpose.length === 0) throw new RangeError('key purpose must not be empty');
  return Buffer.from(hkdfSync('sha256', master, HKDF_SALT, Buffer.from(purpose, 'utf8'), KEY_BYTES));
}
