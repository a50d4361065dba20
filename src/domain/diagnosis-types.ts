// The diagnosis's inputs and answer (diagnosis.ts): what the card and its recorded attempts say, and the verdict.

import type { ClientMismatch } from './client-mismatch.js';
import type { CardStatus, CertStatus, SlotState } from './card.js';
import type { CertKind, PinSlot } from './pin-slot.js';

export type Text = Readonly<{ ja: string; en: string }>;

export type AttemptResult = 'success' | 'incorrect' | 'refused' | 'done' | 'held' | 'released';

/** One recorded card event (the app's CardEvent, less what the diagnosis does not need). */
export type AttemptRecord = Readonly<{
  occurredAt: Date;
  operation: string;
  slot: PinSlot | null;
  result: AttemptResult;
  code: string | null;
  channel: string | null;
  service: string | null;
  terminal: string | null;
}>;

export type CardReading = Readonly<{ status: CardStatus; expiresAt: Date; statusChangedAt: Date | null; statusReason: string | null }>;
export type CertReading = Readonly<{ status: CertStatus; notAfter: Date; statusChangedAt: Date | null; revocationReason: string | null }>;

export type DiagnosisInput = Readonly<{
  card: CardReading;
  /** null: the card has no such slot. */
  slots: Readonly<Record<PinSlot, SlotState | null>>;
  /** null: no such certificate on the card (under-15s and adult wards have no signing certificate: DOMAIN.md §2). */
  certificates: Readonly<Record<CertKind, CertReading | null>>;
  /** Newest first, as the event list returns them (re-sorted here all the same). */
  attempts: ReadonlyArray<AttemptRecord>;
  now: Date;
  /**
   * Someone reports that they cannot use the card (the counter's case, and the default). When nothing is wrong in
   * our records, a complaint means the refusal came from the client (CLIENT_SIDE); without one, HEALTHY.
   */
  complaint?: boolean;
  /** What clients showed that the record contradicts (client-mismatch.ts), when any client reported a refusal. */
  clientMismatch?: ClientMismatch | null;
  /** The card's active risk hold, if any (domain/risk.ts): a hold on online use, never a PIN lock. */
  riskHold?: Readonly<{ heldAt: Date; rule: string; figures: Readonly<Record<string, unknown>> }> | null;
}>;

/** In priority order: the first that applies explains the refusal. */
export const VERDICT_CODES = [
  'CARD_REVOKED',
  'CARD_SUSPENDED',
  'CARD_EXPIRED',
  'PIN_LOCKED',
  'CERT_REVOKED',
  'CERT_SUSPENDED',
  'CERT_EXPIRED',
  'RISK_HOLD',
  'TRIES_LOW',
  'CLIENT_MISMATCH',
  'CLIENT_SIDE',
  'HEALTHY',
] as const;
export type VerdictCode = (typeof VERDICT_CODES)[number];

export type FindingCode =
  | 'CARD_REVOKED'
  | 'CARD_SUSPENDED'
  | 'CARD_EXPIRED'
  | 'PIN_LOCKED'
  | 'KIOSK_RESET_POSSIBLE'
  | 'CERT_REVOKED'
  | 'CERT_SUSPENDED'
  | 'CERT_EXPIRED'
  | 'CERT_ABSENT'
  | 'RISK_HOLD'
  | 'TRIES_LOW'
  | 'FORMAT_REFUSALS'
  | 'REFUSALS'
  | 'CLIENT_MISMATCH';

/** `slot` names the PIN slot or, for certificate findings, the certificate (same ids); null for the card. */
export type Finding = Readonly<{ code: FindingCode; slot: PinSlot | null; text: Text }>;

/** Outstanding failures (since the slot's last success or re-set) from one place. */
export type SourceFailures = Readonly<{
  channel: string | null;
  service: string | null;
  terminal: string | null;
  slot: PinSlot;
  /** Wrong PINs. */
  failures: number;
  lastAt: Date;
}>;

export type Diagnosis = Readonly<{
  code: VerdictCode;
  text: Text;
  /** Every fact found, in priority order, the verdict's own included. */
  findings: ReadonlyArray<Finding>;
  lastSuccess: Date | null;
  failuresBySource: ReadonlyArray<SourceFailures>;
}>;

/**
 * Operations that write a PIN and restore the slot's counter, as recorded with result 'done'. Failures before one of
 * these no longer count. Other 'done' events on a slot (revoke_sign_certificate) restore nothing.
 */
export const PIN_WRITE_OPERATIONS: ReadonlySet<string> = new Set(['pin_set', 'counter_reset', 'kiosk_reset']);
