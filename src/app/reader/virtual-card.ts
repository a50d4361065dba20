import type { Text } from '../../domain/apdu/apdu-trace.js';
import type { BlockedStatusWord } from '../../domain/apdu/status-words.js';
import type { ApId, EfSpec } from '../../domain/apdu/jpki-layout.js';
import type { ErrorCode } from '../../domain/errors.js';
import type { CertKind, PinSlot } from '../../domain/pin-slot.js';

/**
 * The card session's state, kept by Kagiya (not the reader): the selected application and EF, and which
 * PINs were verified. Cleared on reset, re-selection of the application, removal and idle time.
 */
export type ReaderState = Readonly<{ ap: ApId | null; ef: string | null; verified: readonly PinSlot[] }>;

export const POWERED_UP: ReaderState = Object.freeze({ ap: null, ef: null, verified: [] });

export type VerifyResult =
  | { kind: 'ok' }
  | { kind: 'incorrect'; remaining: number }
  | { kind: 'locked-now' }
  | { kind: 'locked' }
  | { kind: 'refused'; code: ErrorCode };

export type SignResult = { kind: 'ok'; signature: Uint8Array } | { kind: 'not-rsa'; algorithm: string } | { kind: 'absent' };

/** What the APDU handling needs from Kagiya; the use case binds it to one card and one reader session. */
export interface VirtualCardPort {
  hasSlot(slot: PinSlot): boolean;
  /** Tries left without spending one (the empty VERIFY); null if the card has no such slot. */
  triesLeft(slot: PinSlot): Promise<number | null>;
  /** One PIN entry through the shared attemptPin path. */
  verify(slot: PinSlot, pin: string): Promise<VerifyResult>;
  /** Content of a readable EF (certificate, CA certificate, token, My Number, attributes); null if absent. */
  fileContent(ef: EfSpec): Promise<Uint8Array | null>;
  sign(cert: CertKind, data: Uint8Array): Promise<SignResult>;
}

export type CardSettings = Readonly<{ blockedStatusWord: BlockedStatusWord; idleSeconds: number }>;

export type HandlerResult = Readonly<{ state: ReaderState; sw: number; data?: Uint8Array; does: Text; why?: Text | null }>;
