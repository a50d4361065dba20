import { html } from 'hono/html';
import { day, type Lang } from './i18n.js';
import type { CardReadiness, KioskResetReservation } from './kagiya-api.js';
import { page } from './layout.js';
import type { Flash } from './pages.js';

// The readiness check's answer and the kiosk-reset reservation, Japanese first. Kagiya states every problem with
// what to do in both languages; the portal shows the reader's and links the municipality's guidance page.

type Top = Parameters<typeof page>[2];

export function readinessSection(lang: Lang, on: string) {
  return html`<section data-testid="readiness-start"><h2>${lang === 'ja' ? '使える状態か確認する(残り回数は減りません)' : 'Check the card is ready (uses no tries)'}</h2>
<p>${lang === 'ja' ? 'e-Taxでの申告、コンビニ交付、マイナポータルに使える状態かを確認します。日付を指定すると、その日に使えるかを確認します(例: 確定申告の時期)。' : 'Checks that the card works for filing with e-Tax, convenience-store certificates and Mynaportal. Give a date to check a day ahead (for example, the tax-filing season).'}</p>
<form method="get" action="/readiness"><label for="on">${lang === 'ja' ? '確認する日(省略すると今日)' : 'Date to check (today if empty)'}</label>
<input id="on" type="date" name="on" value="${on}">
<button class="primary" type="submit" data-testid="readiness-check">${lang === 'ja' ? '確認する' : 'Check'}</button></form></section>`;
}

export function readinessPage(lang: Lang, top: Top, r: CardReadiness, issuer: string) {
  const guidance = `${issuer}${r.guidanceUrl}${lang === 'en' ? '?lang=en' : ''}`;
  const m = lang === 'ja' ? r.municipality.nameJa : r.municipality.nameEn;
  const when = day(new Date(`${r.on}T12:00:00+09:00`).toISOString(), lang);
  const blockers = r.problems.filter((p) => p.severity === 'blocker');
  const warnings = r.problems.filter((p) => p.severity === 'warning');
  const item = (p: CardReadiness['problems'][number]) =>
    html`<li class="slot ${p.severity === 'blocker' ? 'locked' : 'low'}" data-testid="problem" data-code="${p.code}" data-severity="${p.severity}"><strong>${p.message[lang]}</strong>${p.action[lang]}
<a href="${guidance}" data-testid="problem-guidance">${lang === 'ja' ? `${m}の案内` : `${m}: guidance`}</a></li>`;
  return page(
    lang,
    lang === 'ja' ? '使える状態かの確認' : 'Is the card ready?',
    top,
    html`<section><h1>${lang === 'ja' ? `${when}の確認結果` : `Readiness on ${when}`}</h1>
<div class="notice ${r.ready ? 'ok' : 'bad'}" data-testid="readiness-verdict" data-ready="${String(r.ready)}">${
      r.ready
        ? lang === 'ja' ? `はい。${when}は、e-Taxでの申告、コンビニ交付、マイナポータルのすべてに使える状態です。` : `Yes. On ${when} the card works for e-Tax filing, convenience-store certificates and Mynaportal.`
        : lang === 'ja' ? `いいえ。${when}に使えないものがあります。下の一覧と対処方法をご確認ください。` : `No. Something will not work on ${when}. See the list below and what to do.`
    }</div>
<table><tr><th>${lang === 'ja' ? '用途' : 'For'}</th><th>${lang === 'ja' ? '使えるか' : 'Ready'}</th></tr>
${r.services.map((s) => html`<tr data-testid="service" data-service="${s.service}" data-ready="${String(s.ready)}"><td>${s.name[lang]}</td><td>${s.ready ? (lang === 'ja' ? '使えます' : 'Yes') : lang === 'ja' ? '使えません' : 'No'}</td></tr>`)}</table>
${blockers.length > 0 ? html`<h2>${lang === 'ja' ? '使えない理由と対処方法' : 'What stops it, and what to do'}</h2><ul>${blockers.map(item)}</ul>` : ''}
${warnings.length > 0 ? html`<h2>${lang === 'ja' ? '注意' : 'Worth knowing'}</h2><ul>${warnings.map(item)}</ul>` : ''}
<p class="muted">${lang === 'ja' ? 'この確認では暗証番号を入力しないため、残り回数は減りません。' : 'No PIN is entered for this check, so no try is used.'}</p>
<p><a href="/">${lang === 'ja' ? 'トップへ戻る' : 'Back'}</a></p></section>`,
  );
}

export function kioskResetPage(lang: Lang, top: Top, flash: Flash | null, done: KioskResetReservation | null) {
  const t = (ja: string, en: string) => (lang === 'ja' ? ja : en);
  return page(
    lang,
    t('暗証番号の初期化(リセット)の予約', 'Reserve a PIN reset'),
    top,
    html`<section><h1>${t('暗証番号の初期化(リセット)の予約', 'Reserve a PIN reset')}</h1>
${flash ? html`<div class="notice ${flash.kind}" data-testid="flash" data-code="${flash.code ?? ''}">${flash.text}</div>` : ''}
${done
  ? html`<div class="notice ok" data-testid="reserved" data-slot="${done.slot}">${t(
      `予約しました。${day(done.expiresAt, lang)} ${new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', timeStyle: 'short' }).format(new Date(done.expiresAt))}までに、コンビニ等の端末(6:30〜23:00)で新しい暗証番号を設定してください。`,
      `Reserved. Set the new PIN at a kiosk (6:30–23:00) before ${day(done.expiresAt, lang)} ${new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', timeStyle: 'short' }).format(new Date(done.expiresAt))} (Japan time).`,
    )}</div>`
  : ''}
<p>${t(
      '署名用または利用者証明用の暗証番号を忘れた・ロックされた場合、もう一方の暗証番号が分かれば、窓口に行かずに初期化できます。カード、もう一方の暗証番号、顔認証で予約し、24時間以内にコンビニ等の端末で新しい暗証番号を設定します。両方の電子証明書が有効である必要があります。',
      'If you forgot the signing password or the user-authentication PIN, or it is locked, and you know the other one, you can reset it without a counter visit: reserve with the card, the other PIN and a face match, then set the new PIN at a kiosk within 24 hours. Both certificates must be valid.',
    )}</p>
<form method="post" action="/kiosk-reset" autocomplete="off">
<label for="slot">${t('初期化する暗証番号', 'PIN to reset')}</label>
<select id="slot" name="slot"><option value="sign">${t('署名用電子証明書の暗証番号(英数字6〜16文字)', 'Signing password (6–16 letters and digits)')}</option><option value="auth">${t('利用者証明用電子証明書の暗証番号(数字4桁)', 'User-authentication PIN (4 digits)')}</option></select>
<label for="cardJson">${t('カードファイルの内容(カードが手元にあることの確認)', 'Card file contents (proves the card is in your hands)')}</label>
<textarea id="cardJson" name="cardJson" spellcheck="false"></textarea>
<label for="otherPin">${t('もう一方の電子証明書の暗証番号(1回分の入力として数えます)', "The other certificate's PIN (counts as one entry)")}</label><input id="otherPin" type="password" name="otherPin">
<label for="faceMatch">${t('顔認証の結果(デモ: スマートフォンの顔認証の代わり)', 'Face match result (demo: stands in for the phone face match)')}</label>
<select id="faceMatch" name="faceMatch"><option value="matched">${t('本人と一致', 'Matched')}</option><option value="not_matched">${t('一致しない', 'Not matched')}</option></select>
${flash?.code === 'LAST_TRY_CONFIRMATION_REQUIRED' ? html`<fieldset class="last-try" data-testid="last-try"><legend>${t('もう一方の暗証番号は残り1回です', 'The other PIN has one try left')}</legend>
<p>${t('間違えるとロックされ、両方の暗証番号がロックされた状態ではコンビニでの初期化はできなくなります(窓口での再設定が必要です)。', 'If it is wrong, it locks, and with both PINs locked the kiosk reset is no longer possible (the counter must reset them).')}</p>
<label><input type="checkbox" name="confirmLastTry" value="yes" data-testid="last-try-confirm"> ${t('残り1回であることを確認し、この入力で照合します', 'I understand this is the last try; check this entry')}</label></fieldset>` : ''}
<button class="primary" type="submit" data-testid="kiosk-reset-reserve">${t('予約する', 'Reserve')}</button></form>
<p><a href="/">${t('トップへ戻る', 'Back')}</a></p></section>`,
  );
}
