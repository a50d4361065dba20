// Verifies a CMS SignedData the way a receiving tax office would, with pkijs (an implementation nobody here
// wrote): the signature over the signed attributes, the message digest over the content, and the signer's
// certificate chained to the trust anchor at `now`. Revocation is checked separately through OCSP
// (certificate-status.ts), because a chain can be intact while the certificate is revoked.

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type CmsContents = Readonly<{ content: Uint8Array; signerCertificate: Uint8Array; signingTime: Date | null }>;

export type CmsCheck =
  | ({ ok: true } & CmsContents)
  | { ok: false; code: 'SIGNATURE_INVALID' | 'CERT_UNTRUSTED' | 'CERT_EXPIRED' };

const buffer = (bytes: Uint8Array) => new Uint8Array(bytes).buffer;
const SIGNING_TIME = '1.2.840.113549.1.9.5';

/** Parses the CMS and finds the signer's certificate among those it carries; null when malformed. */
export function readCms(cmsDer: Uint8Array): ({ signed: pkijs.SignedData } & CmsContents) | null {
  try {
    const asn1 = asn1js.fromBER(buffer(cmsDer));
    if (asn1.offset === -1) return null;
    const info = new pkijs.ContentInfo({ schema: asn1.result });
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) return null;
    const signed = new pkijs.SignedData({ schema: info.content });
    if (signed.signerInfos.length !== 1) return null;
    const signer = signed.signerInfos[0]!;
    const sid = signer.sid;
    if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return null;
    const cert = (signed.certificates ?? []).find(
      (c): c is pkijs.Certificate =>
        c instanceof pkijs.Certificate && c.issuer.isEqual(sid.issuer) && c.serialNumber.isEqual(sid.serialNumber),
    );
    const content = signed.encapContentInfo.eContent?.getValue();
    if (!cert || !content) return null;
    const timeAttr = signer.signedAttrs?.attributes.find((a) => a.type === SIGNING_TIME)?.values[0];
    const signingTime = timeAttr instanceof asn1js.UTCTime || timeAttr instanceof asn1js.GeneralizedTime ? timeAttr.toDate() : null;
    return { signed, content: new Uint8Array(content), signerCertificate: new Uint8Array(cert.toSchema().toBER()), signingTime };
  } catch {
    return null;
  }
}

export async function verifyCms(cmsDer: Uint8Array, trustAnchorDer: Uint8Array, now: Date): Promise<CmsCheck> {
  const parsed = readCms(cmsDer);
  if (!parsed) return { ok: false, code: 'SIGNATURE_INVALID' };
  const signerCert = pkijs.Certificate.fromBER(buffer(parsed.signerCertificate));
  if (now < signerCert.notBefore.value || now > signerCert.notAfter.value) return { ok: false, code: 'CERT_EXPIRED' };
  const anchor = pkijs.Certificate.fromBER(buffer(trustAnchorDer));
  try {
    const result = await parsed.signed.verify({ signer: 0, trustedCerts: [anchor], checkChain: true, checkDate: now, extendedMode: true });
    if (!result.signatureVerified) return { ok: false, code: 'SIGNATURE_INVALID' };
    if (!result.signerCertificateVerified) return { ok: false, code: 'CERT_UNTRUSTED' };
  } catch (error) {
    if (error instanceof pkijs.SignedDataVerifyError && error.signatureVerified !== false && error.signerCertificateVerified === false) {
      return { ok: false, code: 'CERT_UNTRUSTED' };
    }
    return { ok: false, code: 'SIGNATURE_INVALID' };
  }
  return { ok: true, content: parsed.content, signerCertificate: parsed.signerCertificate, signingTime: parsed.signingTime };
}
