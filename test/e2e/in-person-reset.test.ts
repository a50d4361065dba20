import { describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { label, LANGS, RUN_E2E, snap, watchConsole } from './support/browser.js';
import { useConsoleSuite } from './support/suite.js';
import { padDigits, padText, signIn } from './support/flows.js';

// A holder whose `auth` PIN the smartphone app locked comes to the counter: the clerk signs in, finds her, sees
// the lock in the diagnosis, and re-sets `auth` and `sign` the same day; she types the new PINs at the customer pad.
const RESIDENTS = {
  ja: { name: '佐藤 花子', nameKana: 'サトウ ハナコ', birthDate: '1972-11-03', sex: 'female' },
  en: { name: '鈴木 美香', nameKana: 'スズキ ミカ', birthDate: '1985-02-17', sex: 'female' },
} as const;
const NEW_AUTH = '4829';
const NEW_SIGN = 'KAGI7Q3X';

describe.runIf(RUN_E2E)('counter console: in-person re-setting through the customer PIN pad', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    it(`diagnoses a locked card and re-sets it at the pad (${lang})`, { timeout: 120_000 }, async () => {
      const t = (key: Parameters<typeof label>[1]) => label(lang, key);
      const resident = RESIDENTS[lang];
      const card = await suite.server.lockedCard(resident);
      const clerk = await suite.server.newClerk(`clerk.reset.${lang}`, lang === 'ja' ? '窓口 一郎' : 'Counter Clerk');
      const browser = await suite.launch();
      const { context } = browser;
      const page = await context.newPage();
      const logs = watchConsole(page);

      await signIn(page, suite.server.base, lang, clerk, '01-sign-in', { wrongCodeFirst: true });
      await snap(page, lang, '02-search');

      await page.getByLabel(t('nameQuery'), { exact: true }).fill(resident.nameKana.split(' ')[0]!);
      await page.getByRole('button', { name: t('search'), exact: true }).first().click();
      const results = page.getByTestId('resident-results');
      await results.getByText(resident.name).waitFor();
      expect(await results.textContent()).toContain('****');
      await snap(page, lang, '03-results');

      await results.locator(`[data-card-id="${card.cardId}"]`).click();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      expect(await verdict.textContent()).toMatch(lang === 'ja' ? /ロック/ : /locked/i);
      expect(await page.locator('[data-slot="auth"]').getAttribute('data-locked')).toBe('true');
      // Services by name, never by id (issue #6).
      expect(await page.getByTestId('attempts').textContent()).toContain('e-Tax');
      expect(await page.getByTestId('attempts').textContent()).not.toContain('e-tax');
      await snap(page, lang, '04-diagnosis');

      await page.getByTestId('start-reset').click();
      const authBox = page.locator('input[name="slots"][value="auth"]');
      await authBox.waitFor();
      expect(await authBox.isChecked()).toBe(true);
      await page.locator('input[name="slots"][value="sign"]').check();
      await snap(page, lang, '05-start');
      await page.getByRole('button', { name: t('openProcedure') }).click();

      // The checklist follows Saitama's policy: the card alone is not enough.
      await page.getByTestId('rule-text').waitFor();
      expect(await page.getByTestId('rule-text').textContent()).toContain(lang === 'ja' ? '（A）1点' : '1 of class A');
      await page.locator('[data-doc="holder_card"]').check();
      await page.getByRole('button', { name: t('recordDocuments') }).click();
      const missing = page.locator('[data-error-code="DOCUMENTS_MISSING"]');
      await missing.waitFor();
      expect(await missing.textContent()).toContain(lang === 'ja' ? '必要です' : 'Still needed');
      await snap(page, lang, '06-documents-missing');
      await page.locator('[data-doc="driving_licence"]').check();
      await page.getByRole('button', { name: t('recordDocuments') }).click();

      await page.getByLabel(t('cardKey'), { exact: true }).waitFor();
      expect(await page.getByLabel(t('cardId'), { exact: true }).inputValue()).toBe(card.cardId);
      await page.getByLabel(t('cardKey'), { exact: true }).fill(card.cardKey);
      await snap(page, lang, '07-card');
      await page.getByRole('button', { name: t('presentCard') }).click();

      await page.getByTestId('open-pin-pad').click();
      const link = page.getByTestId('pin-pad-link');
      await link.waitFor();
      expect(await link.getAttribute('href')).toMatch(/^\/counter\/pinpad\/[A-Za-z0-9_-]{20,}$/);
      await snap(page, lang, '08-pin-pad-open');
      const firstHref = await link.getAttribute('href');

      // Ten weak PINs close the holder's screen (sent here straight to the pad's API): the clerk's screen, which
      // polls, says why and no longer offers the dead link.
      const firstToken = firstHref!.split('/').pop()!;
      for (let i = 0; i < 10; i += 1) await suite.server.http.call('POST', `/api/v1/pinpad/${firstToken}/check`, { body: { slot: 'auth', pin: '1111' } });
      const closedNotice = page.getByTestId('pin-pad-closed');
      await closedNotice.waitFor({ timeout: 20_000 });
      expect(await closedNotice.getAttribute('data-state')).toBe('closed_weak_pins');
      expect(await closedNotice.textContent()).toContain(lang === 'ja' ? '10回' : '10 times');
      expect(await link.count()).toBe(0);
      expect((await page.getByTestId('reopen-pin-pad').textContent())?.trim()).toBe(t('openNewPinPad'));
      await snap(page, lang, '08a-pin-pad-closed-weak');

      // The clerk opens a new pad: the link is back with a new address, and the old address stays closed.
      await page.getByTestId('reopen-pin-pad').click();
      await link.waitFor();
      expect(await closedNotice.count()).toBe(0);
      await page.waitForFunction((old) => document.querySelector('[data-testid="pin-pad-link"]')?.getAttribute('href') !== old, firstHref);
      expect(await link.getAttribute('href')).toMatch(/^\/counter\/pinpad\/[A-Za-z0-9_-]{20,}$/);
      const stale = await context.newPage();
      await stale.goto(`${suite.server.base}${firstHref}`);
      await stale.getByText(t('padExpired')).waitFor();
      await snap(stale, lang, '08b-old-pad-closed');
      await stale.close();

      // The holder's screen: a new window, no staff login.
      const [pad] = await Promise.all([context.waitForEvent('page'), link.click()]);
      const padLogs = watchConsole(pad);
      await pad.setViewportSize({ width: 900, height: 1100 });
      await pad.getByText(resident.name).waitFor();
      // The language chosen at the console (kept in localStorage) carries over to the pad.
      expect(await pad.locator('.pad-brand').textContent()).toContain(t('padTitle'));
      await snap(pad, lang, '09-pad');
      // A weak PIN is refused as it is entered, before it is confirmed (issue #6): the holder chooses again.
      for (const d of '1234') await pad.locator(`.keypad [data-key="${d}"]`).click();
      await pad.getByTestId('pad-ok').click();
      await pad.getByTestId('pad-notice').waitFor();
      expect(await pad.getByTestId('pad-notice').textContent()).toContain(t('padChooseAgain'));
      expect(await pad.locator('section[data-slot]').getAttribute('data-phase')).toBe('first');
      expect(await pad.locator('section[data-slot]').getAttribute('data-slot')).toBe('auth');
      await snap(pad, lang, '10-pad-weak');
      await padDigits(pad, NEW_AUTH);
      await padText(pad, NEW_SIGN);
      await snap(pad, lang, '11-pad-review');
      await pad.getByTestId('pad-submit').click();
      await pad.getByTestId('pad-done').waitFor();
      await snap(pad, lang, '12-pad-done');
      await pad.close();

      // The clerk's screen notices by itself.
      await page.getByTestId('procedure-done').waitFor({ timeout: 20_000 });
      await snap(page, lang, '13-done');

      expect((await suite.server.http.verify(card, 'auth', NEW_AUTH)).status).toBe(200);
      expect((await suite.server.http.verify(card, 'sign', NEW_SIGN)).status).toBe(200);
      expect((await suite.server.http.verify(card, 'assist', PINS.assist)).status).toBe(200);

      await page.getByRole('button', { name: t('signOut') }).click();
      await page.getByRole('heading', { name: t('signInTitle') }).waitFor();
      expect([...logs.errors, ...padLogs.errors]).toEqual([]);
    });
  }
});
