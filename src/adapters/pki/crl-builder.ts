// Builds and signs a CRL (RFC 5280 §5): version 2, the CA's own name as issuer, thisUpdate and nextUpdate, the
// authorityKeyIdentifier and crlNumber extensions, and one entry per certificate that is not good, with its reason
// code (certificateHold for a suspension; no reason code for "unspecified", §5.3.1).

import { sign } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  CertificateList,
  CRLNumber,
  CRLReason,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
} from '@peculiar/asn1-x509';
import { CRL_REASONS, type CrlReason } from '../../domain/revocation.js';
import { extension, signatureAlgorithm } from './certificate-builder.js';
import { loadCertificateAuthority, type CaMaterial } from './certificate-authority.js';
import { toArrayBuffer, toWholeSecond } from './certificate-fields.js';

export type CrlEntry = Readonly<{ serialHex: string; revokedAt: Date; reason: CrlReason }>;

export function buildCrl(input: { ca: CaMaterial; crlNumber: number; thisUpdate: Date; nextUpdate: Date; entries: readonly CrlEntry[] }): Buffer {
  if (!Number.isSafeInteger(input.crlNumber) || input.crlNumber < 0) throw new RangeError('crlNumber must be a non-negative integer');
  const ca = loadCertificateAuthority(input.ca);
  const algorithm = signatureAlgorithm(ca.algorithm);
  const revoked = input.entries.map(
    (e) =>
      new RevokedCertificate({
        userCertificate: toArrayBuffer(Buffer.from(e.serialHex, 'hex')),
        revocationDate: new Time(toWholeSecond(e.revokedAt)),
        ...(e.reason === 'unspecified' ? {} : { crlEntryExtensions: [extension(id_ce_cRLReasons, false, new CRLReason(CRL_REASONS[e.reason]))] }),
      }),
  );
  const tbsCertList = new TBSCertList({
    // RFC 5280 §5.1.2.1: v2, because the CRL has extensions.
    version: Version.v2,
    signature: algorithm,
    issuer: ca.subject,
    thisUpdate: new Time(toWholeSecond(input.thisUpdate)),
    nextUpdate: new Time(toWholeSecond(input.nextUpdate)),
    // §5.1.2.6: when there are no revoked certificates, the list MUST be absent.
    ...(revoked.length > 0 ? { revokedCertificates: revoked } : {}),
    crlExtensions: [
      // §5.2.1 MUST include AKI; §5.2.3 MUST include crlNumber; both non-critical.
      extension(id_ce_authorityKeyIdentifier, false, ca.authorityKeyIdentifier),
      extension(id_ce_cRLNumber, false, new CRLNumber(input.crlNumber)),
    ],
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbsCertList));
  const signature = sign('sha256', tbsDer, { key: ca.signingKey, dsaEncoding: 'der' });
  return Buffer.from(
    AsnConvert.serialize(new CertificateList({ tbsCertList, signatureAlgorithm: algorithm, signature: toArrayBuffer(signature) })),
  );
}
