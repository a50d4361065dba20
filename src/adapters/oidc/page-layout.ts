import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Lang } from '../http/error-response.js';

// The provider's own pages (login, consent, logout, errors): plain server-rendered HTML, no script, Japanese first.

export const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'",
};

const STYLE = `
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1d2430;background:#f7f9fb}
header{display:flex;justify-content:space-between;align-items:baseline;border-bottom:3px solid #1f5fa8;margin-bottom:1rem}
header .brand{font-weight:700;color:#1f5fa8}
h1{font-size:1.4rem;margin:.6rem 0}
main{background:#fff;border:1px solid #d5dde6;border-radius:8px;padding:1.2rem 1.4rem}
label{display:block;font-weight:600;margin-top:1rem}
.hint{font-weight:400;color:#4a5668;font-size:.9rem}
input[type=password],input[type=text],textarea{width:100%;box-sizing:border-box;font-size:1.1rem;padding:.45rem;border:1px solid #8d9aab;border-radius:4px}
textarea{font-family:ui-monospace,monospace;font-size:.85rem;height:5.5rem}
button{margin-top:1.2rem;font-size:1.05rem;padding:.55rem 1.4rem;border-radius:6px;border:0;background:#1f5fa8;color:#fff;cursor:pointer}
button.secondary{background:#e4e9ef;color:#1d2430}
.refusal{border-left:6px solid #b3261e;background:#fdf0ef;padding:.8rem 1rem;margin:1rem 0;border-radius:4px}
.refusal.notlock{border-left-color:#8a5a00;background:#fff7e6}
.refusal.ours{border-left-color:#5a6b7d;background:#eef2f6}
.refusal strong{display:block;font-size:1.05rem}
.last-try{border:2px solid #8a5a00;background:#fff7e6;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.last-try legend{font-weight:bold;padding:0 .3rem}
.tries{font-size:1.2rem;font-weight:700}
ul.scopes li{margin:.3rem 0}
footer{margin-top:1.5rem;color:#4a5668;font-size:.85rem}
a{color:#1f5fa8}
`;

export function layout(lang: Lang, title: string, switchHref: string | null, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${raw(STYLE)}</style></head>
<body><header><span class="brand">${lang === 'ja' ? '鍵屋 Kagiya ログイン' : 'Kagiya login'}</span>${
    switchHref ? html`<a href="${switchHref}" data-testid="lang-switch" lang="${lang === 'ja' ? 'en' : 'ja'}">${lang === 'ja' ? 'English' : '日本語'}</a>` : ''
  }</header>
<main>${body}</main>
<footer>${lang === 'ja' ? '鍵屋は暗証番号のロックと、それ以外の理由（証明書の期限切れ・失効、カードの一時停止、システムの不調）を区別してお知らせします。' : 'Kagiya always tells a PIN lock apart from everything else: an expired or revoked certificate, a suspended card, or a fault on our side.'}</footer>
</body></html>`;
}
