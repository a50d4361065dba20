import { html } from 'hono/html';
import type { CardEvent } from './history.js';
import { attemptsBySource, failuresSinceLastSuccess } from './history.js';
import {
  CARD_STATES,
  CERT_NAMES,
  CERT_STATES,
  CHANNEL_NAMES,
  day,
  name,
  OPERATION_NAMES,
  RESULT_NAMES,
  SERVICE_NAMES,
  SLOT_NAMES,
  when,
  type Lang,
} from './i18n.js';
import type { HolderCard, Refusal } from './kagiya-api.js';
import type { HolderClientReports } from '../../shared/kagiya-api-types.js';
import { page } from './layout.js';
import { readinessSection } from './readiness-pages.js';

const T = {
  ja: {
    title: 'マイナポータル（鍵屋デモ）',
    switch: 'English',
    login: 'マイナンバーカードでログイン',
    logout: 'ログアウト',
    lead: 'カードの暗証番号の残り回数、電子証明書の有効期限、誰がいつどこで暗証番号を入力したかを確認できます。確認しても残り回数は減りません。',
    card: 'カードの状態',
    cardExpires: 'カードの有効期限',
    pins: '暗証番号の残り回数',
    certs: '電子証明書',
    who: '誰が入力回数を使ったか',
    since: '最後に成功してからの失敗',
    noFailures: '最後に成功してから、失敗はありません。',
    bySource: 'サービス・経路ごとの入力',
    history: '入力の履歴（新しい順）',
    change: '暗証番号の変更',
    lost: 'カードの紛失の届出（一時停止）',
    guidance: 'お住まいの市区町村の案内',
    loggedOut: 'ログアウトしました。',
    expiredSession: 'ログインの有効期限が切れました。もう一度ログインしてください。',
  },
  en: {
    title: 'Mynaportal (Kagiya demo)',
    switch: '日本語',
    login: 'Log in with your My Number Card',
    logout: 'Log out',
    lead: "See how many tries each PIN has left, when your certificates expire, and who entered your PINs, when and where. Looking uses no tries.",
    card: 'Your card',
    cardExpires: 'Card expiry',
    pins: 'Tries left on each PIN',
    certs: 'Electronic certificates',
    who: 'Who used your tries',
    since: 'Failures since the last success',
    noFailures: 'No failures since the last success.',
    bySource: 'Entries by service and channel',
    history: 'Attempt history (newest first)',
    change: 'Change a PIN',
    lost: 'Report the card lost (suspend it)',
    guidance: "Your municipality's guidance",
    loggedOut: 'You have logged out.',
    expiredSession: 'Your login has expired. Please log in again.',
  },
} as const;

export type Flash = Readonly<{ kind: 'ok' | 'bad'; text: string; code?: string }>;

const other = (lang: Lang): Lang => (lang === 'ja' ? 'en' : 'ja');

export function topBar(lang: Lang, loggedIn: boolean) {
  return html`<strong>${T[lang].title}</strong><span><a href="/?lang=${other(lang)}" data-testid="lang-switch">${T[lang].switch}</a>
${loggedIn ? html` <form method="post" action="/logout"><button type="submit" data-testid="logout">${T[lang].logout}</button></form>` : ''}</span>`;
}

export function landingPage(lang: Lang, flash: Flash | null) {
  return page(
    lang,
    T[lang].title,
    topBar(lang, false),
    html`<section><h1>${T[lang].title}</h1>
${flash ? html`<div class="notice ${flash.kind}" data-testid="flash">${flash.text}</div>` : ''}
<p>${T[lang].lead}</p>
<form method="get" action="/login"><input type="hidden" name="lang" value="${lang}"><button class="primary" type="submit" data-testid="portal-login">${T[lang].login}</button></form>
<p><a href="/kiosk-reset" data-testid="kiosk-reset-link">${lang === 'ja' ? '暗証番号を忘れた・ロックされた(もう一方の電子証明書の暗証番号が分かる場合): 初期化を予約する' : 'Forgot a PIN or it is locked (and you know the other certificate PIN)? Reserve a reset'}</a></p></section>`,
  );
}

/** Kagiya's refusal in the reader's language, with the details that make it precise. */
export function refusalText(lang: Lang, r: Refusal): string {
  const slot = typeof r.slot === 'string' ? name(SLOT_NAMES, r.slot, lang) : null;
  const remaining = typeof r.remaining === 'number' ? r.remaining : null;
  const head =
    r.code === 'PIN_INCORRECT' && remaining !== null
      ? lang === 'ja' ? `${slot ?? '暗証番号'}が違います。残り${remaining}回です。` : `Wrong ${slot ?? 'PIN'}: ${remaining} ${remaining === 1 ? 'try' : 'tries'} left.`
      : r.code === 'PIN_LOCKED' && slot
        ? lang === 'ja' ? `${slot}はロックされています。` : `${slot} is locked.`
        : '';
  return `${head}${head ? ' ' : ''}${r.messages[lang]}`;
}

function slotBlock(lang: Lang, card: HolderCard, slot: 'auth' | 'sign' | 'assist' | 'juki', guidance: string) {
  const s = card.pins[slot];
  const label = name(SLOT_NAMES, slot, lang);
  if (!s) {
    return html`<div class="slot absent" data-testid="slot-${slot}" data-state="absent"><strong>${label}</strong>${lang === 'ja' ? 'このカードにはありません（15歳未満などで署名用電子証明書が搭載されていない場合）。' : 'Not on this card (for example, no signing certificate for under-15s).'}</div>`;
  }
  if (s.locked) {
    const since = s.lockedAt ? day(s.lockedAt, lang) : '';
    const m = lang === 'ja' ? card.municipality.nameJa : card.municipality.nameEn;
    return html`<div class="slot locked" data-testid="slot-${slot}" data-state="locked" data-remaining="0"><strong>${label}</strong>
${lang === 'ja' ? `ロックされています${since ? `（${since}から）` : ''}。正しい暗証番号を入力しても解除されません。${m}の窓口で再設定してください（無料）。` : `Locked${since ? ` since ${since}` : ''}. Entering the right PIN will not unlock it. Have it reset at the ${m} counter (free).`}
<a href="${guidance}" data-testid="guidance-${slot}">${lang === 'ja' ? `${m}の再設定の案内（持ち物・受付時間）` : `${m}: how to reset (what to bring, hours)`}</a></div>`;
  }
  const used = s.max - s.remaining;
  return html`<div class="slot ${s.remaining === 1 ? 'low' : ''}" data-testid="slot-${slot}" data-state="ok" data-remaining="${s.remaining}"><strong>${label}</strong>
${lang === 'ja' ? `あと${s.remaining}回入力できます（${s.max}回中）。ロックされていません。` : `${s.remaining} of ${s.max} tries left. Not locked.`}
${used > 0 ? (lang === 'ja' ? `最後に成功してから${used}回間違えています。次に正しく入力すると${s.max}回に戻ります。` : `${used} wrong ${used === 1 ? 'entry' : 'entries'} since the last success; the next right entry restores all ${s.max}.`) : ''}</div>`;
}

/** A security hold on online use: why, since when, how it ends. Never worded as a lock (DOMAIN.md §3). */
function holdNotice(lang: Lang, card: HolderCard) {
  const hold = card.riskHold;
  if (!hold) return '';
  return html`<div class="notice warn" data-testid="risk-hold" data-rule="${hold.rule}">${
    lang === 'ja'
      ? `このカードのオンラインでの利用は、${when(hold.heldAt, lang)}からセキュリティ上の理由で保留中です（${hold.explanation.ja}）。暗証番号のロックではありません。残り回数も減っていません。心当たりがあれば、ログアウトしてログイン画面で「これらの入力は私自身によるものです」を選んでログインし直すと解除されます。心当たりがなければ、お住まいの市区町村の窓口にご相談ください。`
      : `Online use of this card has been on a security hold since ${when(hold.heldAt, lang)}: ${hold.explanation.en}. This is not a PIN lock and no try was used. If the entries were yours, log out and log in again, ticking "These entries were mine" on the login page, to release it. If not, ask your municipal office counter.`
  }</div>`;
}

const REMIND_DAYS = 90;

function certBlock(lang: Lang, card: HolderCard, kind: 'auth' | 'sign', now: Date, guidance: string) {
  const c = card.certificates[kind];
  const label = name(CERT_NAMES, kind, lang);
  const state = name(CERT_STATES, c.status, lang);
  const left = c.notAfter ? Math.floor((new Date(c.notAfter).getTime() - now.getTime()) / 86_400_000) : null;
  const remind = c.status === 'valid' && left !== null && left <= REMIND_DAYS;
  const bad = c.status !== 'valid' && c.status !== 'absent';
  return html`<div class="slot ${bad ? 'locked' : remind ? 'low' : c.status === 'absent' ? 'absent' : ''}" data-testid="cert-${kind}" data-state="${c.status}"><strong>${label}: ${state}</strong>
${c.notAfter && c.status === 'valid' ? (lang === 'ja' ? `有効期限：${day(c.notAfter, lang)}。` : `Valid until ${day(c.notAfter, lang)}.`) : ''}
${c.statusChangedAt && (c.status === 'revoked' || c.status === 'suspended') ? (lang === 'ja' ? `${day(c.statusChangedAt, lang)}から。` : `Since ${day(c.statusChangedAt, lang)}.`) : ''}
${remind ? html`<span data-testid="renewal-${kind}">${lang === 'ja' ? `有効期限まであと${left}日です。期限の3か月前から、お住まいの市区町村の窓口で更新できます（無料）。` : `It expires in ${left} days. You can renew it at your municipal counter from three months before (free).`}</span>` : ''}
${c.status === 'revoked' && kind === 'sign' ? (lang === 'ja' ? '転居などで氏名・住所・生年月日・性別が変わると失効します。窓口で新しい電子証明書の発行を申請してください。' : 'It is revoked when your name, address, birth date or sex changes (moving house, for example). Apply for a new one at the counter.') : ''}
${bad ? html` <a href="${guidance}">${T[lang].guidance}</a>` : ''}</div>`;
}

function eventRow(lang: Lang, e: CardEvent) {
  const failed = e.result === 'incorrect' || e.result === 'pending';
  return html`<tr class="${failed ? 'fail' : ''}" data-testid="event" data-result="${e.result}"><td>${when(e.occurredAt, lang)}</td><td>${name(OPERATION_NAMES, e.operation, lang)}</td><td>${e.slot ? name(SLOT_NAMES, e.slot, lang).replace(/（.*|\s\(.*/, '') : '—'}</td><td>${name(RESULT_NAMES, e.result, lang)}${e.remainingAfter !== null && e.slot ? (lang === 'ja' ? `（残り${e.remainingAfter}回）` : ` (${e.remainingAfter} left)`) : ''}</td><td data-testid="event-service">${name(SERVICE_NAMES, e.service, lang, lang === 'ja' ? '記録なし' : 'not recorded')}</td><td>${name(CHANNEL_NAMES, e.channel, lang, lang === 'ja' ? '記録なし' : 'not recorded')}</td><td>${e.terminal ?? '—'}</td></tr>`;
}

const HEAD = { ja: ['日時', '操作', '暗証番号', '結果', 'サービス', '経路', '端末'], en: ['When', 'What', 'PIN', 'Result', 'Service', 'Channel', 'Terminal'] };

export function dashboardPage(input: { lang: Lang; card: HolderCard; events: readonly CardEvent[]; clientReports?: HolderClientReports | null; issuer: string; flash: Flash | null; now: Date }) {
  const { lang, card, events, issuer, now } = input;
  const t = T[lang];
  const guidance = `${issuer}${card.guidanceUrl}${lang === 'en' ? '?lang=en' : ''}`;
  const slots = (['auth', 'sign', 'assist', 'juki'] as const);
  const failureLists = slots.map((slot) => ({ slot, failures: failuresSinceLastSuccess(events, slot) })).filter((f) => f.failures.length > 0);
  const lastTrySlots = slots.filter((s) => card.pins[s]?.remaining === 1);
  return page(
    lang,
    t.title,
    topBar(lang, true),
    html`${input.flash ? html`<div class="notice ${input.flash.kind}" data-testid="flash" data-code="${input.flash.code ?? ''}">${input.flash.text}</div>` : ''}
${readinessSection(lang, '')}
<section><h2>${t.card}</h2><p data-testid="card-state" data-state="${card.status}">${name(CARD_STATES, card.status, lang)} — ${t.cardExpires}: ${day(card.expiresAt, lang)}</p>${holdNotice(lang, card)}</section>
<section><h2>${t.pins}</h2>${slots.map((s) => slotBlock(lang, card, s, guidance))}</section>
<section><h2>${t.certs}</h2>${certBlock(lang, card, 'auth', now, guidance)}${certBlock(lang, card, 'sign', now, guidance)}</section>
<section data-testid="who-spent"><h2>${t.who}</h2>
<h3>${t.since}</h3>
${failureLists.length === 0 ? html`<p data-testid="no-failures">${t.noFailures}</p>` : failureLists.map((f) => html`<div data-testid="failures-${f.slot}"><strong>${name(SLOT_NAMES, f.slot, lang)}: ${lang === 'ja' ? `${f.failures.length}回` : `${f.failures.length}`}</strong><ul>${f.failures.map((e) => html`<li>${when(e.occurredAt, lang)} — ${name(SERVICE_NAMES, e.service, lang, lang === 'ja' ? 'サービス記録なし' : 'service not recorded')} / ${name(CHANNEL_NAMES, e.channel, lang, lang === 'ja' ? '経路記録なし' : 'channel not recorded')}${e.terminal ? ` / ${e.terminal}` : ''}</li>`)}</ul></div>`)}
<h3>${t.bySource}</h3>
<table><tr><th>${HEAD[lang][4]}</th><th>${HEAD[lang][5]}</th><th>${lang === 'ja' ? '入力' : 'Entries'}</th><th>${lang === 'ja' ? '失敗' : 'Failures'}</th></tr>
${attemptsBySource(events).map((r) => html`<tr data-testid="source"><td>${name(SERVICE_NAMES, r.service, lang, lang === 'ja' ? '記録なし' : 'not recorded')}</td><td>${name(CHANNEL_NAMES, r.channel, lang, lang === 'ja' ? '記録なし' : 'not recorded')}</td><td>${r.attempts}</td><td>${r.failures}</td></tr>`)}</table>
${clientReportsBlock(lang, input.clientReports ?? null)}
<h3>${t.history}</h3>
<table data-testid="history"><tr>${HEAD[lang].map((h) => html`<th>${h}</th>`)}</tr>${events.map((e) => eventRow(lang, e))}</table></section>
<section><h2>${t.change}</h2>
<form method="post" action="/pin-change" autocomplete="off">
<label for="slot">${lang === 'ja' ? '変更する暗証番号' : 'PIN to change'}</label>
<select id="slot" name="slot">${slots.filter((s) => card.pins[s]).map((s) => html`<option value="${s}">${name(SLOT_NAMES, s, lang)}</option>`)}</select>
<label for="cardJson">${lang === 'ja' ? 'カードファイルの内容（カードが手元にあることの確認）' : 'Card file contents (proves the card is in your hands)'}</label>
<textarea id="cardJson" name="cardJson" spellcheck="false"></textarea>
<label for="currentPin">${lang === 'ja' ? '現在の暗証番号（1回分の入力として数えます）' : 'Current PIN (counts as one entry)'}</label><input id="currentPin" type="password" name="currentPin">
<label for="newPin">${lang === 'ja' ? '新しい暗証番号' : 'New PIN'}</label><input id="newPin" type="password" name="newPin">
<label for="newPin2">${lang === 'ja' ? '新しい暗証番号（確認）' : 'New PIN again'}</label><input id="newPin2" type="password" name="newPin2">
${lastTrySlots.length > 0 ? html`<fieldset class="last-try" data-testid="last-try"><legend>${lang === 'ja' ? `残り1回の暗証番号があります：${lastTrySlots.map((s) => name(SLOT_NAMES, s, lang)).join('、')}` : `One try left: ${lastTrySlots.map((s) => name(SLOT_NAMES, s, lang)).join(', ')}`}</legend>
<p>${lang === 'ja' ? 'この暗証番号の変更では、現在の暗証番号を間違えるとロックされ、窓口での再設定が必要になります。自信がない場合は変更せず、窓口で再設定してください。' : 'Changing this PIN: if the current PIN is wrong, it locks and must be reset at the counter. If you are not sure of it, have it reset at the counter instead.'}</p>
<label><input type="checkbox" name="confirmLastTry" value="yes" data-testid="last-try-confirm"> ${lang === 'ja' ? '残り1回であることを確認し、この入力で照合します' : 'I understand this is the last try; check this entry'}</label></fieldset>` : ''}
<button class="primary" type="submit" data-testid="pin-change">${lang === 'ja' ? '変更する' : 'Change'}</button></form>
<p class="muted">${lang === 'ja' ? 'ロックされた暗証番号は変更できません。窓口での再設定が必要です。' : 'A locked PIN cannot be changed online; it must be reset at the counter.'}</p>
<p><a href="/kiosk-reset" data-testid="kiosk-reset-link">${lang === 'ja' ? '署名用・利用者証明用の暗証番号は、もう一方が分かればコンビニ等の端末で初期化できます(予約する)' : 'Reset the signing or authentication PIN at a kiosk if you know the other one (reserve)'}</a></p></section>
<section><h2>${t.lost}</h2>
${card.status === 'active' ? html`<p>${lang === 'ja' ? 'カードをなくした場合、すぐに一時停止できます。一時停止中はカードも電子証明書も使えません。見つかったら窓口で解除できます。' : 'If you lost the card, suspend it now. While suspended, neither the card nor its certificates can be used. If you find it, the counter lifts the suspension.'}</p>
<form method="post" action="/report-lost"><label><input type="checkbox" name="confirm" value="yes" required> ${lang === 'ja' ? 'カードを紛失したので一時停止します' : 'I lost my card: suspend it'}</label>
<button class="primary danger" type="submit" data-testid="report-lost">${lang === 'ja' ? '一時停止する' : 'Suspend'}</button></form>` : html`<p>${name(CARD_STATES, card.status, lang)}</p>`}</section>
<section><h2>${t.guidance}</h2><p><a href="${guidance}" data-testid="guidance">${lang === 'ja' ? `${card.municipality.nameJa}：暗証番号の再設定・電子証明書の更新の案内` : `${card.municipality.nameEn}: resetting PINs and renewing certificates`}</a></p></section>`,
  );
}

/** What apps reported they showed the holder, and where that disagrees with the card's record (issue 11). */
function clientReportsBlock(lang: Lang, r: HolderClientReports | null) {
  if (!r || r.reports.length === 0) return '';
  const ja = lang === 'ja';
  const counts = ja
    ? `アプリからの報告 ${r.reports.length}件（記録と一致 ${r.tally.agrees}件、不一致 ${r.tally.mismatch}件、こちら側の障害 ${r.tally.outage}件）`
    : `${r.reports.length} reports from apps (${r.tally.agrees} match the record, ${r.tally.mismatch} contradict it, ${r.tally.outage} our outage)`;
  return html`<h3>${ja ? 'アプリが表示した内容とカードの記録' : "What apps showed, beside the card's record"}</h3>
${r.mismatch ? html`<div class="notice" data-testid="client-mismatch">${r.mismatch.text[lang]}</div>` : ''}
<p data-testid="client-report-counts">${counts}</p>`;
}

export function problemPage(lang: Lang, text: string, status: string) {
  return page(lang, T[lang].title, topBar(lang, false), html`<section><div class="notice bad" data-testid="problem" data-code="${status}">${text}</div><p><a href="/">${lang === 'ja' ? 'トップへ戻る' : 'Back to the start'}</a></p></section>`);
}

export const WORDS = T;
