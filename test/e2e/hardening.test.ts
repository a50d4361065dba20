import { describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { label, LANGS, RUN_E2E, snap, watchConsole } from './support/browser.js';
import { useConsoleSuite } from './support/suite.js';
import { signIn } from './support/flows.js';

// Issue #6 items 8–13 in Chromium, in both languages: the rough edges a clerk or a resident met.
const PEOPLE = {
  ja: { a: { name: '木村 直子', nameKana: 'キムラ ナオコ' }, b: { name: '林 正樹', nameKana: 'ハヤシ マサキ' }, c: { name: '森 由美', nameKana: 'モリ ユミ' } },
  en: { a: { name: '池田 恵', nameKana: 'イケダ メグミ' }, b: { name: '石川 大輔', nameKana: 'イシカワ ダイスケ' }, c: { name: '前田 香', nameKana: 'マエダ カオリ' } },
} as const;
const BACKTICK = /`/;
const RAW_SLOT = /\b(auth|sign|assist|juki)\b/;
const RAW_SERVICE = /\b(e-tax|konbini-certificates)\b/;

describe.runIf(RUN_E2E)('hardening: the console, the PIN pad and the public pages read cleanly', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    const t = (key: Parameters<typeof label>[1]) => label(lang, key);

    it(`start page, HTML 404, guidance page without research notes (${lang})`, { timeout: 60_000 }, async () => {
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const logs = watchConsole(page);
      const base = suite.server.base;

      // 12: `/` is a page linking the console, the guidance pages and the API document.
      await page.goto(`${base}/?lang=${lang}`);
      await page.getByTestId('link-console').waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await page.getByTestId('guidance-links').locator('a').count()).toBeGreaterThanOrEqual(5);
      expect(await page.getByTestId('link-api').getAttribute('href')).toBe('/api/openapi.json');
      expect(await page.textContent('body')).not.toContain('"error"');
      await snap(page, lang, 'h01-start-page');

      // 12: an unknown public path is an HTML 404 for a browser, in the language asked for; JSON for an API client.
      const missing = await page.goto(`${base}/no-such-page?lang=${lang}`);
      expect(missing!.status()).toBe(404);
      expect(missing!.headers()['content-type']).toContain('text/html');
      await page.getByRole('heading', { name: lang === 'ja' ? 'ページが見つかりません' : 'Page not found' }).waitFor();
      await snap(page, lang, 'h02-not-found');
      const api = await fetch(`${base}/no-such-page`);
      expect(api.status).toBe(404);
      expect((await api.json()).error.code).toBe('NOT_FOUND');

      // 2: a NUL in the guidance address is the caller's mistake (400), shown as a page, never "our system is busy".
      const nul = await page.goto(`${base}/guidance/%00?lang=${lang}`);
      expect(nul!.status()).toBe(400);
      expect(await page.textContent('body')).not.toMatch(/混み合って|busy/);

      // 9: the public page shows what a resident needs, not the research behind the policy.
      await page.goto(`${base}/guidance/111007?lang=${lang}`);
      const body = (await page.textContent('body')) ?? '';
      for (const internal of ['仮定', '体験記', '見当たらなかった', 'assumed', 'user report', 'research']) expect(body).not.toContain(internal);
      expect(body).toContain(lang === 'ja' ? 'マイナンバーカードのほかに本人確認書類' : 'bring an ID document besides your My Number Card');
      // A photo employee ID is class B, and class B is no longer called "without photo".
      const classB = (await page.locator('p', { hasText: lang === 'ja' ? 'B：' : 'B: ' }).first().textContent()) ?? '';
      expect(classB).toContain(lang === 'ja' ? '写真付き社員証' : 'employee ID with photo');
      expect(classB).not.toMatch(lang === 'ja' ? /^B：顔写真のない本人確認書類/ : /^B: ID without photo/);
      await snap(page, lang, 'h03-guidance');
      expect(logs.errors).toEqual([]);
    });

    it(`diagnosis verdicts agree with the table, in words, in Japan time (${lang})`, { timeout: 90_000 }, async () => {
      const http = suite.server.http;
      // 8: two wrong entries, then the right PIN, the same day.
      const healthy = await http.newCard(PEOPLE[lang].a);
      const phone = { 'x-kagiya-channel': 'kiosk', 'x-kagiya-service': 'konbini-certificates', 'x-kagiya-terminal': 'store 0421' };
      await http.verify(healthy, 'auth', '0000', phone);
      await http.verify(healthy, 'auth', '0000', { ...phone, 'x-kagiya-service': 'e-tax', 'x-kagiya-channel': 'smartphone' });
      expect((await http.verify(healthy, 'auth', PINS.auth, phone)).status).toBe(200);
      // 10: a card suspended on a loss reported by phone (the reason as staff typed it, in English).
      const suspended = await http.newCard(PEOPLE[lang].b);
      await http.call('POST', `/api/v1/cards/${suspended.cardId}/suspend`, { body: { reason: 'loss reported by phone' }, headers: http.admin });

      const clerk = await suite.server.newClerk(`clerk.hardening.${lang}`, lang === 'ja' ? '窓口 二郎' : 'Second Clerk');
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const logs = watchConsole(page);
      await signIn(page, suite.server.base, lang, clerk, 'h04-sign-in');

      await page.goto(`${suite.server.base}/counter/cards/${healthy.cardId}`);
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      const text = (await verdict.textContent()) ?? '';
      const attempts = (await page.getByTestId('attempts').textContent()) ?? '';
      // Two wrong entries are in the table; the verdict, to the minute, never denies them.
      expect(attempts.match(new RegExp(label(lang, 'result_incorrect'), 'g'))?.length).toBe(2);
      expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      expect(text).toMatch(lang === 'ja' ? /日本時間/ : /JST/);
      expect(text).not.toMatch(lang === 'ja' ? /\d{4}-\d{2}-\d{2}以降、誤った/ : /no wrong PIN has been recorded since \d{4}-\d{2}-\d{2}\./);
      // 13: every time in the table is labelled Japan time.
      expect(attempts).toContain('JST');
      // 10: services by name, refusal codes in words, no raw ids or backticks.
      expect(attempts).toContain(lang === 'ja' ? 'コンビニ交付' : 'convenience-store certificates');
      expect(attempts).not.toMatch(RAW_SERVICE);
      expect(attempts).not.toContain('PIN_INCORRECT');
      expect(text).not.toMatch(BACKTICK);
      if (lang === 'en') expect(text).not.toMatch(RAW_SLOT);
      await snap(page, lang, 'h05-diagnosis-healthy');

      await page.goto(`${suite.server.base}/counter/cards/${suspended.cardId}`);
      await page.getByTestId('verdict').waitFor();
      const suspendedText = (await page.getByTestId('verdict').textContent()) ?? '';
      // The staff's English words never sit inside a Japanese verdict.
      if (lang === 'ja') expect(suspendedText).not.toMatch(/[A-Za-z]{3,}/);
      expect(suspendedText).toContain(lang === 'ja' ? '紛失の届出（電話）' : 'a loss reported by phone');
      expect(suspendedText).not.toMatch(BACKTICK);
      await snap(page, lang, 'h06-diagnosis-suspended');
      expect(logs.errors).toEqual([]);
    });

    it(`PIN pad: weak PINs refused as entered, the link survives a reload, another resident's card is named as such (${lang})`, { timeout: 120_000 }, async () => {
      const http = suite.server.http;
      const holder = await suite.server.lockedCard(PEOPLE[lang].c);
      const stranger = await http.newCard();
      const clerk = await suite.server.newClerk(`clerk.pad.${lang}`, lang === 'ja' ? '窓口 三郎' : 'Third Clerk');
      const browser = await suite.launch();
      const { context } = browser;
      const page = await context.newPage();
      const logs = watchConsole(page);
      await signIn(page, suite.server.base, lang, clerk, 'h07-sign-in');

      await page.goto(`${suite.server.base}/counter/cards/${holder.cardId}/reset`);
      await page.getByRole('button', { name: t('openProcedure') }).click();
      await page.getByTestId('rule-text').waitFor();
      await page.locator('[data-doc="holder_card"]').check();
      await page.locator('[data-doc="driving_licence"]').check();
      await page.getByRole('button', { name: t('recordDocuments') }).click();

      // 11: another resident's card at the card step: the clerk is told, in their words, not the resident's.
      await page.getByLabel(t('cardId'), { exact: true }).fill(stranger.cardId);
      await page.getByLabel(t('cardKey'), { exact: true }).fill(stranger.cardKey);
      await page.getByRole('button', { name: t('presentCard') }).click();
      const refused = page.locator('[data-error-code="CARD_REJECTED"]');
      await refused.waitFor();
      const refusal = (await refused.textContent()) ?? '';
      expect(refusal).toContain(t('errorFor_CARD_REJECTED_OTHER_HOLDER'));
      expect(refusal).not.toContain('CARD_REJECTED');
      await snap(page, lang, 'h08-card-other-holder');
      await page.getByLabel(t('cardId'), { exact: true }).fill(holder.cardId);
      await page.getByLabel(t('cardKey'), { exact: true }).fill(holder.cardKey);
      await page.getByRole('button', { name: t('presentCard') }).click();

      await page.getByTestId('open-pin-pad').click();
      const link = page.getByTestId('pin-pad-link');
      await link.waitFor();
      const href = await link.getAttribute('href');
      // 11: a reload of the staff page keeps the PIN pad's link; the procedure need not start again.
      await page.reload();
      await page.getByTestId('pin-pad-link').waitFor();
      expect(await page.getByTestId('pin-pad-link').getAttribute('href')).toBe(href);
      // 13: the pad's expiry is labelled Japan time.
      expect(await page.locator('.pad-open').textContent()).toContain('JST');
      await snap(page, lang, 'h09-pad-link-after-reload');

      const [pad] = await Promise.all([context.waitForEvent('page'), page.getByTestId('pin-pad-link').click()]);
      const padLogs = watchConsole(pad);
      await pad.getByTestId('pad-ok').waitFor();
      // 11: 1111 is refused at the first entry, in words (no raw PIN_WEAK), and never reaches the confirmation.
      for (let round = 0; round < 2; round += 1) {
        for (const d of '1111') await pad.locator(`.keypad [data-key="${d}"]`).click();
        await pad.getByTestId('pad-ok').click();
        await pad.getByTestId('pad-notice').waitFor();
        expect(await pad.locator('section[data-slot]').getAttribute('data-phase')).toBe('first');
      }
      const notice = (await pad.getByTestId('pad-notice').textContent()) ?? '';
      expect(notice).toContain(t('padChooseAgain'));
      expect(notice).toContain(t('weak_REPEATED'));
      expect((await pad.textContent('body')) ?? '').not.toContain('PIN_WEAK');
      await snap(pad, lang, 'h10-pad-weak-at-entry');
      expect([...logs.errors, ...padLogs.errors]).toEqual([]);
    });
  }
});
