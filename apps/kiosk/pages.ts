// Kiosk screens: large type, one action per screen, as on a store's multi-copy machine.

import { html } from 'hono/html';
import { layout, refusalBox, say, type Html, type Lang, type Words } from '../shared/page.js';
import type { Refusal } from '../shared/refusal.js';
import { CLOSES, OPENS } from './service-hours.js';

export const SERVICE: Words = { ja: 'コンビニ交付(行政サービス)デモ', en: 'Convenience-store certificates (demo)' };
const ACCENT = '#0b6e4f';
const hours = `${OPENS.hour}:${String(OPENS.minute).padStart(2, '0')}〜${CLOSES.hour}:${String(CLOSES.minute).padStart(2, '0')}`;

const W = {
  welcome: { ja: '証明書の交付', en: 'Certificates' },
  lead: {
    ja: 'マイナンバーカードで住民票の写しを交付します。利用者証明用電子証明書の暗証番号(数字4桁)を入力してください。',
    en: 'Get a copy of your residence record (住民票の写し) with your My Number Card. You will enter your user-authentication PIN (4 digits).',
  },
  hours: { ja: `ご利用時間: 毎日 ${hours}(日本時間)`, en: `Open daily ${hours} (Japan time)` },
  terminal: { ja: '端末番号', en: 'Terminal' },
  start: { ja: 'マイナンバーカードで始める', en: 'Start with my My Number Card' },
  menu: { ja: '交付する証明書を選んでください', en: 'Choose a certificate' },
  juminhyo: { ja: '住民票の写し(本人分・1通)', en: 'Copy of residence record (yourself, 1 copy)' },
  juminhyoLead: {
    ja: '個人番号(マイナンバー)は記載されません。',
    en: 'Your My Number is not printed.',
  },
  issue: { ja: '交付する', en: 'Issue' },
  issued: { ja: '住民票の写しを交付しました', en: 'Your residence record was issued' },
  issuedLead: { ja: 'お取り忘れにご注意ください。終わったら「終了」を押してください。', en: 'Please take your certificate. Press "Finish" when you are done.' },
  download: { ja: '住民票の写し(PDF)', en: 'Residence record (PDF)' },
  number: { ja: '交付番号', en: 'Certificate number' },
  finish: { ja: '終了', en: 'Finish' },
} as const satisfies Record<string, Words>;

type PageCtx = Readonly<{ lang: Lang; path: string; signedIn: boolean; terminal: string }>;
const page = (p: PageCtx, title: Words, body: Html) =>
  layout({
    ...p,
    service: SERVICE,
    title,
    accent: ACCENT,
    body: html`${body}<p class="muted">${say(p.lang, W.terminal)}: <span data-testid="terminal">${p.terminal}</span></p>`,
  });

export function welcomePage(p: PageCtx, open: boolean, refusal?: Refusal): Html {
  return page(p, W.welcome, html`
    ${refusal ? refusalBox(refusal) : ''}
    <p>${say(p.lang, W.lead)}</p>
    <p data-testid="hours"><strong>${say(p.lang, W.hours)}</strong></p>
    ${open ? html`<a class="button" href="/login" data-testid="start">${say(p.lang, W.start)}</a>` : ''}`);
}

export function menuPage(p: PageCtx, refusal?: Refusal): Html {
  return page(p, W.menu, html`
    ${refusal ? refusalBox(refusal) : ''}
    <h2>${say(p.lang, W.juminhyo)}</h2>
    <p>${say(p.lang, W.juminhyoLead)}</p>
    <form method="post" action="/certificates/juminhyo"><button type="submit" data-testid="issue">${say(p.lang, W.issue)}</button></form>`);
}

export function issuedPage(p: PageCtx, number: string): Html {
  return page(p, W.issued, html`
    <div class="ok" data-testid="issued"><p>${say(p.lang, W.issuedLead)}</p></div>
    <dl class="kv"><dt>${say(p.lang, W.number)}</dt><dd data-testid="certificate-number">${number}</dd></dl>
    <p><a class="button secondary" href="/certificates/${number}.pdf" data-testid="download">${say(p.lang, W.download)}</a></p>
    <form method="post" action="/logout"><button type="submit" data-testid="finish">${say(p.lang, W.finish)}</button></form>`);
}
