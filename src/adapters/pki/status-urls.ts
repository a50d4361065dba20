// Where relying services find a certificate's issuer and status (RFC 5280 §4.2.2.1 AIA, §4.2.1.13 CRLDP), all on
// Kagiya's origin (Config.publicUrl). The paths are a cross-branch contract: GET /pki/ca/{caId}.crt (DER),
// GET /pki/crl/{caId}.crl (DER), POST /pki/ocsp and GET /pki/ocsp/{base64} (RFC 6960 Appendix A).

import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  GeneralName,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_cRLDistributionPoints,
  id_pe_authorityInfoAccess,
  type Extension,
} from '@peculiar/asn1-x509';
import { extension } from './certificate-builder.js';

export type StatusUrls = Readonly<{ ocsp: string; caIssuers: string; crl: string }>;

/** A CA id is safe in a path segment and a file name. */
export const CA_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function statusUrls(publicUrl: string, caId: string): StatusUrls {
  if (!CA_ID.test(caId)) throw new RangeError(`not a CA id: ${caId}`);
  const origin = publicUrl.replace(/\/+$/, '');
  return {
    ocsp: `${origin}/pki/ocsp`,
    caIssuers: `${origin}/pki/ca/${caId}.crt`,
    crl: `${origin}/pki/crl/${caId}.crl`,
  };
}

const uri = (value: string) => new GeneralName({ uniformResourceIdentifier: value });

/** AIA and CRLDP, both non-critical (RFC 5280 §4.2.2.1, §4.2.1.13: SHOULD be non-critical). */
export function statusExtensions(urls: StatusUrls): Extension[] {
  return [
    extension(
      id_pe_authorityInfoAccess,
      false,
      new AuthorityInfoAccessSyntax([
        new AccessDescription({ accessMethod: id_ad_ocsp, accessLocation: uri(urls.ocsp) }),
        new AccessDescription({ accessMethod: id_ad_caIssuers, accessLocation: uri(urls.caIssuers) }),
      ]),
    ),
    extension(
      id_ce_cRLDistributionPoints,
      false,
      new CRLDistributionPoints([new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [uri(urls.crl)] }) })]),
    ),
  ];
}
