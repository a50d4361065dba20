import type { CertStatus } from '../domain/card.js';
import type { CertKind } from '../domain/pin-slot.js';
import { publishedStatus, type CertificateStatusValue, type CrlReason } from '../domain/revocation.js';
import type { Clock } from './ports.js';

// The one answer to "what is this certificate's status now?" (DOMAIN.md §2), shared by the OCSP responder and by
// card login, so a relying service and Kagiya's own login can never disagree. It reads the stored row on every
// call: a suspension or revocation shows at once, with no cache in between.

export type CertificateStatusRecord = Readonly<{
  caId: string;
  kind: CertKind;
  cardId: string;
  serialHex: string;
  status: CertStatus;
  statusChangedAt: Date | null;
  crlReason: CrlReason | null;
  notBefore: Date;
  notAfter: Date;
}>;

export interface CertificateStatusStore {
  /** The certificate with this serial (lowercase hex, no leading zero octets), or null if never issued. */
  findBySerial(serialHex: string): Promise<CertificateStatusRecord | null>;
}

export type CertificateStatusDeps = Readonly<{ clock: Clock; certificateStatuses: CertificateStatusStore }>;

export type CertificateStatusReport = Readonly<{
  status: CertificateStatusValue;
  /** Null when unknown. */
  certificate: Pick<CertificateStatusRecord, 'caId' | 'kind' | 'cardId' | 'notBefore' | 'notAfter'> | null;
  checkedAt: Date;
}>;

/** Serial numbers compare as integers: lowercase hex without leading zero octets (a DER pad, say). */
export function normalizeSerialHex(serialHex: string): string | null {
  const hex = serialHex.trim().toLowerCase();
  if (!/^[0-9a-f]{1,64}$/.test(hex)) return null;
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  const stripped = even.replace(/^(00)+(?=..)/, '');
  return stripped;
}

/**
 * The current status of one certificate. `caId`, when given, must be the certificate's issuer: a serial the CA
 * never issued is `unknown` (RFC 6960 §2.2), even if another CA issued it.
 */
export async function currentCertificateStatus(
  deps: CertificateStatusDeps,
  query: Readonly<{ serialHex: string; caId?: string }>,
): Promise<CertificateStatusReport> {
  const checkedAt = deps.clock();
  const serial = normalizeSerialHex(query.serialHex);
  const record = serial === null ? null : await deps.certificateStatuses.findBySerial(serial);
  if (!record || (query.caId !== undefined && record.caId !== query.caId)) {
    return { status: { state: 'unknown' }, certificate: null, checkedAt };
  }
  return {
    status: publishedStatus(record.status, record.statusChangedAt, record.crlReason, checkedAt),
    certificate: { caId: record.caId, kind: record.kind, cardId: record.cardId, notBefore: record.notBefore, notAfter: record.notAfter },
    checkedAt,
  };
}

/**
 * Why a login must refuse this certificate, in the codes the person is shown (DOMAIN.md §3), or null when it is
 * good and in its validity period. A certificate Kagiya never issued is refused as an unverifiable card.
 */
export function certificateRefusal(report: CertificateStatusReport): 'CERT_REVOKED' | 'CERT_SUSPENDED' | 'CERT_EXPIRED' | 'CARD_REJECTED' | null {
  if (report.status.state === 'unknown' || report.certificate === null) return 'CARD_REJECTED';
  if (report.status.state === 'revoked') return report.status.reason === 'certificateHold' ? 'CERT_SUSPENDED' : 'CERT_REVOKED';
  const now = report.checkedAt.getTime();
  if (now < report.certificate.notBefore.getTime() || now >= report.certificate.notAfter.getTime()) return 'CERT_EXPIRED';
  return null;
}
