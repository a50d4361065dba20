// Server-rendered pages of the small relying services: one layout, Japanese first (English on request),
// every value escaped by hono/html, no script, a strict Content-Security-Policy.

import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ErrorMessage } from '../../src/domain/errors.js';
import { HTTP_STATUS } from '../../src/adapters/http/error-response.js';
import { detailLines, messageOf, type Refusal, type ServiceCode } from './refusal.js';

export type Lang = 'ja' | 'en';
export type Words = ErrorMessage;
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** ?lang= switches and is remembered; otherwise Japanese (DESIGN.md: Japanese first). */
export function langOf(c: Context): Lang {
  const asked = c.req.query('lang');
  if (asked === 'ja' || asked === 'en') {
    setCookie(c, 'lang', asked, { path: '/', sameSite: 'Lax', httpOnly: true });
    return asked;
  }
  return getCookie(c, 'lang') === 'en' ? 'en' : 'ja';
}

export const say = (lang: Lang, w: Words) => w[lang];

const SERVICE_STATUS: Readonly<Record<ServiceCode, number>> = {
  OUTSIDE_SERVICE_HOURS: 409,
  KAGIYA_UNREACHABLE: 503,
  LOGIN_FAILED: 401,
  LOGIN_REQUIRED: 401,
  CARD_FILE_INVALID: 400,
  SIGNATURE_INVALID: 422,
  CERT_UNTRUSTED: 422,
  CERT_STATUS_UNAVAILABLE: 503,
  CERT_STATUS_UNKNOWN: 422,
  NOT_A_SIGNING_CERTIFICATE: 422,
  FORM_INVALID: 400,
  SESSION_EXPIRED: 410,
  PIN_CONFIRMATION_MISMATCH: 400,
};

export function statusOf(r: Refusal): 400 | 401 | 403 | 404 | 409 | 410 | 422 | 423 | 500 | 503 {
  return (HTTP_STATUS as Record<string, number>)[r.code] !== undefined
    ? (HTTP_STATUS as Record<string, 400 | 401 | 403 | 404 | 409 | 410 | 423 | 500 | 503>)[r.code]!
    : (SERVICE_STATUS as Record<string, 400 | 401 | 409 | 410 | 422 | 503>)[r.code] ?? 500;
}

/** A refusal in both languages, Japanese first, with the code as data for tests (never shown as text). */
export function refusalBox(r: Refusal): Html {
  const m = messageOf(r);
  const lines = detailLines(r);
  return html`<section class="refusal" role="alert" data-error-code="${r.code}">
    <p lang="ja" class="primary">${m.ja}</p>
    ${lines.map((l) => html`<p lang="ja" class="detail">${l.ja}</p>`)}
    <p lang="en" class="secondary">${m.en}</p>
    ${lines.map((l) => html`<p lang="en" class="detail">${l.en}</p>`)}
  </section>`;
}

export type LayoutInput = Readonly<{
  lang: Lang;
  service: Words;
  title: Words;
  body: Html;
  path: string;
  accent: string;
  signedIn?: boolean;
}>;

export function layout(p: LayoutInput): Html {
  const other: Lang = p.lang === 'ja' ? 'en' : 'ja';
  const sep = p.path.includes('?') ? '&' : '?';
  return html`<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${say(p.lang, p.title)} — ${say(p.lang, p.service)}</title>
<style>${raw(css(p.accent))}</style>
</head>
<body>
<header>
  <a class="brand" href="/">${say(p.lang, p.service)}</a>
  <nav>
    ${p.signedIn ? html`<form method="post" action="/logout"><button class="link" type="submit" data-testid="logout">${p.lang === 'ja' ? 'ログアウト' : 'Sign out'}</button></form>` : ''}
    <a data-testid="lang-switch" href="${p.path}${sep}lang=${other}">${other === 'en' ? 'English' : '日本語'}</a>
  </nav>
</header>
<main>
<h1>${say(p.lang, p.title)}</h1>
${p.body}
</main>
<footer>${p.lang === 'ja' ? 'この画面は鍵屋(Kagiya)のデモ用サービスです。' : 'A demonstration service of Kagiya.'}</footer>
</body>
</html>`;
}

/** Sends a page with a policy that allows no script at all and forms only to ourselves. */
export function sendPage(c: Context, page: Html, status: number = 200) {
  c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.html(page, status as 200);
}

function css(accent: string): string {
  return `
:root { --accent: ${accent}; --ink: #1d232b; --muted: #5b6572; --line: #d8dde3; --bg: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "BIZ UDPGothic", "Noto Sans CJK JP", "Hiragino Sans", sans-serif; color: var(--ink); background: var(--bg); line-height: 1.7; }
header { display: flex; justify-content: space-between; align-items: center; padding: 12px 24px; background: var(--accent); color: #fff; }
header a, header .link { color: #fff; }
.brand { font-weight: bold; font-size: 1.15rem; text-decoration: none; }
nav { display: flex; gap: 16px; align-items: center; }
nav form { margin: 0; }
main { max-width: 860px; margin: 24px auto; padding: 24px 32px; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
h1 { font-size: 1.5rem; margin-top: 0; }
h2 { font-size: 1.15rem; margin-top: 1.6em; border-bottom: 2px solid var(--accent); padding-bottom: 4px; }
footer { text-align: center; color: var(--muted); font-size: .85rem; padding: 16px; }
label { display: block; font-weight: bold; margin-top: 12px; }
.hint { font-weight: normal; color: var(--muted); font-size: .9rem; }
input[type=text], input[type=password], input[type=number], textarea { width: 100%; padding: 8px 10px; font-size: 1rem; border: 1px solid #9aa4b1; border-radius: 4px; font-family: inherit; }
textarea { min-height: 5em; font-family: ui-monospace, monospace; font-size: .85rem; }
button, .button { display: inline-block; margin-top: 16px; padding: 10px 22px; font-size: 1rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; font-family: inherit; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
button.link { background: none; padding: 0; margin: 0; text-decoration: underline; font-size: 1rem; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; }
td.yen { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eef1f5; width: 45%; }
.refusal { border: 2px solid #b3261e; background: #fdf1f0; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.refusal p { margin: 4px 0; }
.refusal .primary { font-weight: bold; }
.refusal .secondary { color: #5a1d1a; }
.refusal .detail { font-size: .95rem; }
.last-try { border: 2px solid #8a5a00; background: #fff7e6; border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
.ok { border: 2px solid #1b6e3a; background: #eff8f1; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.muted { color: var(--muted); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.kv dt { font-weight: bold; }
dl.kv dd { margin: 0; }
`;
}
