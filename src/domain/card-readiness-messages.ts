import type { ReadinessProblem, ReadinessService } from './card-readiness.js';
import type { CertKind, PinSlot } from './pin-slot.js';

// What a readiness problem means and what to do about it, Japanese first (DOMAIN.md §3: a certificate or card
// problem never reads as a lock). Dates are formatted by the caller's `day` so the words stay pure.

type Words = Readonly<{ ja: string; en: string }>;

const SLOT: Readonly<Record<PinSlot, Words>> = {
  auth: { ja: '利用者証明用電子証明書の暗証番号(数字4桁)', en: 'user-authentication PIN (4 digits)' },
  sign: { ja: '署名用電子証明書の暗証番号(英数字6〜16文字)', en: 'signing password (6–16 letters and digits)' },
  assist: { ja: '券面事項入力補助用の暗証番号(数字4桁)', en: 'text-input-assist PIN (4 digits)' },
  juki: { ja: '住民基本台帳用の暗証番号(数字4桁)', en: 'resident-register PIN (4 digits)' },
};
const CERT: Readonly<Record<CertKind, Words>> = {
  auth: { ja: '利用者証明用電子証明書', en: 'user-authentication certificate' },
  sign: { ja: '署名用電子証明書', en: 'signing certificate' },
};
export const SERVICE_WORDS: Readonly<Record<ReadinessService, Words>> = {
  etax_filing: { ja: 'e-Taxでの申告(電子署名)', en: 'Filing with e-Tax (signature)' },
  portal: { ja: 'マイナポータルへのログイン', en: 'Logging in to Mynaportal' },
  kiosk: { ja: 'コンビニ交付(住民票の写しなど)', en: 'Convenience-store certificates' },
};

const COUNTER_RESET: Words = {
  ja: 'お住まいの市区町村の窓口で暗証番号を再設定してください(無料)。',
  en: 'Have it reset at your municipal office counter (free).',
};

export function explainProblem(p: ReadinessProblem, day: (d: Date) => Words): Readonly<{ message: Words; action: Words }> {
  const slot = p.slot ? SLOT[p.slot] : { ja: '暗証番号', en: 'PIN' };
  const cert = p.certificate ? CERT[p.certificate] : { ja: '電子証明書', en: 'certificate' };
  const due = p.dueAt ? day(p.dueAt) : { ja: '', en: '' };
  switch (p.code) {
    case 'CARD_SUSPENDED':
      return {
        message: { ja: 'カードは一時停止されています。暗証番号のロックではありません。', en: 'The card is suspended. This is not a PIN lock.' },
        action: { ja: '見つかったカードであれば、市区町村の窓口で一時停止の解除を申請してください。', en: 'If you found the card again, ask your municipal counter to lift the suspension.' },
      };
    case 'CARD_REVOKED':
      return {
        message: { ja: 'カードは廃止されています。暗証番号のロックではありません。', en: 'The card has been cancelled. This is not a PIN lock.' },
        action: { ja: '市区町村の窓口で再交付を申請してください。', en: 'Apply for a new card at your municipal counter.' },
      };
    case 'CARD_EXPIRED':
      return {
        message: { ja: `カードの有効期限(${due.ja})を過ぎています。暗証番号のロックではありません。`, en: `The card expired on ${due.en}. This is not a PIN lock.` },
        action: { ja: '市区町村の窓口でカードを更新してください。', en: 'Renew the card at your municipal counter.' },
      };
    case 'CARD_EXPIRING_SOON':
      return {
        message: { ja: `カードの有効期限は${due.ja}です(あと${p.daysLeft}日)。`, en: `The card expires on ${due.en} (${p.daysLeft} days left).` },
        action: { ja: '期限までに市区町村の窓口でカードを更新してください。', en: 'Renew the card at your municipal counter before then.' },
      };
    case 'PIN_SLOT_ABSENT':
      return {
        message: { ja: `このカードには${cert.ja}と${slot.ja}がありません(15歳未満など)。`, en: `This card has no ${cert.en} and no ${slot.en} (for example, under 15).` },
        action: { ja: '必要な場合は市区町村の窓口にご相談ください。', en: 'If you need one, ask at your municipal counter.' },
      };
    case 'PIN_LOCKED':
      return {
        message: { ja: `${slot.ja}はロックされています。正しい暗証番号を入力しても解除されません。`, en: `The ${slot.en} is locked. Entering the right PIN will not unlock it.` },
        action:
          p.slot === 'auth' || p.slot === 'sign'
            ? {
                ja: `${COUNTER_RESET.ja}もう一方の電子証明書の暗証番号が分かれば、スマートフォンで予約してコンビニ等の端末でも再設定できます(6:30〜23:00)。`,
                en: `${COUNTER_RESET.en} If you know the other certificate's PIN, you can also reserve a reset from your phone and set a new PIN at a kiosk (6:30–23:00).`,
              }
            : COUNTER_RESET,
      };
    case 'PIN_TRIES_USED':
      return {
        message: {
          ja: `${slot.ja}は、あと${p.remaining}回(${p.max}回中)入力できます。ロックされていません。`,
          en: `The ${slot.en} has ${p.remaining} of ${p.max} tries left. It is not locked.`,
        },
        action: {
          ja: p.remaining === 1 ? '次に間違えるとロックされます。確実に分かる場合だけ入力してください。正しく入力すると回数は元に戻ります。' : '正しく入力すると回数は元に戻ります。',
          en: p.remaining === 1 ? 'One more wrong entry locks it: enter it only when you are sure. A right entry restores every try.' : 'A right entry restores every try.',
        },
      };
    case 'CERT_ABSENT':
      return {
        message: { ja: `${cert.ja}がカードに搭載されていません。暗証番号のロックではありません。`, en: `There is no ${cert.en} on the card. This is not a PIN lock.` },
        action: { ja: '市区町村の窓口で電子証明書の発行を申請してください。', en: 'Apply for the certificate at your municipal counter.' },
      };
    case 'CERT_REVOKED':
      return {
        message: { ja: `${cert.ja}は失効しています(転居などで氏名・住所が変わると失効します)。暗証番号のロックではありません。`, en: `The ${cert.en} is revoked (it is revoked when your name or address changes, e.g. on moving). This is not a PIN lock.` },
        action: { ja: '市区町村の窓口で新しい電子証明書の発行を申請してください。', en: 'Apply for a new certificate at your municipal counter.' },
      };
    case 'CERT_SUSPENDED':
      return {
        message: { ja: `${cert.ja}は一時保留されています。暗証番号のロックではありません。`, en: `The ${cert.en} is suspended. This is not a PIN lock.` },
        action: { ja: '見つかったカードであれば、市区町村の窓口で一時保留の解除を申請してください。', en: 'If you found the card again, ask your municipal counter to lift the suspension.' },
      };
    case 'CERT_EXPIRED':
      return {
        message: { ja: `${cert.ja}の有効期限(${due.ja})を過ぎています。暗証番号のロックではありません。`, en: `The ${cert.en} expired on ${due.en}. This is not a PIN lock.` },
        action: { ja: '市区町村の窓口で電子証明書を更新してください(無料)。', en: 'Renew the certificate at your municipal counter (free).' },
      };
    case 'CERT_EXPIRING_SOON':
      return {
        message: { ja: `${cert.ja}の有効期限は${due.ja}です(あと${p.daysLeft}日)。`, en: `The ${cert.en} expires on ${due.en} (${p.daysLeft} days left).` },
        action: { ja: '有効期限の3か月前から、市区町村の窓口で更新できます(無料)。', en: 'You can renew it at your municipal counter from 3 months before it expires (free).' },
      };
    case 'PROCEDURE_OPEN':
      return {
        message: {
          ja: `窓口での手続が進行中です${p.dueAt ? `(期限: ${due.ja})` : ''}。`,
          en: `A counter procedure is in progress${p.dueAt ? ` (deadline: ${due.en})` : ''}.`,
        },
        action: { ja: '案内された書類と期限をご確認ください。', en: 'Check the documents and deadline you were given.' },
      };
  }
}
