// Kagiya's built-in certification authority: one self-signed CA certificate that issues the card
// certificates. (The real JPKI runs separate CAs for signing and for user authentication,
// jpki-facts §3.2; whether to create one CA or one per kind is the caller's choice.)
// The CA private key is returned in clear PKCS#8; the caller seals it with a SecretBox before
// storing it (encrypted at rest).

import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  KeyUsage,
  KeyUsageFlags,
  SubjectKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
  type Name,
} from '@peculiar/asn1-x509';
import { buildCertificate, directoryName, extension, keyIdentifier, parseSpki } from './certificate-builder.js';
import { randomSerialHex, toWholeSecond } from './certificate-fields.js';
import { generateKeyPairDer } from './key-pair.js';
import { nodeKeyType, type KeyAlgorithm } from './key-algorithm.js';

export type CaMaterial = { certDer: Buffer; privateKeyPkcs8: Buffer; algorithm: KeyAlgorithm };

// The real JPKI CA certificates are valid 10 years (jpki-facts §3.2).
const DEFAULT_CA_YEARS = 10;

export const CA_ORGANIZATION = 'JPKI (Kagiya)';

export async function createCertificateAuthority(opts: {
  commonName: string;
  algorithm: KeyAlgorithm;
  now: Date;
  years?: number;
}): Promise<CaMaterial> {
  const years = opts.years ?? DEFAULT_CA_YEARS;
  if (!Number.isInteger(years) || years < 1) throw new RangeError('years must be a positive integer');
  if (opts.commonName.trim() === '') throw new RangeError('commonName must not be empty');

  const { spkiDer, pkcs8Der } = await generateKeyPairDer(opts.algorithm);
  const spki = parseSpki(spkiDer);
  const notBefore = toWholeSecond(opts.now);
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  const name = directoryName({ C: 'JP', O: CA_ORGANIZATION, CN: opts.commonName });

  const certDer = buildCertificate({
    serialHex: randomSerialHex(),
    issuer: name, // self-signed: issuer = subject (RFC 5280 §3.2)
    subject: name,
    notBefore,
    notAfter,
    spki,
    extensions: [
      // RFC 5280 §4.2.1.9: MUST be present and critical in CA certificates. pathLen 0: this CA
      // issues end-entity (card) certificates only, never subordinate CAs.
      extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      // RFC 5280 §4.2.1.3: keyCertSign to sign certificates, cRLSign for the CRLs relying services
      // use to learn revocation (DOMAIN §2); SHOULD be critical.
      extension(id_ce_keyUsage, true, new KeyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign)),
      // RFC 5280 §4.2.1.2: MUST appear in CA certificates; issued certificates' AKI points here.
      extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))),
    ],
    signer: { key: createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' }), algorithm: opts.algorithm },
  });

  return { certDer, privateKeyPkcs8: pkcs8Der, algorithm: opts.algorithm };
}

export type LoadedCa = {
  signingKey: KeyObject;
  algorithm: KeyAlgorithm;
  /** The CA's subject, reused verbatim as issued certificates' issuer (RFC 5280 §4.1.2.4). */
  subject: Name;
  /** The CA's subjectKeyIdentifier, copied into issued certificates' AKI (RFC 5280 §4.2.1.1). */
  authorityKeyIdentifier: AuthorityKeyIdentifier;
};

// Parsing the certificate and importing the key once per CaMaterial object keeps card issuance
// lean; a WeakMap lets the entry go when the caller drops the material.
const loaded = new WeakMap<CaMaterial, LoadedCa>();

export function loadCertificateAuthority(ca: CaMaterial): LoadedCa {
  let entry = loaded.get(ca);
  if (entry === undefined) {
    entry = importCa(ca);
    loaded.set(ca, entry);
  }
  return entry;
}

function importCa(ca: CaMaterial): LoadedCa {
  const cert = AsnConvert.parse(ca.certDer, Certificate);
  const exts = cert.tbsCertificate.extensions ?? [];
  const find = (id: string) => exts.find((e) => e.extnID === id);

  const bc = find(id_ce_basicConstraints);
  if (bc === undefined || !AsnConvert.parse(bc.extnValue, BasicConstraints).cA) {
    throw new Error('certificate is not a CA certificate (basicConstraints cA is not true)');
  }
  const ski = find(id_ce_subjectKeyIdentifier);
  if (ski === undefined) throw new Error('CA certificate has no subjectKeyIdentifier');
  const keyId = AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier);

  const signingKey = createPrivateKey({ key: ca.privateKeyPkcs8, format: 'der', type: 'pkcs8' });
  if (signingKey.asymmetricKeyType !== nodeKeyType(ca.algorithm)) {
    throw new Error(`CA key is ${signingKey.asymmetricKeyType ?? 'unknown'}, not ${ca.algorithm}`);
  }
  // Catch mismatched material (a key from one CA row, a certificate from another) before it signs
  // certificates that would never verify.
  const publicFromKey = createPublicKey(signingKey).export({ type: 'spki', format: 'der' });
  const publicInCert = Buffer.from(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo));
  if (!publicFromKey.equals(publicInCert)) throw new Error('CA private key does not match the CA certificate');

  return {
    signingKey,
    algorithm: ca.algorithm,
    subject: cert.tbsCertificate.subject,
    authorityKeyIdentifier: new AuthorityKeyIdentifier({ keyIdentifier: keyId }),
  };
}
