import { cardState, certState, type CardStatus, type CertView } from './card.js';
import type { CertKind } from './pin-slot.js';

// The kiosk reset (JPKI暗証番号リセット, DOMAIN.md §4): the holder who knows one certificate PIN reserves, from the
// phone (card + the other PIN + a face match), a reset of the other one, and sets the new PIN at a kiosk within 24
// hours (06:30–23:00). Only `sign` and `auth`; both certificates must be valid. Pure rules; the app layer runs them.

export const KIOSK_RESET_SLOTS = ['sign', 'auth'] as const;
export type KioskResetSlot = (typeof KIOSK_RESET_SLOTS)[number];
export const RESERVATION_VALID_MS = 24 * 3_600_000;

export const FACE_MATCH_RESULTS = ['matched', 'not_matched'] as const;
export type FaceMatchResult = (typeof FACE_MATCH_RESULTS)[number];

/** The PIN the holder must know: the other certificate's. */
export function otherCertificateSlot(slot: KioskResetSlot): KioskResetSlot {
  return slot === 'sign' ? 'auth' : 'sign';
}

export type KioskResetCard = Readonly<{
  status: CardStatus;
  expiresAt: Date;
  slots: Readonly<Partial<Record<CertKind, Readonly<{ remaining: number }>>>>;
  certificates: Readonly<Partial<Record<CertKind, CertView | null>>>;
}>;

export type KioskResetRefusal =
  | Readonly<{ code: 'CARD_SUSPENDED' | 'CARD_REVOKED' | 'CARD_EXPIRED' }>
  | Readonly<{ code: 'PIN_SLOT_ABSENT'; slot: KioskResetSlot }>
  | Readonly<{ code: 'KIOSK_RESET_CERT_INVALID'; certificate: CertKind; status: 'expired' | 'revoked' | 'suspended' | 'absent' }>
  | Readonly<{ code: 'KIOSK_RESET_BOTH_LOCKED' }>
  | Readonly<{ code: 'KIOSK_RESET_FACE_MISMATCH' }>;

/**
 * Whether the card may take a kiosk reset of `slot` now (checked when reserving, and again at the kiosk): the card
 * usable, both certificate slots present, both certificates valid, and not both certificate PINs locked. The face
 * match is checked only at reservation (`faceMatch` omitted at the kiosk). None of this spends a try.
 */
export function kioskResetRefusal(card: KioskResetCard, slot: KioskResetSlot, now: Date, faceMatch?: FaceMatchResult): KioskResetRefusal | null {
  const state = cardState(card.status, card.expiresAt, now);
  if (state === 'suspended') return { code: 'CARD_SUSPENDED' };
  if (state === 'revoked') return { code: 'CARD_REVOKED' };
  if (state === 'expired') return { code: 'CARD_EXPIRED' };
  for (const kind of KIOSK_RESET_SLOTS) if (!card.slots[kind]) return { code: 'PIN_SLOT_ABSENT', slot: kind };
  for (const kind of [slot, otherCertificateSlot(slot)]) {
    const cert = certState(card.certificates[kind] ?? null, now);
    if (cert !== 'valid') return { code: 'KIOSK_RESET_CERT_INVALID', certificate: kind, status: cert };
  }
  if (card.slots.sign!.remaining <= 0 && card.slots.auth!.remaining <= 0) return { code: 'KIOSK_RESET_BOTH_LOCKED' };
  if (faceMatch !== undefined && faceMatch !== 'matched') return { code: 'KIOSK_RESET_FACE_MISMATCH' };
  return null;
}

export type Reservation = Readonly<{ id: string; slot: KioskResetSlot; createdAt: Date; expiresAt: Date; usedAt: Date | null }>;

export type ReservationVerdict =
  | Readonly<{ kind: 'open'; reservation: Reservation }>
  | Readonly<{ kind: 'refused'; code: 'KIOSK_RESET_NOT_RESERVED' | 'KIOSK_RESET_USED' | 'KIOSK_RESET_EXPIRED' }>;

/** The card's latest reservation decides: none, used, past its 24 hours, or open. */
export function reservationVerdict(latest: Reservation | null, now: Date): ReservationVerdict {
  if (!latest) return { kind: 'refused', code: 'KIOSK_RESET_NOT_RESERVED' };
  if (latest.usedAt) return { kind: 'refused', code: 'KIOSK_RESET_USED' };
  if (latest.expiresAt.getTime() <= now.getTime()) return { kind: 'refused', code: 'KIOSK_RESET_EXPIRED' };
  return { kind: 'open', reservation: latest };
}
