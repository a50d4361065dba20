import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Lang } from './i18n.js';

type Body = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;margin:0;line-height:1.7;color:#1d2430;background:#f4f7f9}
.top{background:#0f4c81;color:#fff;padding:.6rem 1.2rem;display:flex;justify-content:space-between;align-items:center;gap:1rem}
.top a,.top button{color:#fff}
.top form{display:inline}
.top button{background:transparent;border:1px solid #fff;border-radius:4px;padding:.2rem .8rem;cursor:pointer;font-size:.95rem}
.wrap{max-width:56rem;margin:1.5rem auto;padding:0 1rem}
section{background:#fff;border:1px solid #d5dde6;border-radius:8px;padding:1rem 1.3rem;margin-bottom:1.2rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}
h2{font-size:1.15rem;margin:.2rem 0 .8rem;color:#0f4c81}
.slot{border-left:6px solid #2e7d32;padding:.4rem .9rem;margin:.6rem 0;background:#f3faf3}
.slot.low{border-left-color:#b26a00;background:#fff8ec}
.slot.locked{border-left-color:#b3261e;background:#fdf0ef}
.slot.absent{border-left-color:#8d9aab;background:#f4f6f8}
.slot strong{display:block}
.notice{border-left:6px solid #8a5a00;background:#fff7e6;padding:.6rem .9rem;margin:.6rem 0}
.notice.ok{border-left-color:#2e7d32;background:#f3faf3}
.notice.bad{border-left-color:#b3261e;background:#fdf0ef}
.last-try{border:2px solid #8a5a00;background:#fff7e6;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid #e1e7ee;padding:.35rem .4rem;text-align:left;vertical-align:top}
tr.fail td{background:#fdf3f2}
label{display:block;font-weight:600;margin-top:.7rem}
input[type=password],select,textarea{font-size:1rem;padding:.35rem;border:1px solid #8d9aab;border-radius:4px;width:100%;box-sizing:border-box;max-width:28rem}
textarea{font-family:ui-monospace,monospace;font-size:.85rem;height:4.5rem}
button.primary{margin-top:1rem;font-size:1.05rem;padding:.5rem 1.3rem;border-radius:6px;border:0;background:#0f4c81;color:#fff;cursor:pointer}
button.danger{background:#b3261e}
.muted{color:#4a5668;font-size:.9rem}
a{color:#0f4c81}
`;

export function page(lang: Lang, title: string, top: Body | string, body: Body) {
  return html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${raw(STYLE)}</style></head>
<body><div class="top">${top}</div><div class="wrap">${body}</div></body></html>`;
}
