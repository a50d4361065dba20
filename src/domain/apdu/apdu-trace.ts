import type { PinSlot } from '../pin-slot.js';
import { toHex, type CommandApdu } from './command-apdu.js';
import { applicationById, type ApId, type EfSpec } from './jpki-layout.js';

// The APDU trace for application developers (issue: "why did my app say locked?"): each command and answer
// decoded in Japanese and English. PINs, key material and personal data never appear: VERIFY data is masked
// and response data is shown by length only.

export type Text = Readonly<{ ja: string; en: string }>;

export type TraceEntry = Readonly<{
  /** The command as sent, with VERIFY data masked and long data cut. */
  command: string;
  /** What the command asks for. */
  does: Text;
  /** Status word (4 hex digits) and the length of any response data. */
  sw: string;
  dataLength: number;
  /** What the answer means. */
  means: Text;
  /** Why the card refused or what the application should know; absent when there is nothing to add. */
  why: Text | null;
}>;

/** The command in hex, PIN bytes replaced by `**`, data beyond 16 bytes elided. */
export function redactedCommand(apdu: CommandApdu): string {
  const header = toHex(Uint8Array.from([apdu.cla, apdu.ins, apdu.p1, apdu.p2]));
  if (!apdu.hasData) return apdu.le === null ? header : `${header} ${toHex(Uint8Array.of(apdu.le & 0xff))}`;
  const lc = toHex(Uint8Array.of(apdu.data.length));
  let data: string;
  if (apdu.ins === 0x20 || apdu.ins === 0x24) data = '**'.repeat(apdu.data.length);
  else if (apdu.data.length > 16) data = `${toHex(apdu.data.subarray(0, 16))}…`;
  else data = toHex(apdu.data);
  const le = apdu.le === null ? '' : ` ${toHex(Uint8Array.of(apdu.le & 0xff))}`;
  return `${header} ${lc} ${data}${le}`;
}

export const apName = (ap: ApId | null): Text => (ap ? applicationById(ap) : { ja: 'MF(アプリ未選択)', en: 'the MF (no application selected)' });
export const efName = (ef: EfSpec): Text => ({ ja: `EF ${ef.fid} ${ef.ja}`, en: `EF ${ef.fid} (${ef.en})` });

export const SLOT_NAMES: Readonly<Record<PinSlot, Text>> = {
  auth: { ja: '利用者証明用電子証明書の暗証番号(数字4桁)', en: 'the authentication PIN (4 digits)' },
  sign: { ja: '署名用電子証明書のパスワード(英数字6〜16文字)', en: 'the signing password (6–16 letters and digits)' },
  assist: { ja: '券面事項入力補助用の暗証番号(数字4桁)', en: 'the text-input-assist PIN (4 digits)' },
  juki: { ja: '住民基本台帳用の暗証番号(数字4桁)', en: 'the resident-register PIN (4 digits)' },
};

/** A PIN's shape without its value: length and character classes, for "a lowercase signing password". */
export function pinShape(data: Uint8Array): Text {
  const s = Array.from(data, (b) => String.fromCharCode(b)).join('');
  const kinds: Text[] = [];
  if (/[0-9]/.test(s)) kinds.push({ ja: '数字', en: 'digits' });
  if (/[A-Z]/.test(s)) kinds.push({ ja: '英大文字', en: 'capitals' });
  if (/[a-z]/.test(s)) kinds.push({ ja: '英小文字', en: 'lowercase letters' });
  if (/[^0-9A-Za-z]/.test(s)) kinds.push({ ja: 'その他の文字', en: 'other characters' });
  return {
    ja: `${data.length}文字: ${kinds.map((k) => k.ja).join('・') || 'なし'}(値は伏せています)`,
    en: `${data.length} characters: ${kinds.map((k) => k.en).join(', ') || 'none'} (value hidden)`,
  };
}

export const INS_NAMES: Readonly<Record<number, string>> = {
  0xa4: 'SELECT',
  0xb0: 'READ BINARY',
  0xb2: 'READ RECORD',
  0x20: 'VERIFY',
  0x24: 'CHANGE REFERENCE DATA',
  0x2a: 'COMPUTE DIGITAL SIGNATURE',
  0x88: 'INTERNAL AUTHENTICATE',
  0xca: 'GET DATA',
  0xcb: 'GET DATA',
  0x84: 'GET CHALLENGE',
  0xc0: 'GET RESPONSE',
};

export const insName = (ins: number): string => INS_NAMES[ins] ?? `INS ${toHex(Uint8Array.of(ins))}`;
