import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { POSTGRES_ENABLED } from '../support/test-db.js';
import { JST_NOON, KIOSK_TERMINAL, startApps, type Apps } from '../apps/support/apps-server.js';
import { launchBrowser, LANGS, RUN_E2E, snap, watchConsole, type Browser } from './support/browser.js';

// The convenience-store kiosk in Chromium, in Japanese and in English: the card and its auth PIN on Kagiya's page,
// a 住民票の写し as a PDF, the kiosk's terminal on the attempt; outside 06:30–23:00 JST, the hours, no login.

const T = {
  ja: { menu: '交付する証明書を選んでください', issued: '住民票の写しを交付しました', closed: 'ただいまサービス時間外です' },
  en: { menu: 'Choose a certificate', issued: 'Your residence record was issued', closed: 'The service is closed now' },
} as const;

describe.runIf(RUN_E2E)('convenience-store kiosk in the browser', () => {
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
    it(`issues a 住民票の写し after the card and the auth PIN (${lang})`, { timeout: 120_000 }, async () => {
      apps.setKioskClock(JST_NOON);
      const card = await apps.kagiya.http.newCard({ name: '鈴木 一郎', nameKana: 'スズキ イチロウ', address: '埼玉県さいたま市中央区下落合5丁目7番10号' });
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const seen = watchConsole(page);
      await page.goto(`${apps.kiosk.url}/?lang=${lang}`);
      expect(await page.getByTestId('terminal').textContent()).toBe(KIOSK_TERMINAL);
      await snap(page, lang, '70-kiosk-welcome');
      await page.getByTestId('start').click();
      await page.locator('#authPin').waitFor();
      await page.locator('#cardJson').fill(JSON.stringify(card));
      await page.locator('#authPin').fill(PINS.auth);
      await snap(page, lang, '71-kiosk-kagiya-login');
      await page.getByTestId('login-submit').click();
      const allow = page.getByTestId('consent-allow');
      const issue = page.getByTestId('issue');
      await Promise.race([allow.waitFor(), issue.waitFor()]);
      if (await allow.isVisible()) {
        await snap(page, lang, '72-kiosk-consent');
        await allow.click();
      }
      await issue.waitFor();
      expect(await page.locator('h1').textContent()).toBe(T[lang].menu);
      await snap(page, lang, '73-kiosk-menu');
      await issue.click();
      await page.getByTestId('issued').waitFor();
      expect(await page.locator('h1').textContent()).toBe(T[lang].issued);
      await snap(page, lang, '74-kiosk-issued');

      const href = await page.getByTestId('download').getAttribute('href');
      const pdf = await page.request.get(`${apps.kiosk.url}${href}`);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      const bytes = await pdf.body();
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');

      await page.getByTestId('finish').click();
      await page.getByTestId('start').waitFor();
      const events = (await apps.kagiya.http.events(card)).body.events as Array<Record<string, unknown>>;
      expect(events.find((e) => e.slot === 'auth')).toMatchObject({ result: 'success', channel: 'kiosk', terminal: KIOSK_TERMINAL, service: 'konbini-certificates' });
      expect(seen.errors).toEqual([]);
    });

    it(`shows the service hours and offers no login outside them (${lang})`, { timeout: 60_000 }, async () => {
      apps.setKioskClock(() => new Date(`${JST_NOON().toISOString().slice(0, 10)}T05:45:00+09:00`));
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      await page.goto(`${apps.kiosk.url}/?lang=${lang}`);
      const refusal = page.locator('[data-error-code="OUTSIDE_SERVICE_HOURS"]');
      await refusal.waitFor();
      const text = (await refusal.innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(T.ja.closed);
      expect(text).toContain(T.en.closed);
      expect(text).toContain('6:30');
      expect(await page.getByTestId('start').count()).toBe(0);
      await snap(page, lang, '75-kiosk-closed');
    });
  }
});
