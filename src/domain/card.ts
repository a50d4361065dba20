import type { CertKind, PinSlot } from './pin-slot.js';
import { SLOT_SPECS } from './pin-slot.js';

// Card and certificate states as a card operation sees them (DOMAIN.md §2–3).

export type CardStatus = 'active' | 'suspended' | 'revoked';
export type CertStatus = 'valid' | 'suspended' | 'revoked';
/** What a holder is shown: stored status plus expiry, which is derived from the clock. */
export type CardState = CardStatus | 'expired';
export type CertState = CertStatus | 'expired' | 'absent';

export type SlotState = Readonly<{ remaining: number; max: number; lockedAt: Date | null }>;
export type CertView = Readonly<{
  status: CertStatus;
  notBefore: Date;
  notAfter: Date;
  serialHex: string;
  statusChangedAt: Date | null;
  revocationReason: string | null;
}>;

export type CardSnapshot = Readonly<{
  status: CardStatus;
  expiresAt: Date;
  slot: SlotState | null;
  cert: CertView | null;
}>;

export type GateRefusal =
  | 'CARD_REVOKED'
  | 'CARD_SUSPENDED'
  | 'CARD_EXPIRED'
  | 'PIN_SLOT_ABSENT'
  | 'CERT_REVOKED'
  | 'CERT_SUSPENDED'
  | 'CERT_EXPIRED'
  | 'PIN_LOCKED';

export function cardState(status: CardStatus, expiresAt: Date, now: Date): CardState {
  if (status !== 'active') return status;
  return expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export function certState(cert: CertView | null, now: Date): CertState {
  if (!cert) return 'absent';
  if (cert.status !== 'valid') return cert.status;
  return cert.notAfter.getTime() <= now.getTime() ? 'expired' : 'valid';
}

/**
 * Decides whether a PIN entry on `slot` may spend a try, and if not, the one precise reason (DOMAIN.md §3).
 * The card's own state comes first, then the certificate the PIN unlocks, then the lock: an expired or revoked
 * certificate must never be reported as a lock. A locked slot is reported without looking at the PIN.
 */
export function gatePinEntry(snapshot: CardSnapshot, slot: PinSlot, now: Date): GateRefusal | null {
  const card = cardState(snapshot.status, snapshot.expiresAt, now);
  if (card === 'revoked') return 'CARD_REVOKED';
  if (card === 'suspended') return 'CARD_SUSPENDED';
  if (card === 'expired') return 'CARD_EXPIRED';
  if (!snapshot.slot) return 'PIN_SLOT_ABSENT';
  if (SLOT_SPECS[slot].cert) {
    const cert = certState(snapshot.cert, now);
    if (cert === 'revoked') return 'CERT_REVOKED';
    if (cert === 'suspended') return 'CERT_SUSPENDED';
    if (cert === 'expired') return 'CERT_EXPIRED';
    if (cert === 'absent') return 'PIN_SLOT_ABSENT';
  }
  if (snapshot.slot.remaining <= 0) return 'PIN_LOCKED';
  return null;
}

export function certKindOf(slot: PinSlot): CertKind | null {
  return SLOT_SPECS[slot].cert;
}
