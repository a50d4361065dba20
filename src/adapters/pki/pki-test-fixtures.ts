// Shared fixtures for the PKI tests (not a test file itself).
import 'reflect-metadata'; // must precede @peculiar/x509
import * as x509 from '@peculiar/x509';
import type { Holder } from './card-certificates.js';
import { createCertificateAuthority, type CaMaterial } from './certificate-authority.js';
import type { KeyAlgorithm } from './key-algorithm.js';

export const HOLDER: Holder = {
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  address: '埼玉県さいたま市浦和区常盤6丁目4番4号',
  birthDate: '1990-01-02',
  sex: 'male',
};

// Whole seconds: X.509 validity has one-second resolution. 14:59:59Z is 23:59:59 JST, the end of
// day JPKI certificates use (jpki-facts §3.1).
export const NOW = new Date('2026-04-01T01:23:45Z');
export const NOT_AFTER = new Date('2031-01-01T14:59:59Z');

const cas = new Map<KeyAlgorithm, Promise<CaMaterial>>();

/** One CA per algorithm per test file (RSA key generation is the slow part). */
export function caFor(algorithm: KeyAlgorithm): Promise<CaMaterial> {
  let ca = cas.get(algorithm);
  if (ca === undefined) {
    ca = createCertificateAuthority({ commonName: `Kagiya Test CA (${algorithm})`, algorithm, now: NOW });
    cas.set(algorithm, ca);
  }
  return ca;
}

/** Parses DER with @peculiar/x509 (whose typings refuse a Buffer that may sit on a SharedArrayBuffer). */
export function x509Of(der: Uint8Array): x509.X509Certificate {
  return new x509.X509Certificate(new Uint8Array(der));
}
