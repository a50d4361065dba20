import type { OpenAPIHono } from '@hono/zod-openapi';
import { html, raw } from 'hono/html';
import { jstMinute } from '../../domain/notification.js';
import { pickLang } from './error-response.js';
import { errorJson, type Env } from './http-context.js';
import { errorPage, wantsHtml } from './public-pages.js';

// The development mailbox (/dev/mailbox): with demo data and no SMTP server, notifications are not e-mailed; this
// page shows what would have been sent, newest first. It does not exist in any other configuration (404).

const WORDS = {
  ja: {
    title: '開発用メールボックス',
    lead: 'SMTP サーバーが設定されていないため、通知はメールで送らずここに表示します（デモデータ使用時のみ）。',
    empty: 'まだ通知はありません。',
    to: '宛先',
    noAddress: '（メールアドレス未登録のため送信なし）',
    at: '作成',
    status: '状態',
    other: 'English',
    statuses: { queued: '送信待ち', sent: '配信済み', failed: '送信失敗', no_address: '宛先なし' },
  },
  en: {
    title: 'Development mailbox',
    lead: 'No SMTP server is configured, so notifications are shown here instead of being e-mailed (demo data only).',
    empty: 'No notifications yet.',
    to: 'To',
    noAddress: '(no e-mail address registered; not sent)',
    at: 'Created',
    status: 'Status',
    other: '日本語',
    statuses: { queued: 'waiting', sent: 'delivered', failed: 'failed', no_address: 'no address' },
  },
} as const;

const STYLE = `body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#1b2533}
h1{font-size:1.5rem;border-bottom:3px solid #1f5fa8;padding-bottom:.4rem}.lang{float:right}.lead{color:#5b6575}
article{border:1px solid #d5dbe3;border-radius:6px;margin:1rem 0;padding:.6rem 1rem}h2{font-size:1.02rem;margin:.2rem 0 .4rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:0 0 .5rem;font-size:.9rem}dt{color:#5b6575}dd{margin:0}
pre{white-space:pre-wrap;font-family:inherit;background:#f5f7fa;padding:.6rem;border-radius:4px;margin:0}`;

export function registerMailboxPage(app: OpenAPIHono<Env>) {
  app.get('/dev/mailbox', async (c) => {
    const mailbox = c.var.deps.mailbox;
    if (!mailbox) return wantsHtml(c) ? errorPage(c, 'NOT_FOUND') : errorJson(c, 'NOT_FOUND');
    const lang = pickLang(c.req.header('accept-language'), c.req.query('lang'));
    const w = WORDS[lang];
    const items = await mailbox.list(100);
    return c.html(
      html`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${w.title} — 鍵屋 Kagiya</title><style>${raw(STYLE)}</style></head>
<body>
<a class="lang" href="?lang=${lang === 'ja' ? 'en' : 'ja'}">${w.other}</a>
<h1>${w.title}</h1>
<p class="lead">${w.lead}</p>
${items.length === 0 ? html`<p>${w.empty}</p>` : ''}
${items.map(
  (n) => html`<article data-kind="${n.kind}" data-status="${n.status}">
<h2>${n.subject}</h2>
<dl><dt>${w.to}</dt><dd>${n.recipient ?? w.noAddress}</dd>
<dt>${w.at}</dt><dd>${jstMinute(n.createdAt)} JST</dd>
<dt>${w.status}</dt><dd>${w.statuses[n.status]}</dd></dl>
<pre>${n.body}</pre>
</article>`,
)}
</body></html>`,
      200,
      { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
    );
  });
}
