// Why a certificate stopped being good, in the terms relying services read from a CRL or an OCSP answer
// (RFC 5280 §5.3.1 CRLReason; RFC 6960 §2.2 "revoked" covers the temporary certificateHold too).

import type { CertStatus } from './card.js';

export const CRL_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
} as const;

export type CrlReason = keyof typeof CRL_REASONS;

export function isCrlReason(value: unknown): value is CrlReason {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CRL_REASONS, value);
}

/** Why staff revoke a card, as the counter records it (DOMAIN.md §2 "revoked when"). */
export const REVOCATION_CAUSES = ['lost', 'returned', 'reissued', 'death', 'holder_request', 'other'] as const;
export type RevocationCause = (typeof REVOCATION_CAUSES)[number];

/**
 * The CRL reason each cause maps to. A lost card's keys may be in someone else's hands (keyCompromise); a card
 * given back or a holder who died ends the certificate's use (cessationOfOperation); a new card replaces it
 * (superseded). RFC 5280 §5.3.1: "unspecified" SHOULD NOT be sent, so it is stored and published as no reason.
 */
export const CRL_REASON_OF_CAUSE: Readonly<Record<RevocationCause, CrlReason>> = {
  lost: 'keyCompromise',
  returned: 'cessationOfOperation',
  reissued: 'superseded',
  death: 'cessationOfOperation',
  holder_request: 'unspecified',
  other: 'unspecified',
};

/**
 * A change of name, address, birth date or sex makes the signing certificate's content untrue
 * (RFC 5280: affiliationChanged "the subject's name or other information in the certificate has been modified").
 */
export const CRL_REASON_OF_MOVE: CrlReason = 'affiliationChanged';

/** What a relying service learns about one certificate. */
export type CertificateStatusValue =
  | Readonly<{ state: 'good' }>
  | Readonly<{ state: 'revoked'; revokedAt: Date; reason: CrlReason }>
  | Readonly<{ state: 'unknown' }>;

/** The stored status as a relying service sees it: a suspension is a revocation on hold (RFC 5280 §5.3.1). */
export function publishedStatus(status: CertStatus, changedAt: Date | null, reason: CrlReason | null, fallback: Date): CertificateStatusValue {
  if (status === 'valid') return { state: 'good' };
  const revokedAt = changedAt ?? fallback;
  if (status === 'suspended') return { state: 'revoked', revokedAt, reason: 'certificateHold' };
  return { state: 'revoked', revokedAt, reason: reason ?? 'unspecified' };
}
