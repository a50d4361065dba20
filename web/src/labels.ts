import { IDENTITY_DOCUMENTS, type DocumentKind } from '@domain/identity-document';
import { SLOT_SPECS, type PinSlot } from '@domain/pin-slot';
import type { VerdictCode } from '@domain/diagnosis';
import type { Key } from './i18n/dictionary';
import type { Lang } from './i18n/lang';

// Names of domain values. Slot and document names come from the domain itself (src/domain), the same words the
// server, the letter and the guidance page use; the rest from the console's dictionary.

export function slotName(slot: PinSlot, lang: Lang): string {
  return lang === 'ja' ? SLOT_SPECS[slot].nameJa : SLOT_SPECS[slot].nameEn;
}

export const slotShortKey = (slot: PinSlot) => `slotShort_${slot}` as Key;

export function documentName(kind: DocumentKind, lang: Lang): string {
  return lang === 'ja' ? IDENTITY_DOCUMENTS[kind].nameJa : IDENTITY_DOCUMENTS[kind].nameEn;
}

export type Tone = 'danger' | 'warning' | 'info' | 'ok' | 'muted';

/** Colour of a verdict: a lock is red, a certificate or card problem amber, the client's side blue, healthy green. */
export const VERDICT_TONE: Readonly<Record<VerdictCode, Tone>> = {
  PIN_LOCKED: 'danger',
  CARD_REVOKED: 'muted',
  CARD_SUSPENDED: 'warning',
  CARD_EXPIRED: 'warning',
  CERT_REVOKED: 'warning',
  CERT_SUSPENDED: 'warning',
  CERT_EXPIRED: 'warning',
  RISK_HOLD: 'warning',
  TRIES_LOW: 'warning',
  CLIENT_MISMATCH: 'info',
  CLIENT_SIDE: 'info',
  HEALTHY: 'ok',
};
