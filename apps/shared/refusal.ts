// A refusal as a relying service shows it: one stable code, Japanese first and English second.
// Codes Kagiya answers with take their words from Kagiya's one error table (src/domain/errors.ts), so a
// service can never turn an expired certificate or an outage into "locked" (DOMAIN.md §3). The few
// refusals that are the service's own (its hours, a signature that does not verify) have their own table.

import { ERROR_CODES, ERROR_MESSAGES, type ErrorCode, type ErrorMessage } from '../../src/domain/errors.js';
import type { KagiyaErrorBody } from './kagiya-api-types.js';

export const SERVICE_CODES = [
  'OUTSIDE_SERVICE_HOURS',
  'KAGIYA_UNREACHABLE',
  'LOGIN_FAILED',
  'LOGIN_REQUIRED',
  'CARD_FILE_INVALID',
  'SIGNATURE_INVALID',
  'CERT_UNTRUSTED',
  'CERT_STATUS_UNAVAILABLE',
  'CERT_STATUS_UNKNOWN',
  'NOT_A_SIGNING_CERTIFICATE',
  'FORM_INVALID',
  'SESSION_EXPIRED',
  'PIN_CONFIRMATION_MISMATCH',
] as const;
export type ServiceCode = (typeof SERVICE_CODES)[number];

export const SERVICE_MESSAGES: Readonly<Record<ServiceCode, ErrorMessage>> = Object.freeze({
  OUTSIDE_SERVICE_HOURS: {
    ja: 'ただいまサービス時間外です。コンビニ交付のご利用時間は 6時30分から23時00分(日本時間)です。カードや暗証番号のロックではありません。',
    en: 'The service is closed now. Convenience-store issuance is open from 6:30 to 23:00 Japan time. Your card and PINs are not locked.',
  },
  KAGIYA_UNREACHABLE: {
    ja: '認証サービス(鍵屋)に接続できませんでした。こちら側の問題であり、暗証番号のロックではありません。しばらくしてから、もう一度お試しください。',
    en: 'We could not reach the authentication service (Kagiya). This is our problem, not a PIN lock. Please try again later.',
  },
  LOGIN_FAILED: {
    ja: 'ログインを完了できませんでした。暗証番号のロックではありません。もう一度ログインしてください。',
    en: 'The sign-in could not be completed. This is not a PIN lock. Please sign in again.',
  },
  LOGIN_REQUIRED: {
    ja: 'マイナンバーカードでログインしてください。',
    en: 'Please sign in with your My Number Card.',
  },
  CARD_FILE_INVALID: {
    ja: 'カードファイルを読み取れませんでした。cardId と cardKey を含むカードファイル(JSON)を指定してください。暗証番号は照合していないため、残りの入力回数は減っていません。',
    en: 'The card file could not be read. Please give the card file (JSON with cardId and cardKey). No PIN was checked, so no try was used.',
  },
  SIGNATURE_INVALID: {
    ja: '電子署名を検証できませんでした。署名されたデータが改ざんされているか、署名が正しくありません。',
    en: 'The electronic signature does not verify: the signed data was altered or the signature is wrong.',
  },
  CERT_UNTRUSTED: {
    ja: '署名に使われた電子証明書を、信頼できる認証局の証明書として確認できませんでした。',
    en: 'The certificate used for the signature could not be traced to a trusted certification authority.',
  },
  CERT_STATUS_UNAVAILABLE: {
    ja: '電子証明書の失効状況を確認できなかったため、受け付けられません。こちら側の問題であり、暗証番号のロックではありません。しばらくしてから、もう一度お試しください。',
    en: 'The certificate\'s revocation status could not be checked, so this was not accepted. This is our problem, not a PIN lock. Please try again later.',
  },
  CERT_STATUS_UNKNOWN: {
    ja: '電子証明書の発行者が、この証明書を把握していません(OCSP: unknown)。暗証番号のロックではありません。',
    en: 'The certificate\'s issuer does not know this certificate (OCSP: unknown). This is not a PIN lock.',
  },
  NOT_A_SIGNING_CERTIFICATE: {
    ja: '署名用電子証明書による署名ではありません。署名用電子証明書(英数字6〜16文字のパスワード)で署名してください。',
    en: 'This was not signed with a signing certificate. Please sign with the signing certificate (the 6–16 character password).',
  },
  FORM_INVALID: {
    ja: '入力内容に誤りがあります。金額は0以上の整数(円)で入力してください。',
    en: 'Something in the form is not valid. Amounts are whole yen, 0 or more.',
  },
  SESSION_EXPIRED: {
    ja: '画面の有効期限が切れました。もう一度最初からお試しください。',
    en: 'This page has expired. Please start again.',
  },
  PIN_CONFIRMATION_MISMATCH: {
    ja: '新しい暗証番号が確認用と一致しません。もう一度入力してください。何も設定していません。',
    en: 'The new PIN and its confirmation differ. Please enter them again. Nothing was set.',
  },
});

export type RefusalCode = ErrorCode | ServiceCode;

export type Refusal = Readonly<{
  code: RefusalCode;
  details: Readonly<Record<string, unknown>>;
  /** Words for a code Kagiya added after this service was built (taken from Kagiya's own answer). */
  fallback?: ErrorMessage;
}>;

const isErrorCode = (c: string): c is ErrorCode => (ERROR_CODES as readonly string[]).includes(c);
const isServiceCode = (c: string): c is ServiceCode => (SERVICE_CODES as readonly string[]).includes(c);

export function refusal(code: RefusalCode, details: Readonly<Record<string, unknown>> = {}): Refusal {
  return { code, details };
}

/** Reads Kagiya's JSON error body ({ error: { code, messages, …details } }); anything else is an outage. */
export function refusalFromKagiya(body: unknown): Refusal {
  // Typed as Kagiya's OpenAPI document states the body, still checked: anything else is an outage.
  const error = (body as Partial<KagiyaErrorBody> | null)?.error;
  const code: string | null = typeof error?.code === 'string' ? error.code : null;
  if (!error || !code) return refusal('KAGIYA_UNREACHABLE');
  const { code: _c, message: _m, messages, ...details } = error;
  if (isErrorCode(code)) return { code, details };
  const m = messages as Partial<ErrorMessage> | undefined;
  if (typeof m?.ja === 'string' && typeof m.en === 'string') return { code: 'INTERNAL', details: { kagiyaCode: code, ...details }, fallback: { ja: m.ja, en: m.en } };
  return refusal('KAGIYA_UNREACHABLE');
}

export function messageOf(r: Refusal): ErrorMessage {
  if (r.fallback) return r.fallback;
  if (isErrorCode(r.code)) return ERROR_MESSAGES[r.code];
  if (isServiceCode(r.code)) return SERVICE_MESSAGES[r.code];
  return ERROR_MESSAGES.INTERNAL;
}

const SLOT_NAMES: Readonly<Record<string, ErrorMessage>> = {
  auth: { ja: '利用者証明用電子証明書の暗証番号(数字4桁)', en: 'user-authentication PIN (4 digits)' },
  sign: { ja: '署名用電子証明書の暗証番号(英数字6〜16文字)', en: 'signing password (6–16 letters and digits)' },
  assist: { ja: '券面事項入力補助用の暗証番号', en: 'text-input-assist PIN' },
  juki: { ja: '住民基本台帳用の暗証番号', en: 'resident-register PIN' },
};

/** The details a person needs beside the message: which slot, how many tries are left. */
export function detailLines(r: Refusal): ErrorMessage[] {
  const lines: ErrorMessage[] = [];
  const slot = typeof r.details.slot === 'string' ? SLOT_NAMES[r.details.slot] : undefined;
  if (slot) lines.push({ ja: `対象: ${slot.ja}`, en: `Which: ${slot.en}` });
  if (typeof r.details.remaining === 'number' && r.code === 'PIN_INCORRECT') {
    lines.push({ ja: `残りの入力回数: ${r.details.remaining}回`, en: `Tries left: ${r.details.remaining}` });
  }
  if (typeof r.details.opensAt === 'string') lines.push({ ja: `受付開始: ${r.details.opensAt}`, en: `Opens at: ${r.details.opensAt}` });
  if (typeof r.details.revokedAt === 'string') {
    const at = new Date(r.details.revokedAt);
    const jst = (locale: string) => at.toLocaleString(locale, { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' });
    lines.push({ ja: `失効日時: ${jst('ja-JP')}(日本時間)`, en: `Revoked at: ${jst('en-GB')} JST` });
  }
  if (typeof r.details.revocationReason === 'object' && r.details.revocationReason) {
    const reason = r.details.revocationReason as ErrorMessage;
    lines.push({ ja: `失効理由: ${reason.ja}`, en: `Reason: ${reason.en}` });
  }
  return lines;
}
