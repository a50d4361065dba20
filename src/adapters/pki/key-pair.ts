// Fresh key pairs, returned as DER (SPKI public, PKCS#8 private) ready for a certificate and for
// sealing at rest. node:crypto's async generator runs in the libuv pool, so RSA-2048 generation
// (tens of ms) does not block the event loop and two keys of one card are made in parallel.

import { generateKeyPair } from 'node:crypto';
import { nodeKeyGenOptions, type KeyAlgorithm } from './key-algorithm.js';

export type KeyPairDer = { spkiDer: Buffer; pkcs8Der: Buffer };

const ENCODING = {
  publicKeyEncoding: { type: 'spki', format: 'der' },
  privateKeyEncoding: { type: 'pkcs8', format: 'der' },
} as const;

export function generateKeyPairDer(algorithm: KeyAlgorithm): Promise<KeyPairDer> {
  const opts = nodeKeyGenOptions(algorithm);
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, spkiDer: Buffer, pkcs8Der: Buffer) =>
      err ? reject(err) : resolve({ spkiDer, pkcs8Der });
    if (opts.type === 'ec') {
      generateKeyPair('ec', { namedCurve: opts.namedCurve, ...ENCODING }, done);
    } else {
      generateKeyPair('rsa', { modulusLength: opts.modulusLength, publicExponent: opts.publicExponent, ...ENCODING }, done);
    }
  });
}
