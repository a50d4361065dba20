import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { POSTGRES_ENABLED } from '../support/test-db.js';
import { startApps, type Apps } from '../apps/support/apps-server.js';
import { launchBrowser, LANGS, RUN_E2E, snap, watchConsole, type Browser, type Lang } from './support/browser.js';

// e-Tax in Chromium, in Japanese and in English: log in with the card through Kagiya, prepare and sign a return,
// see the signer from the certificate; after a move, the signing certificate is shown revoked, never locked.

const T = {
  ja: { filed: '申告書を受け付けました', revoked: '電子証明書が失効しています', notLock: '暗証番号のロックではありません', title: '確定申告書の作成' },
  en: { filed: 'Your return was filed', revoked: 'The electronic certificate has been revoked', notLock: 'This is not a PIN lock', title: 'Prepare your tax return' },
} as const;

async function logIn(page: Page, apps: Apps, lang: Lang, card: { cardId: string; cardKey: string }, shot: string) {
  await page.goto(`${apps.etax.url}/?lang=${lang}`);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  await page.getByRole('heading', { name: T[lang].title }).waitFor();
  await snap(page, lang, `${shot}-home`);
  await page.getByTestId('login').click();
  await page.locator('#authPin').waitFor();
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
  await page.locator('#cardJson').fill(JSON.stringify(card));
  await page.locator('#authPin').fill(PINS.auth);
  await snap(page, lang, `${shot}-kagiya-login`);
  await page.getByTestId('login-submit').click();
  const allow = page.getByTestId('consent-allow');
  const form = page.locator('#salary');
  await Promise.race([allow.waitFor(), form.waitFor()]);
  if (await allow.isVisible()) await allow.click();
  await form.waitFor();
}

async function prepareAndSign(page: Page, lang: Lang, card: { cardId: string; cardKey: string }, shot: string) {
  await page.locator('#salary').fill('5,000,000');
  await page.locator('#socialInsurance').fill('750000');
  await page.locator('#otherDeductions').fill('40000');
  await page.locator('#withheld').fill('100000');
  await snap(page, lang, `${shot}-form`);
  await page.getByTestId('compute').click();
  await page.getByTestId('balance').waitFor();
  expect(await page.getByTestId('balance').textContent()).toBe(lang === 'ja' ? '34,200円' : '¥34,200');
  await page.locator('#cardFileText').fill(JSON.stringify(card));
  await page.locator('#password').fill(PINS.sign);
  await snap(page, lang, `${shot}-sign`);
  await page.getByTestId('sign').click();
}

describe.runIf(RUN_E2E)('e-Tax in the browser', () => {
  let apps: Apps;
  let browser: Browser | null = null;
  beforeAll(async () => {
    apps = await startApps(POSTGRES_ENABLED ? 'postgres' : 'pglite');
  });
  afterEach(async () => {
    await browser?.close();
    browser = null;
  });
  afterAll(async () => apps?.close());

  for (const lang of LANGS) {
    it(`signs and files a return, then shows the signing certificate revoked after a move (${lang})`, { timeout: 120_000 }, async () => {
      const card = await apps.kagiya.http.newCard({ name: '山田 太郎', address: '埼玉県さいたま市浦和区常盤6丁目4番4号' });
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const seen = watchConsole(page);
      await logIn(page, apps, lang, card, '60-etax');
      await prepareAndSign(page, lang, card, '61-etax');
      await page.getByTestId('filed').waitFor();
      expect(await page.getByRole('heading').first().textContent()).toBe(T[lang].filed);
      expect(await page.getByTestId('signer-name').textContent()).toBe('山田 太郎');
      expect(await page.getByTestId('signer-address').textContent()).toBe('埼玉県さいたま市浦和区常盤6丁目4番4号');
      await page.getByTestId('ocsp-status').waitFor();
      await snap(page, lang, '62-etax-filed');

      // The holder moves: the signing certificate is revoked (DOMAIN.md §2). The filed return is checked again.
      const moved = await apps.kagiya.http.call('POST', `/api/v1/residents/${card.residentId}/move`, {
        body: { address: '埼玉県さいたま市大宮区吉敷町1丁目124番地1', municipalityCode: '111007' },
        headers: apps.kagiya.http.admin,
      });
      expect(moved.status).toBe(200);
      await page.getByTestId('reverify').click();
      const refusal = page.locator('[data-error-code="CERT_REVOKED"]');
      await refusal.waitFor();
      const text = (await refusal.innerText()).replace(/\s+/g, ' ');
      for (const words of [T.ja.revoked, T.ja.notLock, T.en.revoked, T.en.notLock]) expect(text).toContain(words);
      expect(text.indexOf(T.ja.revoked)).toBeLessThan(text.indexOf(T.en.revoked)); // Japanese first
      expect(await page.locator('[data-error-code="PIN_LOCKED"]').count()).toBe(0);
      await snap(page, lang, '63-etax-revoked-after-move');

      // Signing a new return with the revoked certificate: refused by Kagiya as revoked, no try spent.
      await page.goto(`${apps.etax.url}/`);
      await prepareAndSign(page, lang, card, '64-etax-again');
      await page.locator('[data-error-code="CERT_REVOKED"]').waitFor();
      await snap(page, lang, '65-etax-sign-refused-revoked');
      expect((await apps.kagiya.http.status(card)).body.pins.sign.remaining).toBe(5);
      expect(seen.errors).toEqual([]);
    });
  }
});
