// Key algorithms a card (or the CA) may use.
// The real My Number Card holds RSA-2048 keys and signs with PKCS#1 v1.5 (jpki-facts §3.2, §6.3);
// Kagiya defaults to ECDSA P-256 because issuing a card with RSA keys is ~70x slower (key
// generation dominates: ~2.5 ms vs ~180 ms per card measured on 2 cores), while relying services verify both the same way (X.509 public key + SHA-256).

export type KeyAlgorithm = 'ECDSA-P256' | 'RSA-2048';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['ECDSA-P256', 'RSA-2048'];

export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'ECDSA-P256';

export function isKeyAlgorithm(s: unknown): s is KeyAlgorithm {
  return typeof s === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(s);
}

// RFC 8017 §A.1: 65537 is the customary public exponent.
const RSA_PUBLIC_EXPONENT = 0x010001;

/** WebCrypto parameters for `subtle.generateKey`. */
export function keyGenParams(algorithm: KeyAlgorithm): RsaHashedKeyGenParams | EcKeyGenParams {
  switch (algorithm) {
    case 'ECDSA-P256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'RSA-2048':
      return {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 2048,
        publicExponent: new Uint8Array([0x01, 0x00, 0x01]),
        hash: 'SHA-256',
      };
  }
}

/** WebCrypto parameters for `subtle.importKey` of a PKCS#8 private key or SPKI public key. */
export function keyImportParams(algorithm: KeyAlgorithm): RsaHashedImportParams | EcKeyImportParams {
  switch (algorithm) {
    case 'ECDSA-P256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'RSA-2048':
      return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  }
}

/**
 * WebCrypto parameters for `subtle.sign`/`verify`. Both hash with SHA-256, matching
 * sha256WithRSAEncryption (the real JPKI CAs) and ecdsa-with-SHA256 (RFC 5758 §3.2).
 * Note WebCrypto ECDSA signatures are raw r||s, not the DER form X.509 verifiers use.
 */
export function signParams(algorithm: KeyAlgorithm): Algorithm | EcdsaParams {
  switch (algorithm) {
    case 'ECDSA-P256':
      return { name: 'ECDSA', hash: 'SHA-256' };
    case 'RSA-2048':
      return { name: 'RSASSA-PKCS1-v1_5' };
  }
}

/** The `KeyObject.asymmetricKeyType` node:crypto reports for keys of this algorithm. */
export function nodeKeyType(algorithm: KeyAlgorithm): 'ec' | 'rsa' {
  return algorithm === 'ECDSA-P256' ? 'ec' : 'rsa';
}

/** node:crypto `generateKeyPair` options (same keys as keyGenParams, without a WebCrypto round trip). */
export function nodeKeyGenOptions(
  algorithm: KeyAlgorithm,
): { type: 'ec'; namedCurve: 'P-256' } | { type: 'rsa'; modulusLength: 2048; publicExponent: number } {
  return algorithm === 'ECDSA-P256'
    ? { type: 'ec', namedCurve: 'P-256' }
    : { type: 'rsa', modulusLength: 2048, publicExponent: RSA_PUBLIC_EXPONENT };
}
