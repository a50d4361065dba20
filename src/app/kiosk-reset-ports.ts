import type { KioskResetSlot, Reservation } from '../domain/kiosk-reset.js';
import type { PinSlot } from '../domain/pin-slot.js';
import type { AppDeps } from './ports.js';

// What the readiness check and the kiosk reset need beyond AppDeps.

export interface KioskResetStore {
  /** The card's latest reservation, replaced ones excluded; `forUpdate` locks its row for the rest of the transaction. */
  latest(cardId: string, options?: { forUpdate?: boolean }): Promise<Reservation | null>;
  /** A new reservation; an open earlier one of the same card is marked replaced in the same statement order. */
  insert(input: { id: string; cardId: string; slot: KioskResetSlot; verifiedSlot: KioskResetSlot; service: string | null; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** Marks the reservation used; false if it was used meanwhile. */
  markUsed(input: { id: string; now: Date; terminal: string | null }): Promise<boolean>;
}

export type OpenProcedure = Readonly<{ id: string; applicantType: string; state: string; deadline: Date | null; slots: readonly PinSlot[]; openedAt: Date }>;

export type ReadinessDeps = AppDeps &
  Readonly<{
    /** Counter procedures of the resident that are not completed, cancelled or expired. */
    openProcedures(residentId: string): Promise<OpenProcedure[]>;
    municipalityName(code: string): Promise<{ nameJa: string; nameEn: string } | null>;
  }>;

export type KioskResetDeps = AppDeps &
  Readonly<{
    /** 'always' opens the kiosk reset at any hour (development: KAGIYA_KIOSK_HOURS=always); the rule is 'jst'. */
    kioskHours: 'jst' | 'always';
  }>;
