// OCSP messages (RFC 6960) in and out, as DER, with @peculiar/asn1-ocsp structures and node:crypto signatures.
// Decisions about status live elsewhere (app/certificate-status.ts); this file only reads requests and writes
// signed responses.

import { createHash, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  BasicOCSPResponse,
  CertStatus,
  KeyHash,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
  type CertID,
} from '@peculiar/asn1-ocsp';
import { CRLReason, Certificate, Extension } from '@peculiar/asn1-x509';
import { CRL_REASONS, type CertificateStatusValue } from '../../domain/revocation.js';
import { signatureAlgorithm } from './certificate-builder.js';
import { toArrayBuffer, toWholeSecond } from './certificate-fields.js';
import type { KeyAlgorithm } from './key-algorithm.js';
import type { KeyObject } from 'node:crypto';

/** Most single requests one OCSP request may carry; more is refused as malformed. */
export const MAX_SINGLE_REQUESTS = 16;

// CertID hash algorithms a client may use (RFC 6960 §4.1.1; openssl uses SHA-1 unless told otherwise).
const HASHES: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export type SingleQuery = Readonly<{
  certId: CertID;
  /** node:crypto hash name, or null for an algorithm we do not support (answered unknown). */
  hash: string | null;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialHex: string;
}>;

export type ParsedRequest = Readonly<{ queries: readonly SingleQuery[]; nonce: Extension | null }>;

const hex = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');

/** Reads an OCSPRequest; null for anything malformed (RFC 6960 §2.3 malformedRequest). Never throws. */
export function parseOcspRequest(der: Uint8Array): ParsedRequest | null {
  // The whole body must be the one request: no trailing bytes.
  if (outerDerLength(der) !== der.byteLength) return null;
  let request: OCSPRequest;
  try {
    request = AsnConvert.parse(der, OCSPRequest);
  } catch {
    return null;
  }
  const list = request.tbsRequest.requestList;
  if (list.length === 0 || list.length > MAX_SINGLE_REQUESTS) return null;
  const queries: SingleQuery[] = [];
  for (const single of list) {
    const id = single.reqCert;
    const serial = new Uint8Array(id.serialNumber);
    if (serial.length === 0 || serial.length > 21) return null;
    queries.push({
      certId: id,
      hash: HASHES[id.hashAlgorithm.algorithm] ?? null,
      issuerNameHash: hex(id.issuerNameHash.buffer),
      issuerKeyHash: hex(id.issuerKeyHash.buffer),
      serialHex: hex(serial),
    });
  }
  let nonce: Extension | null = null;
  for (const ext of request.tbsRequest.requestExtensions ?? []) {
    if (ext.extnID !== id_pkix_ocsp_nonce) continue;
    // RFC 8954 §2.1: a nonce of 0 or more than 32 octets is refused as malformed.
    const length = nonceLength(ext);
    if (length < 1 || length > 32) return null;
    nonce = ext;
  }
  return { queries, nonce };
}

/** Bytes taken by the outer DER SEQUENCE (tag, length, content), or -1 if the header is not a definite-length SEQUENCE. */
function outerDerLength(der: Uint8Array): number {
  if (der.length < 2 || der[0] !== 0x30) return -1;
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 3 || der.length < 2 + octets) return -1;
  let length = 0;
  for (let i = 0; i < octets; i += 1) length = length * 256 + der[2 + i]!;
  return 2 + octets + length;
}

// The nonce is an OCTET STRING inside extnValue (RFC 8954); some old clients put the raw bytes there instead.
function nonceLength(ext: Extension): number {
  const raw = new Uint8Array(ext.extnValue.buffer);
  try {
    const inner = AsnConvert.parse(raw, OctetString);
    if (AsnConvert.serialize(inner).byteLength === raw.byteLength) return inner.byteLength;
  } catch {
    // not DER: raw bytes
  }
  return raw.byteLength;
}

/** The hashes a CertID names its issuer by: hash of the issuer's DN DER and of its public key bits (§4.1.1). */
export function issuerHashes(caCertDer: Uint8Array, hash: string): { nameHash: string; keyHash: string } {
  const cert = AsnConvert.parse(caCertDer, Certificate);
  const name = Buffer.from(AsnConvert.serialize(cert.tbsCertificate.subject));
  const key = new Uint8Array(cert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
  return { nameHash: createHash(hash).update(name).digest('hex'), keyHash: createHash(hash).update(key).digest('hex') };
}

export type SingleAnswer = Readonly<{ certId: CertID; status: CertificateStatusValue }>;

export type ResponseSigner = Readonly<{ key: KeyObject; algorithm: KeyAlgorithm; caCertDer: Uint8Array }>;

/**
 * A successful, signed BasicOCSPResponse (RFC 6960 §4.2.1). The CA signs it itself (§4.2.2.2: the CA who issued
 * the certificate in question), named by key hash, so the client needs no other certificate.
 */
export function buildOcspResponse(input: {
  answers: readonly SingleAnswer[];
  signer: ResponseSigner;
  nonce: Extension | null;
  now: Date;
  /** How long an answer may be cached (nextUpdate − thisUpdate). */
  validityMs: number;
}): Buffer {
  const now = toWholeSecond(input.now);
  const nextUpdate = new Date(now.getTime() + input.validityMs);
  const responses = input.answers.map(
    (a) => new SingleResponse({ certID: a.certId, certStatus: certStatus(a.status), thisUpdate: now, nextUpdate }),
  );
  const tbs = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(responderKeyHash(input.signer.caCertDer)) }),
    producedAt: now,
    responses,
    // RFC 6960 §4.4.1: the nonce is echoed as it came.
    ...(input.nonce ? { responseExtensions: [new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: input.nonce.extnValue })] } : {}),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign('sha256', tbsDer, { key: input.signer.key, dsaEncoding: 'der' });
  const basic = new BasicOCSPResponse({
    tbsResponseData: tbs,
    signatureAlgorithm: signatureAlgorithm(input.signer.algorithm),
    signature: toArrayBuffer(signature),
  });
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  });
  return Buffer.from(AsnConvert.serialize(response));
}

// RFC 6960 §4.2.1 ResponderID byKey: SHA-1 of the responder's public key bits; one parse per CA certificate.
const keyHashes = new WeakMap<Uint8Array, ArrayBuffer>();
function responderKeyHash(caCertDer: Uint8Array): ArrayBuffer {
  let hash = keyHashes.get(caCertDer);
  if (!hash) {
    const cert = AsnConvert.parse(caCertDer, Certificate);
    hash = toArrayBuffer(createHash('sha1').update(new Uint8Array(cert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest());
    keyHashes.set(caCertDer, hash);
  }
  return hash;
}

function certStatus(status: CertificateStatusValue): CertStatus {
  switch (status.state) {
    case 'good':
      return new CertStatus({ good: null });
    case 'unknown':
      return new CertStatus({ unknown: null });
    case 'revoked':
      return new CertStatus({
        revoked: new RevokedInfo({
          revocationTime: toWholeSecond(status.revokedAt),
          // RFC 5280 §5.3.1: unspecified SHOULD be absent rather than sent.
          ...(status.reason === 'unspecified' ? {} : { revocationReason: new CRLReason(CRL_REASONS[status.reason]) }),
        }),
      });
  }
}

/** An unsuccessful response: only the status, no signature (RFC 6960 §4.2.1). */
export function ocspErrorResponse(status: 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized'): Buffer {
  return Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus[status] })));
}
