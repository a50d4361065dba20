import { endOfJstDay, jstDate } from './card-validity.js';
import { isPinSlot, SLOT_SPECS, type CertKind } from './pin-slot.js';

// What Kagiya tells a holder, and when (issue 11 item 4). Notifications are derived from the card's events and the
// certificates' end dates; nobody calls a notifier. Texts are Japanese first, English second, and never hold the
// My Number or a PIN: only the kind of PIN, the time (JST), the service and what to do.

export const NOTIFICATION_KINDS = [
  'pin_locked',
  'pin_reset',
  'card_suspended',
  'card_restored',
  'risk_hold',
  'new_service_sign_in',
  'cert_expiry_90',
  'cert_expiry_30',
  'cert_expiry_tax_season',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A card event as the notifier reads it; `firstUseOfService`: no earlier successful sign-in to this service. */
export type NotifiableEvent = Readonly<{
  operation: string;
  result: string;
  slot: string | null;
  remainingAfter: number | null;
  service: string | null;
  firstUseOfService: boolean;
}>;

/** The notification an event calls for, if any (contracts: lock, reset, suspension, restore, risk hold, new service). */
export function notificationForEvent(e: NotifiableEvent): NotificationKind | null {
  // A lock is the try that took the slot to zero; later refusals of the locked slot are not news.
  if (e.result === 'incorrect' && e.remainingAfter === 0) return 'pin_locked';
  if ((e.operation === 'counter_reset' || e.operation === 'kiosk_reset') && e.result !== 'refused') return 'pin_reset';
  if (e.operation === 'suspend' && e.result === 'done') return 'card_suspended';
  if (e.operation === 'restore' && e.result === 'done') return 'card_restored';
  if (e.operation === 'risk_hold') return 'risk_hold';
  if (e.operation === 'authenticate' && e.result === 'success' && e.service && e.firstUseOfService) return 'new_service_sign_in';
  return null;
}

const DAY_MS = 86_400_000;

/**
 * The tax-filing season's deadline in the year of `now` (JST): 15 March, 23:59:59 JST. From 1 January to that
 * deadline, a certificate that ends before it gets one reminder that season: a filing made with the card needs both
 * certificates valid on the day (DOMAIN.md §5, e-Tax).
 */
export function taxSeasonDeadline(now: Date): Date | null {
  const today = jstDate(now);
  const deadline = endOfJstDay(`${today.slice(0, 4)}-03-15`);
  return now.getTime() <= deadline.getTime() ? deadline : null;
}

export type ExpiryReminder = Readonly<{ kind: NotificationKind; dedupeKey: string }>;

/** The reminders a valid certificate ending at `notAfter` is due on `now` (each sent once, by its dedupe key). */
export function expiryReminders(certificateId: string, notAfter: Date, now: Date): ExpiryReminder[] {
  const left = notAfter.getTime() - now.getTime();
  if (left <= 0) return [];
  const out: ExpiryReminder[] = [];
  if (left <= 30 * DAY_MS) out.push({ kind: 'cert_expiry_30', dedupeKey: `expiry30:${certificateId}` });
  else if (left <= 90 * DAY_MS) out.push({ kind: 'cert_expiry_90', dedupeKey: `expiry90:${certificateId}` });
  const deadline = taxSeasonDeadline(now);
  if (deadline && notAfter.getTime() <= deadline.getTime()) {
    out.push({ kind: 'cert_expiry_tax_season', dedupeKey: `tax${jstDate(now).slice(0, 4)}:${certificateId}` });
  }
  return out;
}

export type NotificationFacts = Readonly<{
  occurredAt: Date;
  /** The last four characters of the card id, so a holder with two cards knows which (never the My Number). */
  cardTail: string;
  slot?: string | null;
  service?: string | null;
  channel?: string | null;
  certKind?: CertKind | null;
  notAfter?: Date | null;
}>;

export type NotificationText = Readonly<{ subject: string; body: string }>;

const CERT_NAMES: Readonly<Record<CertKind, { ja: string; en: string }>> = {
  auth: { ja: '利用者証明用電子証明書', en: 'user-authentication certificate' },
  sign: { ja: '署名用電子証明書', en: 'signing certificate' },
};

/** 'YYYY-MM-DD HH:MM' in JST. */
export function jstMinute(instant: Date): string {
  return new Date(instant.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function slotNames(slot: string | null | undefined) {
  return slot && isPinSlot(slot) ? { ja: SLOT_SPECS[slot].nameJa, en: SLOT_SPECS[slot].nameEn } : { ja: '暗証番号', en: 'PIN' };
}

const FOOTER = {
  ja: 'このメールは鍵屋（マイナンバーカードの暗証番号の仕組み）から自動で送信しています。お心当たりのない場合は、お住まいの市区町村の窓口にご相談ください。個人番号や暗証番号をメールでお尋ねすることはありません。',
  en: 'This e-mail was sent automatically by Kagiya (the My Number Card PIN system). If you do not recognise this, please contact your municipal office. We never ask for your My Number or a PIN by e-mail.',
};

/** Subject and body, Japanese first then English. */
export function composeNotification(kind: NotificationKind, f: NotificationFacts): NotificationText {
  const when = `${jstMinute(f.occurredAt)}（日本時間）`;
  const whenEn = `${jstMinute(f.occurredAt)} JST`;
  const card = `カード末尾 ${f.cardTail}`;
  const cardEn = `card ending ${f.cardTail}`;
  const s = slotNames(f.slot);
  const service = f.service ?? '（不明）';
  const serviceEn = f.service ?? '(unknown)';
  const cert = CERT_NAMES[f.certKind ?? 'auth'];
  const ends = f.notAfter ? jstDate(f.notAfter) : '';
  const parts: Record<NotificationKind, { sj: string; se: string; bj: string; be: string }> = {
    pin_locked: {
      sj: `${s.ja}がロックされました`,
      se: `Your ${s.en} is locked`,
      bj: `${when}、${card}の${s.ja}が、誤った入力が続いたためロックされました（利用: ${service}）。ロックは正しい暗証番号を入力しても解除されません。お住まいの市区町村の窓口で再設定してください（無料）。ご自身の操作でない場合は、窓口にご相談ください。`,
      be: `At ${whenEn}, the ${s.en} of your ${cardEn} was locked after repeated wrong entries (service: ${serviceEn}). Entering the right PIN will not unlock it; please have it reset at your municipal office (free). If this was not you, please tell the office.`,
    },
    pin_reset: {
      sj: `${s.ja}が再設定されました`,
      se: `Your ${s.en} was reset`,
      bj: `${when}、${card}の${s.ja}が再設定され、入力できる回数が元に戻りました。ご自身の手続きでない場合は、すぐにお住まいの市区町村の窓口にご連絡ください。`,
      be: `At ${whenEn}, the ${s.en} of your ${cardEn} was reset and its tries restored. If you did not ask for this, please contact your municipal office at once.`,
    },
    card_suspended: {
      sj: 'マイナンバーカードが一時停止されました',
      se: 'Your My Number Card was suspended',
      bj: `${when}、${card}が一時停止（一時保留）されました。暗証番号のロックではありません。停止中は電子証明書を使ったログインや署名ができません。解除については、お住まいの市区町村の窓口にお問い合わせください。`,
      be: `At ${whenEn}, your ${cardEn} was suspended. This is not a PIN lock. While suspended, its certificates cannot be used to log in or sign. Please ask your municipal office about lifting it.`,
    },
    card_restored: {
      sj: 'マイナンバーカードの一時停止が解除されました',
      se: 'The suspension of your My Number Card was lifted',
      bj: `${when}、${card}の一時停止が解除され、再びご利用いただけます。`,
      be: `At ${whenEn}, the suspension of your ${cardEn} was lifted; you can use it again.`,
    },
    risk_hold: {
      sj: 'オンラインでの利用が安全のため保留されました',
      se: 'Online use of your card is on a security hold',
      bj: `${when}、${card}のオンラインでの利用を、通常と異なる使われ方があったため安全のため保留しました。暗証番号のロックではなく、入力できる回数は減っていません。窓口で解除できます。`,
      be: `At ${whenEn}, online use of your ${cardEn} was put on a security hold because of an unusual pattern of use. This is not a PIN lock and no tries were used. The municipal office can release it.`,
    },
    new_service_sign_in: {
      sj: `初めてのサービスへのログインがありました（${service}）`,
      se: `First sign-in to a new service (${serviceEn})`,
      bj: `${when}、${card}で、これまで使われたことのないサービス「${service}」にログインがありました。ご自身の操作であれば対応は不要です。お心当たりのない場合は、お住まいの市区町村の窓口にご相談ください。`,
      be: `At ${whenEn}, your ${cardEn} was used to sign in to "${serviceEn}" for the first time. If this was you, nothing needs doing. If not, please contact your municipal office.`,
    },
    cert_expiry_90: {
      sj: `${cert.ja}の有効期限が近づいています（${ends}まで）`,
      se: `Your ${cert.en} expires on ${ends}`,
      bj: `${card}の${cert.ja}は ${ends} に有効期限を迎えます（あと90日以内）。期限が切れるとログインや署名ができなくなります。お住まいの市区町村の窓口で更新してください。`,
      be: `The ${cert.en} of your ${cardEn} expires on ${ends} (within 90 days). After that it cannot be used to log in or sign. Please renew it at your municipal office.`,
    },
    cert_expiry_30: {
      sj: `${cert.ja}の有効期限まで30日を切りました（${ends}まで）`,
      se: `Your ${cert.en} expires within 30 days (${ends})`,
      bj: `${card}の${cert.ja}は ${ends} に有効期限を迎えます（あと30日以内）。お早めにお住まいの市区町村の窓口で更新してください。`,
      be: `The ${cert.en} of your ${cardEn} expires on ${ends}, within 30 days. Please renew it at your municipal office soon.`,
    },
    cert_expiry_tax_season: {
      sj: `確定申告の前に${cert.ja}の有効期限が切れます（${ends}まで）`,
      se: `Your ${cert.en} expires before the tax-filing deadline (${ends})`,
      bj: `${card}の${cert.ja}は ${ends} に有効期限を迎え、3月15日の確定申告の期限より前に使えなくなります。e-Taxで申告する場合は、それまでにお住まいの市区町村の窓口で更新してください。`,
      be: `The ${cert.en} of your ${cardEn} expires on ${ends}, before the 15 March tax-filing deadline. If you file through e-Tax, please renew it at your municipal office before then.`,
    },
  };
  const p = parts[kind];
  return {
    subject: `【鍵屋】${p.sj} / Kagiya: ${p.se}`,
    body: `${p.bj}\n\n${FOOTER.ja}\n\n----\n\n${p.be}\n\n${FOOTER.en}\n`,
  };
}
