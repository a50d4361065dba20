import type { CertKind, PinSlot } from '../pin-slot.js';

// The applications and elementary files of the My Number Card as OpenSC's jpki driver and jpki/myna see
// them (jpki-facts §6.1–6.2, jpki-apdu §2). Kagiya's virtual card answers for exactly these.

export type ApId = 'jpki' | 'text' | 'visual' | 'juki';

export const APPLICATIONS: ReadonlyArray<Readonly<{ id: ApId; aid: string; ja: string; en: string }>> = [
  { id: 'jpki', aid: 'D392F000260100000001', ja: '公的個人認証AP', en: 'JPKI AP' },
  { id: 'text', aid: 'D3921000310001010408', ja: '券面事項入力補助AP', en: 'text-input-assist AP' },
  { id: 'visual', aid: 'D3921000310001010402', ja: '券面事項確認AP', en: 'card-surface AP' },
  { id: 'juki', aid: 'D3921000310001010100', ja: '住基AP', en: 'resident-register AP' },
];

/** What an EF holds, and what guards it. */
export type EfKind =
  | { kind: 'pin'; slot: PinSlot }
  /** 照合番号A/B: verification values derived from the card surface; Kagiya holds no counter for them. */
  | { kind: 'verification-value'; name: 'A' | 'B' }
  | { kind: 'certificate'; cert: CertKind; requires: PinSlot | null }
  | { kind: 'ca-certificate'; cert: CertKind }
  | { kind: 'private-key'; cert: CertKind; requires: PinSlot }
  | { kind: 'token' }
  | { kind: 'my-number'; requires: PinSlot }
  | { kind: 'attributes'; requires: PinSlot };

export type EfSpec = Readonly<{ fid: string; ja: string; en: string } & EfKind>;

export const FILES: Readonly<Record<ApId, readonly EfSpec[]>> = {
  jpki: [
    { fid: '0006', kind: 'token', ja: 'トークン情報', en: 'token' },
    { fid: '000A', kind: 'certificate', cert: 'auth', requires: null, ja: '利用者証明用電子証明書', en: 'authentication certificate' },
    { fid: '000B', kind: 'ca-certificate', cert: 'auth', ja: '利用者証明用CA証明書', en: 'authentication CA certificate' },
    { fid: '0001', kind: 'certificate', cert: 'sign', requires: 'sign', ja: '署名用電子証明書', en: 'signing certificate' },
    { fid: '0002', kind: 'ca-certificate', cert: 'sign', ja: '署名用CA証明書', en: 'signing CA certificate' },
    { fid: '0017', kind: 'private-key', cert: 'auth', requires: 'auth', ja: '利用者証明用秘密鍵', en: 'authentication private key' },
    { fid: '0018', kind: 'pin', slot: 'auth', ja: '利用者証明用暗証番号', en: 'authentication PIN' },
    { fid: '001A', kind: 'private-key', cert: 'sign', requires: 'sign', ja: '署名用秘密鍵', en: 'signing private key' },
    { fid: '001B', kind: 'pin', slot: 'sign', ja: '署名用パスワード', en: 'signing password' },
  ],
  text: [
    { fid: '0001', kind: 'my-number', requires: 'assist', ja: '個人番号', en: 'My Number' },
    { fid: '0002', kind: 'attributes', requires: 'assist', ja: '基本4情報', en: 'the four basic attributes' },
    { fid: '0011', kind: 'pin', slot: 'assist', ja: '券面事項入力補助用暗証番号', en: 'text-input-assist PIN' },
    { fid: '0014', kind: 'verification-value', name: 'A', ja: '照合番号A', en: 'verification value A' },
    { fid: '0015', kind: 'verification-value', name: 'B', ja: '照合番号B', en: 'verification value B' },
  ],
  visual: [
    { fid: '0013', kind: 'verification-value', name: 'A', ja: '照合番号A', en: 'verification value A' },
    { fid: '0012', kind: 'verification-value', name: 'B', ja: '照合番号B', en: 'verification value B' },
  ],
  juki: [{ fid: '001C', kind: 'pin', slot: 'juki', ja: '住民基本台帳用暗証番号', en: 'resident-register PIN' }],
};

export function applicationByAid(aidHex: string) {
  return APPLICATIONS.find((a) => a.aid === aidHex.toUpperCase()) ?? null;
}

export function applicationById(id: ApId) {
  return APPLICATIONS.find((a) => a.id === id)!;
}

export function fileOf(ap: ApId, fid: string): EfSpec | null {
  return FILES[ap].find((f) => f.fid === fid.toUpperCase()) ?? null;
}

/** A slot's EF on any AP, for the trace ("PIN sent to the wrong file"). */
export function pinFileOf(slot: PinSlot): { ap: ApId; fid: string } {
  for (const ap of Object.keys(FILES) as ApId[]) {
    const f = FILES[ap].find((e) => e.kind === 'pin' && e.slot === slot);
    if (f) return { ap, fid: f.fid };
  }
  throw new Error(`no EF for ${slot}`);
}

/** EF 0006: the token of a My Number Card, space-padded to 32 bytes (jpki-apdu §2; myna reads Le = 0x20). */
export const JPKI_TOKEN = 'JPKIAPICCTOKEN2'.padEnd(32, ' ');

/** The ATR Kagiya's card presents: a contactless My Number Card's (jpki-apdu §2 "Recommended ATR"). */
export const CARD_ATR_HEX = '3B888001000005E0B381A1007F';

/** OpenSC checks these lengths before it sends a VERIFY; the card itself takes 4 / 6–16 bytes. */
export const PIN_LENGTHS: Readonly<Record<PinSlot, { min: number; max: number }>> = {
  auth: { min: 4, max: 4 },
  sign: { min: 6, max: 16 },
  assist: { min: 4, max: 4 },
  juki: { min: 4, max: 4 },
};
