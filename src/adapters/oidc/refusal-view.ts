import { html } from 'hono/html';
import { ERROR_MESSAGES, type ErrorCode } from '../../domain/errors.js';
import { isPinSlot, SLOT_SPECS } from '../../domain/pin-slot.js';
import type { Lang } from '../http/error-response.js';

// The login page tells the truth (issue #9 item 2): every refusal from the same code table as the API, with the
// details that make it precise — tries left, which slot is locked and where to go — and never a generic "locked".

export type Guidance = Readonly<{ code: string; nameJa: string; nameEn: string }>;

const CERT_NAMES = { auth: { ja: '利用者証明用電子証明書', en: 'user-authentication certificate' }, sign: { ja: '署名用電子証明書', en: 'signing certificate' } };

/** Which refusals are a lock, which are not one though they stop the login, and which are our own fault. */
function tone(code: ErrorCode): 'lock' | 'notlock' | 'ours' | 'entry' {
  if (code === 'PIN_LOCKED') return 'lock';
  if (code === 'SERVICE_BUSY' || code === 'INTERNAL') return 'ours';
  if (code.startsWith('CERT_') || code.startsWith('CARD_') || code === 'PIN_SLOT_ABSENT' || code === 'RISK_HOLD' || code === 'LAST_TRY_CONFIRMATION_REQUIRED') return 'notlock';
  return 'entry';
}

function headline(lang: Lang, code: ErrorCode, details: Readonly<Record<string, unknown>>): string {
  const slot = typeof details.slot === 'string' && isPinSlot(details.slot) ? SLOT_SPECS[details.slot] : null;
  const slotName = slot ? (lang === 'ja' ? slot.nameJa : slot.nameEn) : lang === 'ja' ? '暗証番号' : 'PIN';
  const cert = details.slot === 'sign' || details.slot === 'auth' ? CERT_NAMES[details.slot][lang] : CERT_NAMES.auth[lang];
  const remaining = typeof details.remaining === 'number' ? details.remaining : null;
  switch (code) {
    case 'PIN_INCORRECT':
      return lang === 'ja' ? `${slotName}が違います。残り${remaining}回です。` : `Wrong ${slotName}. ${remaining} ${remaining === 1 ? 'try' : 'tries'} left.`;
    case 'PIN_LOCKED':
      return lang === 'ja' ? `${slotName}がロックされています。` : `Your ${slotName} is locked.`;
    case 'PIN_FORMAT':
      return lang === 'ja' ? `${slotName}の形式が正しくありません（残り回数は減っていません）。` : `The ${slotName} is not in the right format (no try was used).`;
    case 'LAST_TRY_CONFIRMATION_REQUIRED':
      return lang === 'ja'
        ? `${slotName}は残り1回です。入力は照合していません（残り回数は減っていません）。`
        : `Your ${slotName} has one try left. The entry was not checked (no try was used).`;
    case 'CERT_EXPIRED':
      return lang === 'ja' ? `${cert}の有効期限が切れています。暗証番号のロックではありません。` : `Your ${cert} has expired. This is not a PIN lock.`;
    case 'CERT_REVOKED':
      return lang === 'ja' ? `${cert}は失効しています。暗証番号のロックではありません。` : `Your ${cert} has been revoked. This is not a PIN lock.`;
    case 'CERT_SUSPENDED':
      return lang === 'ja' ? `${cert}は一時保留中です。暗証番号のロックではありません。` : `Your ${cert} is suspended. This is not a PIN lock.`;
    case 'CARD_SUSPENDED':
      return lang === 'ja' ? 'このカードは一時停止されています。暗証番号のロックではありません。' : 'This card is suspended. This is not a PIN lock.';
    case 'SERVICE_BUSY':
    case 'INTERNAL':
      return lang === 'ja' ? '鍵屋のシステムの不調で処理できませんでした。暗証番号のロックではありません。' : 'A fault on our side stopped the login. This is not a PIN lock.';
    case 'INVALID_REQUEST':
      return lang === 'ja' ? 'カードファイルを読み取れませんでした（残り回数は減っていません）。' : 'The card file could not be read (no try was used).';
    default:
      return ERROR_MESSAGES[code][lang].split(/(?<=[。.])/)[0] ?? '';
  }
}

function body(lang: Lang, code: ErrorCode): string {
  if (code === 'INVALID_REQUEST') {
    return lang === 'ja'
      ? 'カードファイル（cardId と cardKey を含む JSON）を選ぶか、その内容を貼り付けてください。暗証番号は照合していません。'
      : 'Choose the card file (JSON with cardId and cardKey) or paste its contents. No PIN was checked.';
  }
  return ERROR_MESSAGES[code][lang];
}

export function refusalView(lang: Lang, code: ErrorCode, details: Readonly<Record<string, unknown>>, guidance: Guidance | null) {
  const kind = tone(code);
  const cls = kind === 'lock' || kind === 'entry' ? 'refusal' : `refusal ${kind}`;
  const showGuidance = guidance && (kind === 'lock' || kind === 'notlock');
  const where = guidance ? (lang === 'ja' ? guidance.nameJa : guidance.nameEn) : '';
  return html`<div class="${cls}" role="alert" data-testid="refusal" data-error-code="${code}" data-slot="${String(details.slot ?? '')}" data-remaining="${String(details.remaining ?? '')}">
<strong>${headline(lang, code, details)}</strong>
<p>${body(lang, code)}</p>
${
  showGuidance
    ? html`<p><a data-testid="guidance-link" href="/guidance/${guidance.code}${lang === 'en' ? '?lang=en' : ''}">${lang === 'ja' ? `${where}の窓口での手続きの案内（持ち物・受付時間）` : `${where}: what to bring and counter hours`}</a></p>`
    : ''
}
</div>`;
}
