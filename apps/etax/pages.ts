// e-Tax screens: the start page, the return form, the figures with the signing step, the receipt.

import { html } from 'hono/html';
import type { Holder } from '../../src/adapters/pki/card-certificates.js';
import { layout, refusalBox, say, type Html, type Lang, type Words } from '../shared/page.js';
import type { Refusal } from '../shared/refusal.js';
import { TAX_YEAR, type ComputedReturn, type ReturnFigures } from './income-tax.js';

export const SERVICE: Words = { ja: 'e-Tax(国税電子申告・納税システム)デモ', en: 'e-Tax (national tax e-filing) demo' };
const ACCENT = '#1f4e8c';

const W = {
  home: { ja: '確定申告書の作成', en: 'Prepare your tax return' },
  homeLead: {
    ja: `${TAX_YEAR.ja}の所得税の確定申告書(給与所得者向けの簡易版)を作成し、マイナンバーカードの署名用電子証明書で電子署名して提出します。`,
    en: `Prepare a simple income-tax return for tax year ${TAX_YEAR.western} (salary earners), sign it with the signing certificate of your My Number Card and file it.`,
  },
  login: { ja: 'マイナンバーカードでログイン', en: 'Sign in with your My Number Card' },
  loginHint: {
    ja: 'ログインには利用者証明用電子証明書の暗証番号(数字4桁)を使います。',
    en: 'Signing in uses your user-authentication PIN (4 digits).',
  },
  salary: { ja: '給与等の収入金額', en: 'Salary income' },
  socialInsurance: { ja: '社会保険料控除', en: 'Social insurance deduction' },
  otherDeductions: { ja: 'その他の所得控除(生命保険料・医療費など)', en: 'Other deductions (life insurance, medical…)' },
  withheld: { ja: '源泉徴収税額', en: 'Tax withheld' },
  yenHint: { ja: '円(整数)', en: 'yen (whole number)' },
  compute: { ja: '税額を計算する', en: 'Compute the tax' },
  figures: { ja: '申告内容', en: 'Your return' },
  employmentDeduction: { ja: '給与所得控除額', en: 'Employment income deduction' },
  employmentIncome: { ja: '給与所得の金額', en: 'Employment income' },
  basicDeduction: { ja: '基礎控除', en: 'Basic deduction' },
  totalDeductions: { ja: '所得から差し引かれる金額の合計', en: 'Total deductions' },
  taxableIncome: { ja: '課税される所得金額', en: 'Taxable income' },
  incomeTax: { ja: '所得税額', en: 'Income tax' },
  reconstructionTax: { ja: '復興特別所得税額', en: 'Reconstruction special income tax' },
  totalTax: { ja: '所得税及び復興特別所得税の額', en: 'Income tax and reconstruction tax' },
  due: { ja: '納める税金', en: 'Tax to pay' },
  refund: { ja: '還付される税金', en: 'Tax refunded' },
  simplified: {
    ja: `${TAX_YEAR.ja}の税額表による簡易計算です(デモ用)。`,
    en: `A simplified computation with the tables for tax year ${TAX_YEAR.western} (demo).`,
  },
  sign: { ja: '電子署名して提出', en: 'Sign and file' },
  signLead: {
    ja: 'マイナンバーカード(カードファイル)と署名用電子証明書の暗証番号(英数字6〜16文字)で電子署名します。',
    en: 'Sign with your My Number Card (its card file) and the signing password (6–16 letters and digits).',
  },
  cardFile: { ja: 'カードファイル(JSON)', en: 'Card file (JSON)' },
  cardFileText: { ja: 'またはカードファイルの内容を貼り付け', en: 'or paste the card file' },
  password: { ja: '署名用電子証明書の暗証番号', en: 'Signing password' },
  lastTryTitle: { ja: '署名用電子証明書の暗証番号は残り1回です', en: 'Your signing password has one try left' },
  lastTryLead: {
    ja: '次に間違えるとロックされ、解除には市区町村の窓口での再設定が必要です。自信がない場合は入力せず、窓口で再設定してください。',
    en: 'If this entry is wrong, the password locks and must be reset at your municipal counter. If you are not sure of it, have it reset at the counter instead.',
  },
  lastTryConfirm: { ja: '残り1回であることを確認し、この入力で署名します', en: 'I understand this is the last try; sign with this entry' },
  passwordHint: { ja: '英数字6〜16文字(小文字は大文字として扱います)', en: '6–16 letters and digits (lowercase is read as uppercase)' },
  edit: { ja: '入力し直す', en: 'Edit the figures' },
  filed: { ja: '申告書を受け付けました', en: 'Your return was filed' },
  filedLead: { ja: '電子署名と電子証明書の有効性を確認しました。', en: 'The signature and the certificate\'s validity were checked.' },
  signer: { ja: '署名者(署名用電子証明書の記載事項)', en: 'Signer (from the signing certificate)' },
  name: { ja: '氏名', en: 'Name' },
  address: { ja: '住所', en: 'Address' },
  birthDate: { ja: '生年月日', en: 'Date of birth' },
  signedAt: { ja: '署名日時', en: 'Signed at' },
  serial: { ja: '証明書シリアル番号', en: 'Certificate serial' },
  status: { ja: '失効確認(OCSP)', en: 'Revocation check (OCSP)' },
  statusGood: { ja: '有効(失効していません)', en: 'valid (not revoked)' },
  download: { ja: '署名データ(CMS/PKCS#7)をダウンロード', en: 'Download the signature (CMS / PKCS #7)' },
  reverify: { ja: '署名と証明書の有効性を再確認', en: 'Check the signature and certificate again' },
  refused: { ja: '提出できませんでした', en: 'The return was not filed' },
  recheckRefused: { ja: '署名を有効と確認できませんでした', en: 'The signature could not be confirmed valid' },
  newReturn: { ja: '新しい申告書を作成', en: 'Prepare another return' },
  returnId: { ja: '受付番号', en: 'Receipt number' },
} as const satisfies Record<string, Words>;

type PageCtx = Readonly<{ lang: Lang; path: string; signedIn: boolean }>;
const page = (p: PageCtx, title: Words, body: Html) => layout({ ...p, service: SERVICE, title, body, accent: ACCENT });
const yen = (lang: Lang, n: number) => (lang === 'ja' ? `${n.toLocaleString('ja-JP')}円` : `¥${n.toLocaleString('en-US')}`);

export function homePage(p: PageCtx, refusal?: Refusal): Html {
  return page(p, W.home, html`
    ${refusal ? refusalBox(refusal) : ''}
    <p>${say(p.lang, W.homeLead)}</p>
    <a class="button" href="/login" data-testid="login">${say(p.lang, W.login)}</a>
    <p class="muted">${say(p.lang, W.loginHint)}</p>`);
}

export function formPage(p: PageCtx, values: Partial<Record<keyof ReturnFigures, string>>, refusal?: Refusal): Html {
  const field = (name: keyof ReturnFigures) => html`<label for="${name}">${say(p.lang, W[name])} <span class="hint">${say(p.lang, W.yenHint)}</span></label>
    <input type="text" inputmode="numeric" id="${name}" name="${name}" value="${values[name] ?? ''}" required maxlength="20">`;
  return page(p, W.home, html`
    ${refusal ? refusalBox(refusal) : ''}
    <p>${say(p.lang, W.homeLead)}</p>
    <form method="post" action="/returns">
      ${field('salary')}${field('socialInsurance')}${field('otherDeductions')}${field('withheld')}
      <button type="submit" data-testid="compute">${say(p.lang, W.compute)}</button>
    </form>`);
}

function figuresTable(lang: Lang, f: ReturnFigures, r: ComputedReturn): Html {
  const row = (label: Words, n: number, id: string) => html`<tr><th>${say(lang, label)}</th><td class="yen" data-testid="${id}">${yen(lang, n)}</td></tr>`;
  return html`<table>
    ${row(W.salary, f.salary, 'salary')}
    ${row(W.employmentDeduction, r.employmentDeduction, 'employment-deduction')}
    ${row(W.employmentIncome, r.employmentIncome, 'employment-income')}
    ${row(W.socialInsurance, f.socialInsurance, 'social-insurance')}
    ${row(W.otherDeductions, f.otherDeductions, 'other-deductions')}
    ${row(W.basicDeduction, r.basicDeduction, 'basic-deduction')}
    ${row(W.totalDeductions, r.totalDeductions, 'total-deductions')}
    ${row(W.taxableIncome, r.taxableIncome, 'taxable-income')}
    ${row(W.incomeTax, r.incomeTax, 'income-tax')}
    ${row(W.reconstructionTax, r.reconstructionTax, 'reconstruction-tax')}
    ${row(W.totalTax, r.totalTax, 'total-tax')}
    ${row(W.withheld, f.withheld, 'withheld')}
    ${r.balance >= 0 ? row(W.due, r.balance, 'balance') : row(W.refund, -r.balance, 'balance')}
  </table>
  <p class="muted">${say(lang, W.simplified)}</p>`;
}

// The last-try guard (issue #11): asked only after Kagiya said the password has one try left; never ticked in advance.
function lastTryQuestion(lang: Lang): Html {
  return html`<fieldset class="last-try" data-testid="last-try">
      <legend>${say(lang, W.lastTryTitle)}</legend>
      <p>${say(lang, W.lastTryLead)}</p>
      <label><input type="checkbox" name="confirmLastTry" value="yes" data-testid="last-try-confirm"> ${say(lang, W.lastTryConfirm)}</label>
    </fieldset>`;
}

export function signPage(p: PageCtx, f: ReturnFigures, r: ComputedReturn, refusal?: Refusal): Html {
  return page(p, W.figures, html`
    ${refusal ? html`<h2>${say(p.lang, W.refused)}</h2>${refusalBox(refusal)}` : ''}
    ${figuresTable(p.lang, f, r)}
    <h2>${say(p.lang, W.sign)}</h2>
    <p>${say(p.lang, W.signLead)}</p>
    <form method="post" action="/returns/draft/sign" enctype="multipart/form-data">
      <label for="cardFile">${say(p.lang, W.cardFile)}</label>
      <input type="file" id="cardFile" name="cardFile" accept="application/json,.json">
      <label for="cardFileText">${say(p.lang, W.cardFileText)}</label>
      <textarea id="cardFileText" name="cardFileText" spellcheck="false" autocomplete="off"></textarea>
      <label for="password">${say(p.lang, W.password)} <span class="hint">${say(p.lang, W.passwordHint)}</span></label>
      <input type="password" id="password" name="password" autocomplete="off" maxlength="64">
      ${refusal?.code === 'LAST_TRY_CONFIRMATION_REQUIRED' ? lastTryQuestion(p.lang) : ''}
      <button type="submit" data-testid="sign">${say(p.lang, W.sign)}</button>
    </form>
    <form method="get" action="/"><button class="secondary" type="submit">${say(p.lang, W.edit)}</button></form>`);
}

export type ReceiptView = Readonly<{
  id: string;
  figures: ReturnFigures;
  computed: ComputedReturn;
  signer: Holder;
  signingTime: Date | null;
  serial: string;
  checkedAt: Date;
}>;

const jst = (lang: Lang, d: Date) =>
  `${d.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'medium' })} ${lang === 'ja' ? '(日本時間)' : 'JST'}`;

export function receiptPage(p: PageCtx, v: ReceiptView, recheck?: { refusal?: Refusal }): Html {
  const failed = recheck?.refusal;
  return page(p, failed ? W.recheckRefused : W.filed, html`
    ${failed ? refusalBox(failed) : html`<div class="ok" data-testid="filed"><p>${say(p.lang, W.filedLead)}</p></div>`}
    <dl class="kv">
      <dt>${say(p.lang, W.returnId)}</dt><dd data-testid="return-id">${v.id}</dd>
    </dl>
    <h2>${say(p.lang, W.signer)}</h2>
    <dl class="kv">
      <dt>${say(p.lang, W.name)}</dt><dd data-testid="signer-name">${v.signer.name}</dd>
      <dt>${say(p.lang, W.address)}</dt><dd data-testid="signer-address">${v.signer.address}</dd>
      <dt>${say(p.lang, W.birthDate)}</dt><dd>${v.signer.birthDate}</dd>
      <dt>${say(p.lang, W.signedAt)}</dt><dd>${v.signingTime ? jst(p.lang, v.signingTime) : '—'}</dd>
      <dt>${say(p.lang, W.serial)}</dt><dd><code>${v.serial}</code></dd>
      ${failed ? '' : html`<dt>${say(p.lang, W.status)}</dt><dd data-testid="ocsp-status">${say(p.lang, W.statusGood)} — ${jst(p.lang, v.checkedAt)}</dd>`}
    </dl>
    <h2>${say(p.lang, W.figures)}</h2>
    ${figuresTable(p.lang, v.figures, v.computed)}
    <p><a class="button secondary" href="/returns/${v.id}/signature.p7s" data-testid="download">${say(p.lang, W.download)}</a></p>
    <form method="post" action="/returns/${v.id}/verify"><button type="submit" data-testid="reverify">${say(p.lang, W.reverify)}</button></form>
    <p><a href="/">${say(p.lang, W.newReturn)}</a></p>`);
}
