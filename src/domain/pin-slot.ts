// The four PIN slots of a card and their fixed properties (DOMAIN.md §1).

export const PIN_SLOTS = ['auth', 'sign', 'assist', 'juki'] as const;
export type PinSlot = (typeof PIN_SLOTS)[number];

/** Slots backed by a certificate: their PIN unlocks that certificate's private key. */
export type CertKind = 'auth' | 'sign';

export type SlotSpec = Readonly<{
  slot: PinSlot;
  nameJa: string;
  nameEn: string;
  maxTries: 3 | 5;
  /** The certificate whose key this PIN protects, if any. */
  cert: CertKind | null;
}>;

export const SLOT_SPECS: Readonly<Record<PinSlot, SlotSpec>> = Object.freeze({
  auth: { slot: 'auth', nameJa: '利用者証明用電子証明書の暗証番号', nameEn: 'user-authentication certificate PIN', maxTries: 3, cert: 'auth' },
  sign: { slot: 'sign', nameJa: '署名用電子証明書の暗証番号', nameEn: 'signing certificate password', maxTries: 5, cert: 'sign' },
  assist: { slot: 'assist', nameJa: '券面事項入力補助用の暗証番号', nameEn: 'text-input-assist PIN', maxTries: 3, cert: null },
  juki: { slot: 'juki', nameJa: '住民基本台帳用の暗証番号', nameEn: 'resident-register PIN', maxTries: 3, cert: null },
});

export function isPinSlot(value: string): value is PinSlot {
  return (PIN_SLOTS as readonly string[]).includes(value);
}
