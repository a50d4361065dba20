// CMS SignedData (RFC 5652 §5) for a signed e-Tax return, built in two halves around the card:
//  1. `prepareSignedAttributes` encodes the signed attributes (content type, message digest, signing time) and
//     gives their SHA-256 — the digest the card signs (RFC 5652 §5.4: the signature covers the DER of the
//     SET OF signed attributes, not the content itself).
//  2. `assembleSignedData` wraps content, attributes, the card's signature and its certificate into a
//     ContentInfo, as `openssl cms -verify` and any CMS verifier read it.
// The card signs what it is given (Kagiya's POST /api/v1/cards/{id}/sign): ECDSA P-256 over the digest as the
// message hash, or RSA PKCS#1 v1.5 over DigestInfo(SHA-256) — exactly CMS's ecdsa-with-SHA256 and
// sha256WithRSAEncryption, so no re-encoding is needed.

import { createHash } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import { AlgorithmIdentifier, Certificate, Time } from '@peculiar/asn1-x509';

export const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;


export type PreparedAttributes = Readonly<{
  /** The attributes in DER order (X.690 §11.6: a SET OF is sorted by encoding). */
  attributes: readonly Attribute[];
  /** DER of the SET OF attributes: what the signature covers. */
  der: Uint8Array;
  /** SHA-256 of `der`: what the card signs. */
  digest: Uint8Array;
}>;

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());
const arrayBuffer = (bytes: Uint8Array) => new Uint8Array(bytes).buffer;

/** X.690 §8.1.3: definite length, short form below 128, long form above. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function prepareSignedAttributes(content: Uint8Array, signingTime: Date): PreparedAttributes {
  const attribute = (attrType: string, value: ArrayBuffer) => new Attribute({ attrType, attrValues: [value] });
  // RFC 5652 §11.1–11.3: content-type and message-digest MUST be present when signed attributes are.
  const unsorted = [
    attribute(id_contentType, new asn1js.ObjectIdentifier({ value: id_data }).toBER()),
    // RFC 5652 §11.3: UTCTime for dates 1950–2049 (Time picks it).
    attribute(id_signingTime, AsnConvert.serialize(new Time(signingTime))),
    attribute(id_messageDigest, AsnConvert.serialize(new OctetString(arrayBuffer(sha256(content))))),
  ];
  const encoded = unsorted
    .map((a) => ({ a, der: new Uint8Array(AsnConvert.serialize(a)) }))
    .sort((x, y) => compareBytes(x.der, y.der));
  // SignedAttributes ::= SET OF Attribute, encoded on its own with the SET tag (RFC 5652 §5.4), not [0].
  const body = Buffer.concat(encoded.map((x) => x.der));
  const der = new Uint8Array(Buffer.concat([Buffer.from([0x31]), derLength(body.length), body]));
  return { attributes: encoded.map((x) => x.a), der, digest: sha256(der) };
}


export type CardAlgorithm = 'ECDSA-P256' | 'RSA-2048';

export function signatureAlgorithm(algorithm: CardAlgorithm): AlgorithmIdentifier {
  // RFC 5758 §3.2: ecdsa-with-SHA256 has NO parameters; RFC 4055 §5: sha256WithRSAEncryption has NULL.
  return algorithm === 'ECDSA-P256'
    ? new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 })
    : new AlgorithmIdentifier({ algorithm: OID.sha256WithRsa, parameters: null });
}

export function assembleSignedData(input: {
  content: Uint8Array;
  prepared: PreparedAttributes;
  signature: Uint8Array;
  certificate: Uint8Array;
  algorithm: CardAlgorithm;
}): Uint8Array {
  const cert = AsnConvert.parse(input.certificate, Certificate);
  const sha256Id = new AlgorithmIdentifier({ algorithm: OID.sha256, parameters: null });
  const signerInfo = new SignerInfo({
    version: 1, // RFC 5652 §5.3: 1 with issuerAndSerialNumber
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({
        issuer: cert.tbsCertificate.issuer,
        serialNumber: cert.tbsCertificate.serialNumber,
      }),
    }),
    digestAlgorithm: sha256Id,
    signedAttrs: [...input.prepared.attributes],
    signatureAlgorithm: signatureAlgorithm(input.algorithm),
    signature: new OctetString(arrayBuffer(input.signature)),
  });
  const signedData = new SignedData({
    version: 1, // RFC 5652 §5.1: id-data content, no v2+ certificates or signer identifiers
    digestAlgorithms: new DigestAlgorithmIdentifiers([sha256Id]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: id_data,
      eContent: new EncapsulatedContent({ single: new OctetString(arrayBuffer(input.content)) }),
    }),
    certificates: new CertificateSet([new CertificateChoices({ certificate: cert })]),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const contentInfo = new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) });
  return new Uint8Array(AsnConvert.serialize(contentInfo));
}

/** PEM armour as `openssl cms -inform PEM` and RFC 7468 §9 (CMS) expect. */
export function toPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CMS-----\n${b64}-----END CMS-----\n`;
}
