import { html, raw } from 'hono/html';
import { describeApplicant, type MunicipalPolicy } from '../../domain/municipal-policy.js';
import { IDENTITY_DOCUMENTS, documentsOfClass } from '../../domain/identity-document.js';
import type { Lang } from './error-response.js';

type Municipality = Readonly<{ code: string; nameJa: string; nameEn: string; prefectureJa: string }>;

const T = {
  ja: {
    title: (m: Municipality) => `${m.nameJa}：マイナンバーカードの暗証番号の再設定（ロック解除）`,
    lead: '暗証番号を忘れたり、入力を続けて間違えてロックされたりした場合は、窓口で暗証番号を再設定（初期化）します。ロックは時間がたっても解除されません。手数料は無料です。',
    check: 'ロックされているかどうか、どの暗証番号か、いつ・どこで失敗したかは、カードの状態確認でいつでも確認できます（残り回数は減りません）。',
    bring: '持ち物',
    visits: '来庁回数',
    self: '本人が来庁する場合',
    legal: '法定代理人（親権者・成年後見人）が来庁する場合',
    voluntary: '任意代理人が来庁する場合',
    selfVisits: '1回（その日のうちに再設定できます）',
    legalVisits: (p: MunicipalPolicy) =>
      p.legalProxy.holderMustAttend
        ? '本人が同行すれば1回。同行できない場合は照会書による2回'
        : p.legalProxy.sameDayWithoutPhotoId
          ? '1回'
          : '代理人が顔写真付きの本人確認書類（A）を持っていれば1回。持っていない場合は照会書による2回',
    voluntaryVisits: (p: MunicipalPolicy) =>
      `2回。1回目の申請後、本人の住民登録住所へ照会書兼回答書を郵送します（転送不要）。本人が新しい暗証番号を記入して封をし、${p.inquiryDeadlineDays}日以内に代理人がカード・回答書・代理人の本人確認書類を持って再来庁してください。`,
    hours: '受付時間',
    maintenance: '毎月、第3土曜日の翌日の日曜日は全国一斉のシステムメンテナンスのため、手続できません。',
    fee: '手数料：無料',
    kinds: '本人確認書類の種類',
    classA: 'A：顔写真付きの公的な本人確認書類',
    classB: 'B：Aにあたらない本人確認書類（顔写真のないもの、公的機関以外が発行した顔写真付きのものなど。氏名と生年月日または住所の記載があるもの）',
    kiosk: '署名用または利用者証明用の暗証番号のどちらか一方だけを忘れた場合は、スマートフォンの「JPKI暗証番号リセット」アプリとコンビニの端末でも再設定できます（もう一方の暗証番号が必要です）。',
    notes: 'お知らせ',
    version: (p: MunicipalPolicy) => `この案内は${p.version}版の手続方針から自動で作成しています。窓口のチェックリストも同じ方針を使います。`,
    other: 'English',
    phone: '問い合わせ先',
  },
  en: {
    title: (m: Municipality) => `${m.nameEn}: re-setting My Number Card PINs (unlocking)`,
    lead: 'If you forgot a PIN, or it is locked after consecutive wrong entries, the PIN is re-set at the counter. A lock never expires with time. It is free of charge.',
    check: "You can always check whether a PIN is locked, which one, and when and where the failures happened, from the card's status (this uses no tries).",
    bring: 'What to bring',
    visits: 'Visits',
    self: 'If the card holder comes in person',
    legal: 'If a legal representative (parent, guardian) comes',
    voluntary: 'If someone else comes on your behalf (voluntary proxy)',
    selfVisits: 'One (re-set the same day)',
    legalVisits: (p: MunicipalPolicy) =>
      p.legalProxy.holderMustAttend
        ? 'One if the holder comes along; otherwise two, with an inquiry letter'
        : p.legalProxy.sameDayWithoutPhotoId
          ? 'One'
          : 'One if the representative has an official photo ID (A); otherwise two, with an inquiry letter',
    voluntaryVisits: (p: MunicipalPolicy) =>
      `Two. After the first visit an inquiry letter is mailed to the holder's registered address (not forwarded). The holder writes the new PIN(s), seals the answer, and within ${p.inquiryDeadlineDays} days the proxy returns with the card, the sealed answer and their own ID.`,
    hours: 'Counter hours',
    maintenance: 'No card procedures on the national maintenance day: the Sunday after the third Saturday of each month.',
    fee: 'Fee: free',
    kinds: 'Kinds of ID documents',
    classA: 'A: official photo ID',
    classB: 'B: other ID (without a photo, or with a photo not issued by a public body), showing name and birth date or address',
    kiosk: 'If you forgot only one of the two certificate PINs (signing or authentication), you can also re-set it with the "JPKI PIN reset" smartphone app and a convenience-store kiosk (you need the other PIN).',
    notes: 'Please note',
    version: (p: MunicipalPolicy) => `Generated from version ${p.version} of the municipal policy; the counter's checklist uses the same policy.`,
    other: '日本語',
    phone: 'Contact',
  },
} as const;

/** The public guidance page (DOMAIN.md §4), generated from the same policy that drives the counter checklist. */
export function renderGuidancePage(m: Municipality, policy: MunicipalPolicy, lang: Lang) {
  const t = T[lang];
  const docList = (cls: 'A' | 'B') =>
    documentsOfClass(cls)
      .map((k) => (lang === 'ja' ? IDENTITY_DOCUMENTS[k].nameJa : IDENTITY_DOCUMENTS[k].nameEn))
      .join(lang === 'ja' ? '、' : ', ');
  const section = (heading: string, bring: string, visits: string) => html`<section>
      <h2>${heading}</h2>
      <dl><dt>${t.bring}</dt><dd>${bring}</dd><dt>${t.visits}</dt><dd>${visits}</dd></dl>
    </section>`;
  const otherHref = lang === 'ja' ? `?lang=en` : `?lang=ja`;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t.title(m)}</title>
<style>
  body { font-family: system-ui, "Hiragino Sans", "Noto Sans JP", sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.7; color: #1d2430; }
  h1 { font-size: 1.5rem; border-bottom: 3px solid #1f5fa8; padding-bottom: .4rem; }
  h2 { font-size: 1.15rem; margin-top: 1.8rem; color: #1f5fa8; }
  dt { font-weight: 600; } dd { margin: 0 0 .6rem 0; }
  .box { background: #f2f6fb; border-left: 4px solid #1f5fa8; padding: .6rem 1rem; }
  .lang { float: right; }
  small { color: #5b6575; }
</style>
</head>
<body>
<a class="lang" href="${otherHref}">${t.other}</a>
<h1>${t.title(m)}</h1>
<p>${t.lead}</p>
<p class="box">${t.check}</p>
${section(t.self, describeApplicant(policy, 'self')[lang], t.selfVisits)}
${section(t.legal, describeApplicant(policy, 'legal_proxy')[lang], t.legalVisits(policy))}
${section(t.voluntary, describeApplicant(policy, 'voluntary_proxy')[lang], t.voluntaryVisits(policy))}
<h2>${t.kinds}</h2>
<p>${t.classA}: ${docList('A')}</p>
<p>${t.classB}: ${docList('B')}</p>
<h2>${t.hours}</h2>
<ul>${raw(policy.counterHours.map((h) => html`<li>${h.days[lang]} ${h.open}–${h.close}</li>`).join(''))}</ul>
<p>${t.maintenance}</p>
<p><strong>${t.fee}</strong></p>
<p>${t.kiosk}</p>
${policy.phone ? html`<p>${t.phone}: ${policy.phone}</p>` : ''}
${policy.publicNotes && policy.publicNotes[lang].trim() ? html`<h2>${t.notes}</h2>
<p>${policy.publicNotes[lang]}</p>` : ''}
<p><small>${t.version(policy)}</small></p>
</body>
</html>`;
}
