import { X509Certificate, createHash, createPrivateKey, verify } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  BasicOCSPResponse,
  CertID,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  Request,
  TBSRequest,
  id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp';
import { AlgorithmIdentifier, Certificate, Extension } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { buildOcspResponse, issuerHashes, MAX_SINGLE_REQUESTS, ocspErrorResponse, parseOcspRequest } from './ocsp-codec.js';
import { caFor, NOW } from './pki-test-fixtures.js';

const SHA1 = '1.3.14.3.2.26';

function certId(serialHex = '4a1b2c3d', hashOid = SHA1) {
  return new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: hashOid, parameters: null }),
    issuerNameHash: new OctetString(new Uint8Array(20).fill(1)),
    issuerKeyHash: new OctetString(new Uint8Array(20).fill(2)),
    serialNumber: new Uint8Array(Buffer.from(serialHex, 'hex')).buffer,
  });
}

function request(opts: { count?: number; nonce?: Uint8Array; hashOid?: string } = {}): Uint8Array {
  const requestList = Array.from({ length: opts.count ?? 1 }, () => new Request({ reqCert: certId('4a1b2c3d', opts.hashOid) }));
  const requestExtensions = opts.nonce
    ? [new Extension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(AsnConvert.serialize(new OctetString(opts.nonce))) })]
    : undefined;
  return new Uint8Array(AsnConvert.serialize(new OCSPRequest({ tbsRequest: new TBSRequest({ requestList, ...(requestExtensions ? { requestExtensions } : {}) }) })));
}

describe('OCSP request parsing (RFC 6960 §4.1)', () => {
  it('reads the CertID and the serial of each single request', () => {
    const parsed = parseOcspRequest(request());
    expect(parsed?.queries).toHaveLength(1);
    expect(parsed?.queries[0]).toMatchObject({ hash: 'sha1', serialHex: '4a1b2c3d', issuerNameHash: '01'.repeat(20), issuerKeyHash: '02'.repeat(20) });
  });

  it('refuses garbage, an empty body, trailing bytes and too many single requests as malformed', () => {
    expect(parseOcspRequest(new TextEncoder().encode('GET / HTTP/1.1'))).toBeNull();
    expect(parseOcspRequest(new Uint8Array(0))).toBeNull();
    expect(parseOcspRequest(new Uint8Array([...request(), 0x00]))).toBeNull();
    expect(parseOcspRequest(request({ count: MAX_SINGLE_REQUESTS }))).not.toBeNull();
    expect(parseOcspRequest(request({ count: MAX_SINGLE_REQUESTS + 1 }))).toBeNull();
  });

  it('keeps a nonce of 1 to 32 octets and refuses 0 or more than 32 (RFC 8954 §2.1)', () => {
    expect(parseOcspRequest(request({ nonce: new Uint8Array(16).fill(7) }))?.nonce).not.toBeNull();
    expect(parseOcspRequest(request({ nonce: new Uint8Array(32).fill(7) }))?.nonce).not.toBeNull();
    expect(parseOcspRequest(request({ nonce: new Uint8Array(0) }))).toBeNull();
    expect(parseOcspRequest(request({ nonce: new Uint8Array(33).fill(7) }))).toBeNull();
  });

  it('marks a CertID hash it does not support, so the answer is unknown rather than a guess', () => {
    expect(parseOcspRequest(request({ hashOid: '1.2.840.113549.2.5' /* MD5 */ }))?.queries[0]?.hash).toBeNull();
    expect(parseOcspRequest(request({ hashOid: '2.16.840.1.101.3.4.2.1' }))?.queries[0]?.hash).toBe('sha256');
  });
});

describe('OCSP responses (RFC 6960 §4.2)', () => {
  it('signs good, revoked and unknown answers with the CA key, names the CA by key hash and echoes the nonce', async () => {
    const ca = await caFor('ECDSA-P256');
    const nonceBytes = new Uint8Array(16).fill(9);
    const parsed = parseOcspRequest(request({ nonce: nonceBytes }))!;
    const der = buildOcspResponse({
      answers: [
        { certId: certId('01'), status: { state: 'good' } },
        { certId: certId('02'), status: { state: 'revoked', revokedAt: new Date('2026-03-01T00:00:00.500Z'), reason: 'certificateHold' } },
        { certId: certId('03'), status: { state: 'revoked', revokedAt: new Date('2026-03-01T00:00:00Z'), reason: 'unspecified' } },
        { certId: certId('04'), status: { state: 'unknown' } },
      ],
      signer: { key: createPrivateKey({ key: ca.privateKeyPkcs8, format: 'der', type: 'pkcs8' }), algorithm: ca.algorithm, caCertDer: ca.certDer },
      nonce: parsed.nonce,
      now: new Date(NOW.getTime() + 400),
      validityMs: 60_000,
    });
    const outer = AsnConvert.parse(der, OCSPResponse);
    expect(outer.responseStatus).toBe(OCSPResponseStatus.successful);
    const basic = AsnConvert.parse(outer.responseBytes!.response.buffer, BasicOCSPResponse);
    const tbs = basic.tbsResponseData;
    const [good, held, revoked, unknown] = tbs.responses;
    expect(good?.certStatus.good).toBeNull();
    expect(held?.certStatus.revoked?.revocationReason?.reason).toBe(6);
    expect(held?.certStatus.revoked?.revocationTime.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    // "unspecified" is sent as no reason (RFC 5280 §5.3.1)
    expect(revoked?.certStatus.revoked?.revocationReason).toBeUndefined();
    expect(unknown?.certStatus.unknown).toBeNull();
    expect(good?.thisUpdate.toISOString()).toBe(NOW.toISOString());
    expect(good!.nextUpdate!.getTime() - good!.thisUpdate.getTime()).toBe(60_000);

    const caCert = AsnConvert.parse(ca.certDer, Certificate);
    const keyHash = createHash('sha1').update(new Uint8Array(caCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest('hex');
    expect(Buffer.from(tbs.responderID.byKey!.buffer).toString('hex')).toBe(keyHash);
    const nonce = tbs.responseExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
    expect(Buffer.from(nonce!.extnValue.buffer)).toEqual(Buffer.from(parsed.nonce!.extnValue.buffer));

    const publicKey = new X509Certificate(ca.certDer).publicKey;
    expect(verify('sha256', Buffer.from(AsnConvert.serialize(tbs)), { key: publicKey, dsaEncoding: 'der' }, Buffer.from(basic.signature))).toBe(true);
  });

  it('hashes the issuer as a CertID names it: its DN DER and its public key bits', async () => {
    const ca = await caFor('ECDSA-P256');
    const caCert = AsnConvert.parse(ca.certDer, Certificate);
    const h = issuerHashes(ca.certDer, 'sha256');
    expect(h.nameHash).toBe(createHash('sha256').update(Buffer.from(AsnConvert.serialize(caCert.tbsCertificate.subject))).digest('hex'));
    expect(h.keyHash).toHaveLength(64);
  });

  it('writes unsuccessful responses as the status alone', () => {
    for (const status of ['malformedRequest', 'internalError', 'tryLater', 'unauthorized'] as const) {
      const parsed = AsnConvert.parse(ocspErrorResponse(status), OCSPResponse);
      expect(parsed.responseStatus).toBe(OCSPResponseStatus[status]);
      expect(parsed.responseBytes).toBeUndefined();
    }
  });
});
