import { html, raw } from 'hono/html';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { pickLang } from '../http/error-response.js';
import { layout } from './page-layout.js';

// Pages oidc-provider renders itself (logout confirmation, after logout, protocol errors), in Kagiya's style.

function langOf(ctx: KoaContextWithOIDC) {
  const asked = String((ctx.oidc?.params?.ui_locales as string | undefined) ?? ctx.query?.lang ?? '').toLowerCase();
  return pickLang(ctx.get('accept-language') || undefined, asked.startsWith('en') ? 'en' : asked.startsWith('ja') ? 'ja' : undefined);
}

export async function logoutPage(ctx: KoaContextWithOIDC, form: string) {
  const lang = langOf(ctx);
  const name = ctx.oidc.client?.clientName ?? '';
  const body = html`<h1>${lang === 'ja' ? 'ログアウトしますか？' : 'Log out?'}</h1>
<p>${lang === 'ja' ? `${name ? `${name}から` : ''}鍵屋のログインを終了します。カードや暗証番号には影響しません。` : `This ends your Kagiya login${name ? ` for ${name}` : ''}. Your card and PINs are not affected.`}</p>
${raw(form)}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout" data-testid="logout-yes">${lang === 'ja' ? 'ログアウトする' : 'Log out'}</button>
<button class="secondary" type="submit" form="op.logoutForm" data-testid="logout-no">${lang === 'ja' ? 'ログインしたままにする' : 'Stay logged in'}</button>`;
  ctx.type = 'html';
  ctx.body = (await layout(lang, lang === 'ja' ? 'ログアウト' : 'Log out', null, body)).toString();
}

export async function logoutSuccessPage(ctx: KoaContextWithOIDC) {
  const lang = langOf(ctx);
  const body = html`<h1 data-testid="logged-out">${lang === 'ja' ? 'ログアウトしました' : 'You have logged out'}</h1>
<p>${lang === 'ja' ? 'このブラウザでの鍵屋のログインは終了しました。' : 'Your Kagiya login in this browser has ended.'}</p>`;
  ctx.type = 'html';
  ctx.body = (await layout(lang, lang === 'ja' ? 'ログアウトしました' : 'Logged out', null, body)).toString();
}

export async function providerErrorPage(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }) {
  const lang = langOf(ctx);
  // A protocol error is the relying service's request or an expired step, never the card: say so, show the code small.
  const body = html`<h1>${lang === 'ja' ? 'ログインを続けられませんでした' : 'The login could not continue'}</h1>
<p>${lang === 'ja' ? '利用しようとしたサービスからの要求が正しくないか、ログインの手続きの有効期限が切れました。サービスの画面に戻り、もう一度ログインしてください。カードや暗証番号のロックではありません。' : 'The request from the service was not valid, or the login step expired. Please go back to the service and log in again. This is not a card or PIN lock.'}</p>
<p class="hint">${out.error}${out.error_description ? `: ${out.error_description}` : ''}</p>`;
  ctx.type = 'html';
  ctx.body = (await layout(lang, lang === 'ja' ? 'エラー' : 'Error', null, body)).toString();
}
