import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { ErrorCode } from '../../domain/errors.js';
import { ERROR_MESSAGES } from '../../domain/errors.js';
import { HTTP_STATUS, pickLang, type Lang } from './error-response.js';

// Pages a person opens in a browser outside the console: the start page at `/` and the HTML answer to an unknown or
// malformed address. Their words live here, Japanese first, English second (the console's are in web/src/i18n).

const WORDS = {
  ja: {
    title: '鍵屋 Kagiya',
    lead: 'マイナンバーカードの暗証番号・電子証明書・窓口手続を扱うシステムです。',
    console: '窓口コンソール（職員用）',
    consoleHint: '暗証番号の再設定、カードの診断、照会書。職員のログインが必要です。',
    guidance: '暗証番号の再設定のご案内（市区町村別）',
    api: 'API の説明（OpenAPI）',
    apiHint: '開発者向け。JSON 形式の API 定義です。',
    health: '稼働状況',
    other: 'English',
    notFoundTitle: 'ページが見つかりません',
    badRequestTitle: 'このアドレスは正しくありません',
    home: '鍵屋のトップへ',
  },
  en: {
    title: 'Kagiya',
    lead: 'PINs, certificates and counter procedures of the My Number Card.',
    console: 'Counter console (staff)',
    consoleHint: 'PIN re-setting, card diagnosis, inquiry letters. Staff sign-in required.',
    guidance: 'How to re-set your PINs (by municipality)',
    api: 'API description (OpenAPI)',
    apiHint: 'For developers: the API definition in JSON.',
    health: 'Service status',
    other: '日本語',
    notFoundTitle: 'Page not found',
    badRequestTitle: 'This address is not valid',
    home: "Kagiya's start page",
  },
} as const;

const STYLE = `body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:44rem;margin:2.5rem auto;padding:0 1rem;line-height:1.7;color:#1b2533}
h1{font-size:1.6rem;border-bottom:3px solid #1f5fa8;padding-bottom:.4rem}h2{font-size:1.1rem;margin-top:1.6rem;color:#1f5fa8}
a{color:#1f5fa8}ul{padding-left:1.2rem}li{margin:.3rem 0}.hint{color:#5b6575;font-size:.92rem}.lang{float:right}`;

const langOf = (c: Context): Lang => pickLang(c.req.header('accept-language'), c.req.query('lang'));

/** A browser asks for HTML first; API clients and curl do not. */
export function wantsHtml(c: Context): boolean {
  if (c.req.path.startsWith('/api/')) return false;
  const accept = c.req.header('accept') ?? '';
  return /text\/html/i.test(accept) && !/^application\/json/i.test(accept);
}

type Municipality = Readonly<{ code: string; nameJa: string; nameEn: string }>;

export function landingPage(c: Context, municipalities: readonly Municipality[]) {
  const lang = langOf(c);
  const w = WORDS[lang];
  const name = (m: Municipality) => (lang === 'ja' ? m.nameJa : m.nameEn);
  return c.html(
    html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${w.title}</title><link rel="icon" href="/counter/favicon.svg"><style>${raw(STYLE)}</style></head>
<body>
<a class="lang" href="/?lang=${lang === 'ja' ? 'en' : 'ja'}">${w.other}</a>
<h1>${w.title}</h1>
<p>${w.lead}</p>
<h2><a href="/counter/" data-testid="link-console">${w.console}</a></h2>
<p class="hint">${w.consoleHint}</p>
<h2>${w.guidance}</h2>
<ul data-testid="guidance-links">${raw(municipalities.map((m) => html`<li><a href="/guidance/${m.code}?lang=${lang}">${name(m)}</a></li>`).join(''))}</ul>
<h2><a href="/api/openapi.json" data-testid="link-api">${w.api}</a></h2>
<p class="hint">${w.apiHint}</p>
<p class="hint"><a href="/readyz">${w.health}</a></p>
</body></html>`,
    200,
    { 'Cache-Control': 'no-cache' },
  );
}

/** An error as a small page for a browser: the same code and message as the JSON answer, and a way home. */
export function errorPage(c: Context, code: ErrorCode) {
  const lang = langOf(c);
  const w = WORDS[lang];
  const status = HTTP_STATUS[code];
  const title = status === 404 ? w.notFoundTitle : w.badRequestTitle;
  return c.html(
    html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${w.title}</title><style>${raw(STYLE)}</style></head>
<body data-error-code="${code}">
<h1>${title}</h1>
<p>${ERROR_MESSAGES[code][lang]}</p>
<p><a href="/?lang=${lang}">${w.home}</a></p>
</body></html>`,
    status as 400,
    { 'Cache-Control': 'no-store' },
  );
}
