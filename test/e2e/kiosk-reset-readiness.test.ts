import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPortal } from '../../apps/portal/src/server.js';
import { registerRelyingService } from '../../src/app/relying-services.js';
import { PINS } from '../support/factories.js';
import { POSTGRES_ENABLED } from '../support/test-db.js';
import { JST_NOON, KIOSK_TERMINAL, startApps, type Apps } from '../apps/support/apps-server.js';
import { launchBrowser, LANGS, RUN_E2E, snap, watchConsole, type Browser, type Lang } from './support/browser.js';
import { freePort } from './support/portal-server.js';

// The kiosk reset and the readiness check in Chromium, in Japanese and in English (issues 11 and 13): the auth PIN
// is locked, so the holder cannot log in; the portal reserves a reset with the signing password and a face match
// (no login), the kiosk sets the new PIN, the holder logs in with it, and the portal's one button says whether the
// card is ready now and on a date years ahead.

const W = {
  ja: { reserved: '予約しました', done: '新しい暗証番号を設定しました', yes: 'はい。', no: 'いいえ。', expired: '有効期限' },
  en: { reserved: 'Reserved.', done: 'Your new PIN is set', yes: 'Yes.', no: 'No.', expired: 'expired' },
} as const;
const NEW_AUTH_PIN = '6284';

describe.runIf(RUN_E2E)('kiosk reset and readiness check in the browser', () => {
  let apps: Apps;
  let portal: { url: string; close(): Promise<void> };
  let browser: Browser | null = null;

  beforeAll(async () => {
    apps = await startApps(POSTGRES_ENABLED ? 'postgres' : 'pglite');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const registered = await registerRelyingService(apps.kagiya.system.oidc.relyingServiceDeps, { id: 'test-admin', label: 'test admin', role: 'national_admin', municipalityCode: null }, {
      clientId: 'portal',
      nameJa: 'マイナポータル（鍵屋デモ）',
      nameEn: 'Mynaportal (Kagiya demo)',
      redirectUris: [`${base}/callback`],
      postLogoutRedirectUris: [`${base}/`],
      scopes: ['openid', 'kagiya_card', 'kagiya_card_manage'],
    });
    if (!registered.ok) throw new Error(registered.code);
    portal = await startPortal({ port, host: '127.0.0.1', issuer: apps.kagiya.issuer, clientId: 'portal', clientSecret: registered.value.clientSecret });
  }, 120_000);
  afterEach(async () => {
    await browser?.close();
    browser = null;
  });
  afterAll(async () => {
    await portal?.close();
    await apps?.close();
  });

  async function logIn(page: Page, card: { cardId: string; cardKey: string }, pin: string) {
    await page.getByTestId('portal-login').click();
    await page.locator('#authPin').waitFor();
    await page.locator('#cardJson').fill(JSON.stringify({ cardId: card.cardId, cardKey: card.cardKey }));
    await page.locator('#authPin').fill(pin);
    await page.getByTestId('login-submit').click();
    const allow = page.getByTestId('consent-allow');
    const dashboard = page.getByTestId('slot-auth');
    await Promise.race([allow.waitFor(), dashboard.waitFor()]);
    if (await allow.isVisible()) await allow.click();
    await dashboard.waitFor();
  }

  for (const lang of LANGS) {
    it(`reserves a reset in the portal, sets the new PIN at the kiosk, logs in with it and checks readiness (${lang as Lang})`, { timeout: 180_000 }, async () => {
      apps.setKioskClock(JST_NOON);
      const http = apps.kagiya.http;
      const card = await http.newCard();
      for (let i = 0; i < 3; i += 1) await http.verify(card, 'auth', '0000', { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax' });
      expect((await http.status(card)).body.pins.auth.locked).toBe(true);

      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const seen = watchConsole(page);

      // 1. The portal, without logging in (the auth PIN is locked): reserve a reset of the auth PIN.
      await page.goto(`${portal.url}/?lang=${lang}`);
      await page.getByTestId('kiosk-reset-link').click();
      await page.locator('#cardJson').waitFor();
      await page.locator('#slot').selectOption('auth');
      await page.locator('#cardJson').fill(JSON.stringify({ cardId: card.cardId, cardKey: card.cardKey }));
      await page.locator('#otherPin').fill(PINS.sign);
      await page.locator('#faceMatch').selectOption('matched');
      await snap(page, lang, '80-portal-kiosk-reset-form');
      await page.getByTestId('kiosk-reset-reserve').click();
      await page.getByTestId('reserved').waitFor();
      expect(await page.getByTestId('reserved').innerText()).toContain(W[lang].reserved);
      expect(await page.getByTestId('reserved').getAttribute('data-slot')).toBe('auth');
      await snap(page, lang, '81-portal-kiosk-reset-reserved');

      // 2. The kiosk: the card, then the new PIN of the reserved slot.
      await page.goto(`${apps.kiosk.url}/?lang=${lang}`);
      await page.getByTestId('reset-start').click();
      await page.locator('#cardJson').fill(JSON.stringify({ cardId: card.cardId, cardKey: card.cardKey }));
      await snap(page, lang, '82-kiosk-reset-card');
      await page.getByTestId('reset-next').click();
      await page.getByTestId('reset-slot').waitFor();
      expect(await page.getByTestId('reset-slot').getAttribute('data-slot')).toBe('auth');
      // A weak PIN is refused with its rule, and nothing is set.
      await page.locator('#newPin').fill('1234');
      await page.locator('#newPin2').fill('1234');
      await page.getByTestId('reset-set').click();
      await page.locator('[data-error-code="PIN_WEAK"]').waitFor();
      await snap(page, lang, '83-kiosk-reset-weak-pin');
      await page.locator('#newPin').fill(NEW_AUTH_PIN);
      await page.locator('#newPin2').fill(NEW_AUTH_PIN);
      await page.getByTestId('reset-set').click();
      await page.getByTestId('reset-done').waitFor();
      expect(await page.locator('h1').textContent()).toBe(W[lang].done);
      await snap(page, lang, '84-kiosk-reset-done');
      await page.getByTestId('finish').click();
      await page.getByTestId('start').waitFor();

      const events = (await http.events(card)).body.events as Array<Record<string, unknown>>;
      expect(events.find((e) => e.operation === 'kiosk_reset')).toMatchObject({ slot: 'auth', result: 'success', channel: 'kiosk', terminal: KIOSK_TERMINAL });
      expect(events.find((e) => e.operation === 'kiosk_reset_reserved')).toMatchObject({ slot: 'auth', result: 'success', channel: 'portal' });

      // 3. Log in to the portal with the new PIN; one wrong signing password makes a warning for the check.
      await http.verify(card, 'sign', 'WRONG999', { 'x-kagiya-channel': 'pc', 'x-kagiya-service': 'e-tax' });
      await page.goto(`${portal.url}/?lang=${lang}`);
      await logIn(page, card, NEW_AUTH_PIN);
      expect(await page.getByTestId('slot-auth').getAttribute('data-remaining')).toBe('3');
      await snap(page, lang, '85-portal-after-kiosk-reset');
      const before = await http.events(card);

      // 4. The readiness check: today, then a date after the certificates' 5th-birthday expiry.
      await page.getByTestId('readiness-check').click();
      await page.getByTestId('readiness-verdict').waitFor();
      expect(await page.getByTestId('readiness-verdict').getAttribute('data-ready')).toBe('true');
      expect(await page.getByTestId('readiness-verdict').innerText()).toContain(W[lang].yes);
      expect(await page.locator('[data-code="PIN_TRIES_USED"]').count()).toBe(1);
      await snap(page, lang, '86-portal-readiness-today');

      const later = `${new Date().getUTCFullYear() + 6}-06-01`;
      await page.goto(`${portal.url}/`);
      await page.locator('#on').fill(later);
      await page.getByTestId('readiness-check').click();
      await page.getByTestId('readiness-verdict').waitFor();
      expect(await page.getByTestId('readiness-verdict').getAttribute('data-ready')).toBe('false');
      expect(await page.getByTestId('readiness-verdict').innerText()).toContain(W[lang].no);
      expect(await page.locator('[data-code="CERT_EXPIRED"]').count()).toBe(2);
      expect(await page.locator('[data-code="CERT_EXPIRED"]').first().innerText()).toContain(W[lang].expired);
      expect(await page.getByTestId('problem-guidance').first().getAttribute('href')).toContain('/guidance/111007');
      await snap(page, lang, '87-portal-readiness-future');
      // Checking spent nothing and wrote nothing.
      expect((await http.events(card)).body.events).toEqual(before.body.events);
      expect(seen.errors).toEqual([]);
    });
  }
});
