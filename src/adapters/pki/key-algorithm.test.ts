import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_ALGORITHM, KEY_ALGORITHMS, isKeyAlgorithm, keyGenParams, keyImportParams, signParams } from './key-algorithm.js';

describe('isKeyAlgorithm', () => {
  it('accepts the two supported algorithms and defaults to ECDSA P-256', () => {
    expect(KEY_ALGORITHMS.every(isKeyAlgorithm)).toBe(true);
    expect(DEFAULT_KEY_ALGORITHM).toBe('ECDSA-P256');
  });

  it.each(['RSA-4096', 'ecdsa-p256', 'Ed25519', '', 42, null, undefined])('rejects %s', (value) => {
    expect(isKeyAlgorithm(value)).toBe(false);
  });
});

describe.each(KEY_ALGORITHMS)('WebCrypto parameters for %s', (algorithm) => {
  it('generate, export, import and sign/verify with SHA-256', async () => {
    const subtle = webcrypto.subtle;
    const pair = (await subtle.generateKey(keyGenParams(algorithm), true, ['sign', 'verify'])) as CryptoKeyPair;
    const pkcs8 = await subtle.exportKey('pkcs8', pair.privateKey);
    const imported = await subtle.importKey('pkcs8', pkcs8, keyImportParams(algorithm), false, ['sign']);
    const data = new TextEncoder().encode('challenge');
    const signature = await subtle.sign(signParams(algorithm), imported, data);
    expect(await subtle.verify(signParams(algorithm), pair.publicKey, signature, data)).toBe(true);
  });
});
