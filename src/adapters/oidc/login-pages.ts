import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Lang } from '../http/error-response.js';
import { layout } from './page-layout.js';

// The login and consent screens of the identity provider. No script: the card file is uploaded as a file or pasted.

export type ServiceNames = Readonly<{ nameJa: string; nameEn: string }>;

const serviceName = (lang: Lang, s: ServiceNames) => (lang === 'ja' ? s.nameJa : s.nameEn);
const otherLang = (lang: Lang): Lang => (lang === 'ja' ? 'en' : 'ja');

export function loginPage(input: {
  lang: Lang;
  uid: string;
  service: ServiceNames;
  wantSign: boolean;
  refusal: HtmlEscapedString | Promise<HtmlEscapedString> | null;
  cardJson: string;
  /** A slot at its last try (after a LAST_TRY_CONFIRMATION_REQUIRED refusal): the page asks before it is spent. */
  confirmSlot?: 'auth' | 'sign' | null;
}) {
  const { lang, uid, service, wantSign } = input;
  const ja = lang === 'ja';
  const title = ja ? `${serviceName(lang, service)}にマイナンバーカードでログイン` : `Log in to ${serviceName(lang, service)} with your My Number Card`;
  return layout(
    lang,
    title,
    `/oidc/interaction/${uid}?lang=${otherLang(lang)}`,
    html`<h1>${title}</h1>
${input.refusal ?? ''}
<form method="post" action="/oidc/interaction/${uid}/login" enctype="multipart/form-data" autocomplete="off">
<input type="hidden" name="lang" value="${lang}">
<label for="cardFile">${ja ? 'カードファイル' : 'Card file'} <span class="hint">${ja ? '（カードの代わりになるファイル：cardId と cardKey の JSON）' : '(stands in for the card: JSON with cardId and cardKey)'}</span></label>
<input id="cardFile" type="file" name="cardFile" accept=".json,application/json">
<label for="cardJson">${ja ? 'またはカードファイルの内容を貼り付け' : 'or paste the card file'}</label>
<textarea id="cardJson" name="cardJson" spellcheck="false">${input.cardJson}</textarea>
<label for="authPin">${ja ? '利用者証明用電子証明書の暗証番号' : 'User-authentication certificate PIN'} <span class="hint">${ja ? '（数字4桁。3回続けて間違えるとロックされます）' : '(4 digits; locks after 3 wrong entries in a row)'}</span></label>
<input id="authPin" type="password" name="authPin" inputmode="numeric" autocomplete="off">
${
  wantSign
    ? html`<label for="signPin">${ja ? '署名用電子証明書の暗証番号' : 'Signing certificate password'} <span class="hint">${ja ? `（英数字6〜16文字。${serviceName(lang, service)}は署名用電子証明書の氏名・住所・生年月日・性別を求めています。5回続けて間違えるとロックされます）` : `(6–16 letters and digits. ${serviceName(lang, service)} asks for the name, address, birth date and sex in your signing certificate. Locks after 5 wrong entries in a row)`}</span></label>
<input id="signPin" type="password" name="signPin" autocomplete="off">`
    : ''
}
${input.confirmSlot ? lastTryQuestion(lang, input.confirmSlot) : ''}
<button type="submit" data-testid="login-submit">${ja ? 'ログイン' : 'Log in'}</button>
</form>
<p><a href="/oidc/interaction/${uid}/abort?lang=${lang}" data-testid="login-cancel">${ja ? 'ログインをやめてサービスに戻る' : 'Cancel and go back to the service'}</a></p>`,
  );
}

// The last-try guard's question (issue #11): never ticked in advance; the next entry spends the last try only if
// the person ticks it.
function lastTryQuestion(lang: Lang, slot: 'auth' | 'sign') {
  const ja = lang === 'ja';
  const name = slot === 'auth' ? (ja ? '利用者証明用電子証明書の暗証番号' : 'user-authentication PIN') : ja ? '署名用電子証明書の暗証番号' : 'signing password';
  return html`<fieldset class="last-try" data-testid="last-try">
<legend>${ja ? `${name}は残り1回です` : `Your ${name} has one try left`}</legend>
<p>${ja ? '次に間違えるとロックされ、解除には市区町村の窓口での再設定が必要です。暗証番号に自信がない場合は入力せず、窓口で再設定してください。' : 'If this entry is wrong, the PIN locks and must be reset at your municipal counter. If you are not sure of it, do not enter it: have it reset at the counter instead.'}</p>
<label><input type="checkbox" name="confirmLastTry" value="${slot}" data-testid="last-try-confirm"> ${ja ? '残り1回であることを確認し、この入力で照合します' : 'I understand this is the last try; check this entry'}</label>
</fieldset>`;
}

const SCOPE_TEXT: Record<string, { ja: string; en: string }> = {
  openid: { ja: 'このサービス専用の利用者識別子（ほかのサービスとは共有されません）', en: 'An identifier for you that only this service sees (not shared with other services)' },
  jpki_sign_attributes: {
    ja: '署名用電子証明書に記録された氏名・住所・生年月日・性別',
    en: 'Your name, address, birth date and sex as recorded in your signing certificate',
  },
  kagiya_card: { ja: 'カードの状態（暗証番号の残り回数、電子証明書の有効期限）と入力履歴の閲覧', en: "Your card's status (tries left, certificate expiry) and its attempt history" },
  kagiya_card_manage: { ja: '暗証番号の変更と、紛失時のカードの一時停止', en: 'Changing a PIN, and suspending the card if it is lost' },
  kagiya_resident_record: { ja: '住民票の記載事項(氏名・フリガナ・生年月日・性別・住所)による証明書の交付', en: 'Your residence record (name, reading, birth date, sex, address) to issue a certificate' },
};

export function consentPage(input: { lang: Lang; uid: string; service: ServiceNames; scopes: string[] }) {
  const { lang, uid, service } = input;
  const ja = lang === 'ja';
  const title = ja ? `${serviceName(lang, service)}への情報の提供` : `Share with ${serviceName(lang, service)}?`;
  return layout(
    lang,
    title,
    `/oidc/interaction/${uid}?lang=${otherLang(lang)}`,
    html`<h1>${title}</h1>
<p>${ja ? `${serviceName(lang, service)}は、次の情報と操作を求めています。` : `${serviceName(lang, service)} asks for the following:`}</p>
<ul class="scopes" data-testid="consent-scopes">${input.scopes.map((s) => html`<li data-scope="${s}">${SCOPE_TEXT[s]?.[lang] ?? s}</li>`)}</ul>
<form method="post" action="/oidc/interaction/${uid}/consent">
<input type="hidden" name="lang" value="${lang}">
<button type="submit" name="decision" value="allow" data-testid="consent-allow">${ja ? '同意する' : 'Allow'}</button>
<button type="submit" name="decision" value="deny" class="secondary" data-testid="consent-deny">${ja ? '同意しない' : 'Deny'}</button>
</form>`,
  );
}

export function expiredPage(lang: Lang) {
  const ja = lang === 'ja';
  return layout(
    lang,
    ja ? 'ログインの有効期限切れ' : 'Login expired',
    null,
    html`<h1 data-testid="interaction-expired">${ja ? 'ログインの手続きの有効期限が切れました' : 'This login step has expired'}</h1>
<p>${ja ? 'サービスの画面に戻り、もう一度ログインしてください。カードや暗証番号のロックではありません。' : 'Please go back to the service and log in again. This is not a card or PIN lock.'}</p>`,
  );
}
