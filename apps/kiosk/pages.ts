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
  reset: { ja: '暗証番号の初期化(予約済みの方)', en: 'Reset a PIN (reserved in Mynaportal)' },
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
    ${open ? html`<a class="button" href="/login" data-testid="start">${say(p.lang, W.start)}</a>
    <p><a class="button secondary" href="/reset" data-testid="reset-start">${say(p.lang, W.reset)}</a></p>` : ''}`);
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

const R = {
  title: { ja: '暗証番号の初期化(リセット)', en: 'Reset a PIN' },
  lead: {
    ja: 'マイナポータルで予約した暗証番号の初期化を行います(予約から24時間以内)。カードを置いてください(デモ: カードファイルを貼り付け)。',
    en: 'Set the new PIN you reserved in Mynaportal (within 24 hours of reserving). Place your card (demo: paste the card file).',
  },
  card: { ja: 'カードファイルの内容', en: 'Card file contents' },
  next: { ja: '次へ', en: 'Next' },
  reserved: { ja: '予約されている暗証番号', en: 'Reserved PIN' },
  until: { ja: '予約の有効期限', en: 'Reservation valid until' },
  newPin: { ja: '新しい暗証番号', en: 'New PIN' },
  newPin2: { ja: '新しい暗証番号(確認)', en: 'New PIN again' },
  set: { ja: '設定する', en: 'Set' },
  done: { ja: '新しい暗証番号を設定しました', en: 'Your new PIN is set' },
  doneLead: {
    ja: '残りの入力回数も元に戻りました。すぐにご利用いただけます。終わったら「終了」を押してください。',
    en: 'The tries are restored too; you can use it right away. Press "Finish" when you are done.',
  },
  rules: {
    ja: '同じ数字の繰り返し、連続した数字、生年月日、個人番号の一部、よく使われる番号は設定できません。',
    en: 'Repeated or consecutive digits, your birth date, parts of your My Number and common PINs cannot be set.',
  },
} as const satisfies Record<string, Words>;

export const RESET_SLOT_WORDS: Readonly<Record<'sign' | 'auth', Words>> = {
  sign: { ja: '署名用電子証明書の暗証番号(英数字6〜16文字)', en: 'Signing password (6–16 letters and digits)' },
  auth: { ja: '利用者証明用電子証明書の暗証番号(数字4桁)', en: 'User-authentication PIN (4 digits)' },
};

export function resetCardPage(p: PageCtx, open: boolean, refusal?: Refusal): Html {
  return page(p, R.title, html`
    ${refusal ? refusalBox(refusal) : ''}
    <p>${say(p.lang, R.lead)}</p>
    <p data-testid="hours"><strong>${say(p.lang, W.hours)}</strong></p>
    ${open
      ? html`<form method="post" action="/reset/card" autocomplete="off"><label for="cardJson">${say(p.lang, R.card)}</label>
    <textarea id="cardJson" name="cardJson" spellcheck="false"></textarea>
    <button type="submit" data-testid="reset-next">${say(p.lang, R.next)}</button></form>`
      : ''}`);
}

export function resetPinPage(p: PageCtx, slot: 'sign' | 'auth', expiresAt: string, refusal?: Refusal): Html {
  const until = new Intl.DateTimeFormat(p.lang === 'ja' ? 'ja-JP' : 'en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(expiresAt));
  return page(p, R.title, html`
    ${refusal ? refusalBox(refusal) : ''}
    <dl class="kv"><dt>${say(p.lang, R.reserved)}</dt><dd data-testid="reset-slot" data-slot="${slot}">${say(p.lang, RESET_SLOT_WORDS[slot])}</dd>
    <dt>${say(p.lang, R.until)}</dt><dd>${until}</dd></dl>
    <form method="post" action="/reset/pin" autocomplete="off">
    <label for="newPin">${say(p.lang, R.newPin)}</label><input id="newPin" type="password" name="newPin">
    <label for="newPin2">${say(p.lang, R.newPin2)}</label><input id="newPin2" type="password" name="newPin2">
    <p class="muted">${say(p.lang, R.rules)}</p>
    <button type="submit" data-testid="reset-set">${say(p.lang, R.set)}</button></form>`);
}

export function resetDonePage(p: PageCtx, slot: 'sign' | 'auth'): Html {
  return page(p, R.done, html`
    <div class="ok" data-testid="reset-done" data-slot="${slot}"><p>${say(p.lang, RESET_SLOT_WORDS[slot])}</p><p>${say(p.lang, R.doneLead)}</p></div>
    <form method="post" action="/reset/finish"><button type="submit" data-testid="finish">${say(p.lang, W.finish)}</button></form>`);
}
