// The signer certificate's issuer and status, found the way any relying party finds them: from the
// certificate's own Authority Information Access (RFC 5280 §4.2.2.1) — the issuing CA certificate
// (caIssuers) and the OCSP responder (RFC 6960). Nothing is hard-coded but Kagiya's origin, which the
// service already trusts as its identity provider: a caIssuers URL elsewhere is not a trust anchor.

import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { AuthorityInfoAccessExtension, X509Certificate } from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ErrorMessage } from '../../src/domain/errors.js';
import { refusal, type Refusal } from '../shared/refusal.js';

const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const buffer = (bytes: Uint8Array) => new Uint8Array(bytes).buffer;
// Clocks of two machines disagree a little; RFC 6960 leaves the margin to the client.
const SKEW_MS = 5 * 60_000;

export type StatusDeps = Readonly<{
  fetch: typeof fetch;
  now: () => Date;
  kagiyaOrigin: string;
  /**
   * The relying-party token Kagiya issued to this service: the signing certificate's status is answered to
   * registered relying parties only, as in JPKI (jpki-facts §0 fact 8). Sent to Kagiya's origin only.
   */
  statusToken: string | null;
}>;

export type AiaUrls = Readonly<{ ocsp: string[]; caIssuers: string[] }>;

export function authorityInfoAccess(certDer: Uint8Array): AiaUrls {
  const cert = new X509Certificate(buffer(certDer));
  const aia = cert.getExtension(AuthorityInfoAccessExtension);
  const urls = (names: { type: string; value: string }[] | undefined) => (names ?? []).filter((n) => n.type === 'url').map((n) => n.value);
  return { ocsp: urls(aia?.ocsp), caIssuers: urls(aia?.caIssuers) };
}

const onOrigin = (url: string, origin: string) => {
  try {
    return new URL(url).origin === new URL(origin).origin;
  } catch {
    return false;
  }
};

async function get(deps: StatusDeps, url: string, init?: RequestInit): Promise<Uint8Array | null> {
  try {
    const response = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    return bytes.length > 0 && bytes.length < 1_000_000 ? bytes : null;
  } catch {
    return null;
  }
}

/** The issuing CA certificate named by caIssuers, fetched from Kagiya's origin only. */
export async function fetchIssuer(deps: StatusDeps, certDer: Uint8Array): Promise<{ ok: true; der: Uint8Array } | { ok: false; refusal: Refusal }> {
  let urls: AiaUrls;
  try {
    urls = authorityInfoAccess(certDer);
  } catch {
    return { ok: false, refusal: refusal('CERT_UNTRUSTED') };
  }
  const url = urls.caIssuers.find((u) => onOrigin(u, deps.kagiyaOrigin));
  if (!url) return { ok: false, refusal: refusal('CERT_UNTRUSTED') };
  const der = await get(deps, url);
  if (!der) return { ok: false, refusal: refusal('CERT_STATUS_UNAVAILABLE') };
  return { ok: true, der };
}

// RFC 5280 §5.3.1 CRLReason, in the words a holder understands.
const REASONS: Readonly<Record<number, ErrorMessage>> = {
  0: { ja: '理由の指定なし', en: 'unspecified' },
  1: { ja: '鍵の危殆化', en: 'key compromise' },
  2: { ja: '認証局の危殆化', en: 'CA compromise' },
  3: { ja: '基本4情報(氏名・住所・生年月日・性別)の変更(転居など)', en: 'a change of name, address, birth date or sex (for example a move)' },
  4: { ja: '新しい証明書の発行', en: 'superseded by a new certificate' },
  5: { ja: 'カードの返納・廃止', en: 'card returned or cancelled' },
  6: { ja: '一時保留', en: 'on hold (suspended)' },
  9: { ja: '利用の取消し', en: 'privilege withdrawn' },
};

export type CertificateStatus =
  | { ok: true; status: 'good'; thisUpdate: Date; responderUrl: string }
  | { ok: false; refusal: Refusal };

/**
 * Asks the certificate's OCSP responder (RFC 6960 §4.1, POST with a nonce) and checks the answer: signed by
 * the issuer or its delegated responder (pkijs checks the signature, the chain and id-kp-OCSPSigning), for
 * this certificate, fresh, with our nonce when echoed. `revoked` with certificateHold is a suspension.
 */
export async function checkStatus(deps: StatusDeps, certDer: Uint8Array, issuerDer: Uint8Array): Promise<CertificateStatus> {
  const unavailable = (why: string): CertificateStatus => ({ ok: false, refusal: refusal('CERT_STATUS_UNAVAILABLE', { why }) });
  let cert: pkijs.Certificate;
  let issuer: pkijs.Certificate;
  let urls: AiaUrls;
  try {
    cert = pkijs.Certificate.fromBER(buffer(certDer));
    issuer = pkijs.Certificate.fromBER(buffer(issuerDer));
    urls = authorityInfoAccess(certDer);
  } catch {
    return { ok: false, refusal: refusal('CERT_UNTRUSTED') };
  }
  const url = urls.ocsp[0];
  if (!url) return unavailable('no OCSP responder in the certificate');

  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer });
  const nonce = randomBytes(16);
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({ extnID: OCSP_NONCE, extnValue: new asn1js.OctetString({ valueHex: buffer(nonce) }).toBER() }),
  ];
  const auth: Record<string, string> = deps.statusToken && onOrigin(url, deps.kagiyaOrigin) ? { authorization: `Bearer ${deps.statusToken}` } : {};
  const body = await get(deps, url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response', ...auth },
    body: Buffer.from(request.toSchema(true).toBER()),
  });
  if (!body) return unavailable('the responder did not answer');

  try {
    const response = pkijs.OCSPResponse.fromBER(buffer(body));
    const code = response.responseStatus.valueBlock.valueDec;
    if (code !== 0 || !response.responseBytes) return unavailable(`responseStatus ${code}`);
    const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView.slice().buffer);
    // RFC 6960 §4.2.2.2: a response signed by the issuing CA itself may carry no certificate; the CA we trust is
    // then the only candidate signer (pkijs looks for the signer among the response's certificates).
    if (!basic.certs || basic.certs.length === 0) basic.certs = [issuer];
    if (!(await basic.verify({ trustedCerts: [issuer], issuerCerts: [issuer] }))) return unavailable('bad responder signature');

    const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OCSP_NONCE);
    if (echoed) {
      const value = asn1js.fromBER(echoed.extnValue.valueBlock.valueHexView.slice().buffer).result;
      const bytes = value instanceof asn1js.OctetString ? Buffer.from(value.valueBlock.valueHexView) : Buffer.alloc(0);
      if (!bytes.equals(nonce)) return unavailable('nonce mismatch');
    }

    const mine = await findSingle(basic, cert, issuer);
    if (!mine) return unavailable('no answer for this certificate');
    const now = deps.now().getTime();
    if (mine.thisUpdate.getTime() > now + SKEW_MS) return unavailable('answer from the future');
    if (mine.nextUpdate && mine.nextUpdate.getTime() < now - SKEW_MS) return unavailable('stale answer');

    const status = mine.certStatus as asn1js.BaseBlock;
    const tag = status.idBlock.tagNumber;
    if (tag === 0) return { ok: true, status: 'good', thisUpdate: mine.thisUpdate, responderUrl: url };
    if (tag === 2) return { ok: false, refusal: refusal('CERT_STATUS_UNKNOWN') };
    const { revokedAt, reason } = revokedInfo(status);
    const details = { revokedAt: revokedAt?.toISOString() ?? null, ...(reason !== null && REASONS[reason] ? { revocationReason: REASONS[reason] } : {}) };
    return { ok: false, refusal: refusal(reason === 6 ? 'CERT_SUSPENDED' : 'CERT_REVOKED', details) };
  } catch {
    return unavailable('malformed response');
  }
}

async function findSingle(basic: pkijs.BasicOCSPResponse, cert: pkijs.Certificate, issuer: pkijs.Certificate) {
  // RFC 6960 §4.1.1: the responder echoes the CertID, hashed with the algorithm the request used (or another).
  const ids = await Promise.all(['SHA-1', 'SHA-256'].map((hashAlgorithm) => pkijs.CertID.create(cert, { hashAlgorithm, issuerCertificate: issuer })));
  return basic.tbsResponseData.responses.find((single) => ids.some((id) => id.isEqual(single.certID))) ?? null;
}

/** RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL } */
function revokedInfo(status: asn1js.BaseBlock): { revokedAt: Date | null; reason: number | null } {
  const parts = (status as asn1js.Constructed).valueBlock?.value ?? [];
  const time = parts[0];
  const reasonBlock = parts[1] as asn1js.Constructed | undefined;
  const enumerated = reasonBlock?.valueBlock?.value?.[0];
  return {
    revokedAt: time instanceof asn1js.GeneralizedTime ? time.toDate() : null,
    reason: enumerated instanceof asn1js.Enumerated ? enumerated.valueBlock.valueDec : null,
  };
}
