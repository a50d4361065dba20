// Builds and signs X.509 v3 certificates (RFC 5280 §4.1) from @peculiar/asn1-x509 structures and
// node:crypto signatures. Building the DER directly (rather than through @peculiar/x509's
// generator) keeps card issuance around a millisecond per certificate and needs no Reflect
// polyfill or WebCrypto key import in production code.

import { createHash, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  Certificate,
  Extension,
  Extensions,
  Name,
  RelativeDistinguishedName,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { toArrayBuffer } from './certificate-fields.js';
import type { KeyAlgorithm } from './key-algorithm.js';

const OID = {
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
} as const;

const DER_NULL = new Uint8Array([0x05, 0x00]).buffer;

/** The AlgorithmIdentifier of a SHA-256 signature made with a key of this algorithm. */
export function signatureAlgorithm(algorithm: KeyAlgorithm): AlgorithmIdentifier {
  return algorithm === 'ECDSA-P256'
    ? // RFC 5758 §3.2: the parameters field MUST be absent.
      new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 })
    : // RFC 4055 §5 / RFC 8017 §A.2.4: parameters are NULL.
      new AlgorithmIdentifier({ algorithm: OID.sha256WithRsaEncryption, parameters: DER_NULL });
}

export type DistinguishedName = { C: string; O: string; OU?: string; CN: string };

/**
 * A DN in the order JPKI certificates use (C first, CN last), one attribute per RDN.
 * countryName is PrintableString (RFC 5280 Appendix A); other attributes are UTF8String, which
 * RFC 5280 §4.1.2.4 asks of new certificates.
 */
export function directoryName(dn: DistinguishedName): Name {
  const rdn = (type: string, value: AttributeValue) =>
    new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]);
  const rdns = [rdn(OID.countryName, new AttributeValue({ printableString: dn.C }))];
  rdns.push(rdn(OID.organizationName, new AttributeValue({ utf8String: dn.O })));
  if (dn.OU !== undefined) rdns.push(rdn(OID.organizationalUnitName, new AttributeValue({ utf8String: dn.OU })));
  rdns.push(rdn(OID.commonName, new AttributeValue({ utf8String: dn.CN })));
  return new Name(rdns);
}

/** One extension; `value` is the asn1-x509 object for the extension's extnValue. */
export function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/**
 * Key identifier per RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.
 * SHA-1 is fine here: the identifier only has to be distinct, not collision-resistant.
 */
export function keyIdentifier(spki: SubjectPublicKeyInfo): ArrayBuffer {
  return toArrayBuffer(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());
}

export function parseSpki(spkiDer: Uint8Array): SubjectPublicKeyInfo {
  return AsnConvert.parse(spkiDer, SubjectPublicKeyInfo);
}

export function buildCertificate(opts: {
  serialHex: string;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  spki: SubjectPublicKeyInfo;
  extensions: Extension[];
  signer: { key: KeyObject; algorithm: KeyAlgorithm };
}): Buffer {
  const algorithm = signatureAlgorithm(opts.signer.algorithm);
  const tbsCertificate = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(Buffer.from(opts.serialHex, 'hex')),
    // RFC 5280 §4.1.2.3: MUST equal signatureAlgorithm in the outer Certificate.
    signature: algorithm,
    issuer: opts.issuer,
    // asn1-x509 picks UTCTime before 2050 and GeneralizedTime after, as RFC 5280 §4.1.2.5 requires.
    validity: new Validity({ notBefore: opts.notBefore, notAfter: opts.notAfter }),
    subject: opts.subject,
    subjectPublicKeyInfo: opts.spki,
    extensions: new Extensions(opts.extensions),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbsCertificate));
  // RSA keys sign with PKCS#1 v1.5 (node's default); ECDSA signatures are DER Ecdsa-Sig-Value.
  const signature = sign('sha256', tbsDer, { key: opts.signer.key, dsaEncoding: 'der' });
  const cert = new Certificate({
    tbsCertificate,
    signatureAlgorithm: algorithm,
    signatureValue: toArrayBuffer(signature),
  });
  return Buffer.from(AsnConvert.serialize(cert));
}
