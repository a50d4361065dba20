// The portal's words, Japanese first. Service and channel names are what a person reads, never raw ids.

export type Lang = 'ja' | 'en';

export const SLOT_NAMES: Record<string, { ja: string; en: string }> = {
  auth: { ja: '利用者証明用電子証明書の暗証番号（数字4桁）', en: 'User-authentication certificate PIN (4 digits)' },
  sign: { ja: '署名用電子証明書の暗証番号（英数字6〜16文字）', en: 'Signing certificate password (6–16 letters and digits)' },
  assist: { ja: '券面事項入力補助用の暗証番号（数字4桁）', en: 'Text-input-assist PIN (4 digits)' },
  juki: { ja: '住民基本台帳用の暗証番号（数字4桁）', en: 'Resident-register PIN (4 digits)' },
};

export const CERT_NAMES: Record<string, { ja: string; en: string }> = {
  auth: { ja: '利用者証明用電子証明書', en: 'User-authentication certificate' },
  sign: { ja: '署名用電子証明書', en: 'Signing certificate' },
};

// Relying-service ids from the cross-branch contract; anything else is shown as recorded.
export const SERVICE_NAMES: Record<string, { ja: string; en: string }> = {
  portal: { ja: 'マイナポータル', en: 'Mynaportal' },
  'e-tax': { ja: 'e-Tax', en: 'e-Tax' },
  'konbini-certificates': { ja: 'コンビニ交付', en: 'Convenience-store certificates' },
  mynaportal: { ja: 'マイナポータル', en: 'Mynaportal' },
  'card-issuance': { ja: 'カードの交付', en: 'Card issuance' },
  'call-center': { ja: 'コールセンター', en: 'Call centre' },
};

export const CHANNEL_NAMES: Record<string, { ja: string; en: string }> = {
  smartphone: { ja: 'スマートフォン', en: 'Smartphone' },
  pc: { ja: 'パソコン', en: 'PC' },
  kiosk: { ja: 'コンビニ等の端末', en: 'Kiosk terminal' },
  counter: { ja: '市区町村の窓口', en: 'Municipal counter' },
  clinic: { ja: '医療機関', en: 'Clinic or hospital' },
  'ic-reader': { ja: 'ICカードリーダー', en: 'Card reader' },
  other: { ja: 'その他', en: 'Other' },
  portal: { ja: 'マイナポータル', en: 'Mynaportal' },
};

export const OPERATION_NAMES: Record<string, { ja: string; en: string }> = {
  verify: { ja: '暗証番号の確認', en: 'PIN check' },
  authenticate: { ja: 'ログイン（本人確認）', en: 'Login' },
  sign: { ja: '電子署名', en: 'Signature' },
  read_attributes: { ja: '券面事項の読み取り', en: 'Reading card details' },
  change_pin: { ja: '暗証番号の変更', en: 'PIN change' },
  pin_set: { ja: '新しい暗証番号の設定', en: 'New PIN set' },
  counter_reset: { ja: '窓口での暗証番号の再設定', en: 'PIN reset at the counter' },
  kiosk_reset: { ja: 'コンビニ等での暗証番号の再設定', en: 'PIN reset at a kiosk' },
  kiosk_reset_reserved: { ja: '暗証番号の初期化の予約', en: 'PIN reset reserved' },
  issue: { ja: 'カードの交付', en: 'Card issued' },
  suspend: { ja: '一時停止', en: 'Suspended' },
  restore: { ja: '一時停止の解除', en: 'Suspension lifted' },
  revoke: { ja: '廃止', en: 'Cancelled' },
  revoke_sign_certificate: { ja: '署名用電子証明書の失効（転居など）', en: 'Signing certificate revoked (moved house, etc.)' },
  risk_hold: { ja: 'セキュリティ上の保留（ロックではありません）', en: 'Security hold (not a lock)' },
  risk_release: { ja: 'セキュリティ上の保留の解除', en: 'Security hold released' },
  risk_confirm: { ja: 'ログイン（保留を解除するための本人確認）', en: 'Login confirming a security hold' },
};

export const RESULT_NAMES: Record<string, { ja: string; en: string }> = {
  success: { ja: '成功', en: 'Success' },
  incorrect: { ja: '暗証番号の誤り（1回消費）', en: 'Wrong PIN (1 try used)' },
  refused: { ja: '受付されず（回数は減っていません）', en: 'Refused (no try used)' },
  pending: { ja: '中断（1回消費）', en: 'Interrupted (1 try used)' },
  done: { ja: '完了', en: 'Done' },
  held: { ja: '保留（回数は減っていません）', en: 'Held (no try used)' },
  released: { ja: '解除', en: 'Released' },
};

export const CARD_STATES: Record<string, { ja: string; en: string }> = {
  active: { ja: '有効', en: 'Valid' },
  suspended: { ja: '一時停止中（紛失の届出など）。暗証番号のロックではありません。', en: 'Suspended (reported lost, for example). This is not a PIN lock.' },
  revoked: { ja: '廃止されています。暗証番号のロックではありません。', en: 'Cancelled. This is not a PIN lock.' },
  expired: { ja: '有効期限切れ。暗証番号のロックではありません。', en: 'Expired. This is not a PIN lock.' },
};

export const CERT_STATES: Record<string, { ja: string; en: string }> = {
  valid: { ja: '有効', en: 'Valid' },
  suspended: { ja: '一時保留中（暗証番号のロックではありません）', en: 'Suspended (not a PIN lock)' },
  revoked: { ja: '失効しています（暗証番号のロックではありません）', en: 'Revoked (not a PIN lock)' },
  expired: { ja: '有効期限切れ（暗証番号のロックではありません）', en: 'Expired (not a PIN lock)' },
  absent: { ja: '搭載されていません', en: 'Not on this card' },
};

export const name = (table: Record<string, { ja: string; en: string }>, key: string | null, lang: Lang, fallback = '—') =>
  key === null ? fallback : (table[key]?.[lang] ?? key);

/** A date and time in Japan time, as a person reads it. */
export function when(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: 'Asia/Tokyo',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

export function day(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'long' }).format(new Date(iso));
}
