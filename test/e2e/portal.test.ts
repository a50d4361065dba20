import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PINS } from '../support/factories.js';
import { launchBrowser, LANGS, RUN_E2E, snap, watchConsole, type Browser, type Lang } from './support/browser.js';
import { startPortalStack, type PortalStack } from './support/portal-server.js';

// The resident portal and Kagiya's login screen in Chromium, in both languages: login, a wrong PIN with tries left,
// a locked auth slot with the holder's municipality's guidance, a revoked signing certificate, who spent the tries.

type Card = { residentId: string; cardId: string; cardKey: string };

const W = {
  ja: { login: 'マイナンバーカードでログイン', wrong: '残り2回', locked: 'ロックされています', notLock: '暗証番号のロックではありません', revoked: '失効', portal: 'マイナポータル', etax: 'e-Tax', phone: 'スマートフォン', left: 'あと3回' },
  en: { login: 'Log in with your My Number Card', wrong: '2 tries left', locked: 'is locked', notLock: 'not a PIN lock', revoked: 'Revoked', portal: 'Mynaportal', etax: 'e-Tax', phone: 'Smartphone', left: '3 of 3 tries left' },
} as const;

describe.runIf(RUN_E2E)('resident portal and card login (browser)', () => {
  let stack: PortalStack;
  let browser: Browser | null = null;

  beforeAll(async () => {
    stack = await startPortalStack();
  });
  afterAll(async () => stack?.close());
  afterEach(async () => {
    await browser?.close();
    browser = null;
  });

  async function openPortal(lang: Lang): Promise<{ page: Page; seen: ReturnType<typeof watchConsole> }> {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const seen = watchConsole(page);
    await page.goto(`${stack.portal.url}/?lang=${lang}`);
    await page.getByTestId('portal-login').click();
    await page.locator('#authPin').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    return { page, seen };
  }

  async function enterCard(page: Page, card: Card, pin: string, how: 'paste' | 'upload' = 'paste') {
    const json = JSON.stringify({ cardId: card.cardId, cardKey: card.cardKey });
    if (how === 'upload') {
      const file = join(mkdtempSync(join(tmpdir(), 'kagiya-card-')), 'card.json');
      writeFileSync(file, json);
      await page.locator('#cardFile').setInputFiles(file);
      await page.locator('#cardJson').fill('');
    } else {
      await page.locator('#cardJson').fill(json);
    }
    await page.locator('#authPin').fill(pin);
    await page.getByTestId('login-submit').click();
  }

  async function consentIfAsked(page: Page) {
    await page.waitForLoadState();
    if (await page.getByTestId('consent-allow').count()) {
      await page.getByTestId('consent-allow').click();
    }
    await page.getByTestId('slot-auth').waitFor();
  }

  for (const lang of LANGS) {
    const w = W[lang];

    it(`logs in to the portal with the card file and shows every slot in plain words (${lang})`, { timeout: 90_000 }, async () => {
      const card = await stack.kagiya.http.newCard();
      const { page, seen } = await openPortal(lang);
      await snap(page, lang, 'portal-01-login-page');
      await enterCard(page, card, PINS.auth, 'upload');
      await page.getByTestId('consent-scopes').waitFor();
      await snap(page, lang, 'portal-02-consent');
      await consentIfAsked(page);
      expect(await page.getByTestId('slot-auth').getAttribute('data-remaining')).toBe('3');
      expect(await page.getByTestId('slot-auth').innerText()).toContain(w.left);
      expect(await page.getByTestId('cert-sign').getAttribute('data-state')).toBe('valid');
      // The login itself is in the history, with the portal as the service.
      expect(await page.getByTestId('history').innerText()).toContain(w.portal);
      await snap(page, lang, 'portal-03-dashboard');
      await page.getByTestId('logout').click();
      await page.getByTestId('logout-yes').click();
      await page.getByTestId('portal-login').waitFor();
      await snap(page, lang, 'portal-04-logged-out');
      expect(seen.errors).toEqual([]);
    });

    it(`says how many tries are left after a wrong PIN, then lets the right one in (${lang})`, { timeout: 90_000 }, async () => {
      const card = await stack.kagiya.http.newCard();
      const { page } = await openPortal(lang);
      await enterCard(page, card, '0000');
      const refusal = page.getByTestId('refusal');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-error-code')).toBe('PIN_INCORRECT');
      expect(await refusal.getAttribute('data-remaining')).toBe('2');
      expect(await refusal.innerText()).toContain(w.wrong);
      await snap(page, lang, 'portal-10-wrong-pin');
      // A malformed PIN spends nothing, and says so.
      await enterCard(page, card, '12');
      await refusal.waitFor();
      expect(await page.getByTestId('refusal').getAttribute('data-error-code')).toBe('PIN_FORMAT');
      await snap(page, lang, 'portal-11-malformed-pin');
      await enterCard(page, card, PINS.auth);
      await consentIfAsked(page);
      expect(await page.getByTestId('slot-auth').getAttribute('data-remaining')).toBe('3');
    });

    it(`asks before the last try is spent, and spends it only when ticked (${lang})`, { timeout: 90_000 }, async () => {
      const card = await stack.kagiya.http.newCard();
      for (let i = 0; i < 2; i += 1) await stack.kagiya.http.verify(card, 'auth', '0000');
      const { page } = await openPortal(lang);
      await enterCard(page, card, PINS.auth);
      const refusal = page.getByTestId('refusal');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-error-code')).toBe('LAST_TRY_CONFIRMATION_REQUIRED');
      expect(await refusal.innerText()).toContain(lang === 'ja' ? '残り回数は減っていません' : 'no try was used');
      const box = page.getByTestId('last-try-confirm');
      expect(await box.isChecked()).toBe(false);
      await snap(page, lang, 'portal-15-last-try-question');
      expect((await stack.kagiya.http.status(card)).body.pins.auth.remaining).toBe(1);
      await box.check();
      await page.locator('#authPin').fill(PINS.auth);
      await page.getByTestId('login-submit').click();
      await consentIfAsked(page);
      expect(await page.getByTestId('slot-auth').getAttribute('data-remaining')).toBe('3');
    });

    it(`names the locked auth slot and links the holder's municipality's guidance (${lang})`, { timeout: 90_000 }, async () => {
      const card = await stack.kagiya.http.newCard({ municipalityCode: '141003', address: '神奈川県横浜市中区本町6丁目50番地の10' });
      const phone = { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax', 'x-kagiya-terminal': 'iPhone app' };
      for (let i = 0; i < 3; i += 1) await stack.kagiya.http.verify(card, 'auth', '0000', phone);
      const { page } = await openPortal(lang);
      await enterCard(page, card, PINS.auth);
      const refusal = page.getByTestId('refusal');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-error-code')).toBe('PIN_LOCKED');
      expect(await refusal.getAttribute('data-slot')).toBe('auth');
      expect(await refusal.innerText()).toContain(w.locked);
      const link = page.getByTestId('guidance-link');
      expect(await link.getAttribute('href')).toBe(`/guidance/141003${lang === 'en' ? '?lang=en' : ''}`);
      await snap(page, lang, 'portal-20-auth-locked');
      await link.click();
      await page.waitForURL(/\/guidance\/141003/);
      expect(await page.locator('h1').innerText()).toContain(lang === 'ja' ? '横浜市' : 'Yokohama');
      await snap(page, lang, 'portal-21-guidance');
    });

    it(`shows a revoked signing certificate as revoked, not as a lock, and who spent the sign tries (${lang})`, { timeout: 90_000 }, async () => {
      const card = await stack.kagiya.http.newCard();
      const phone = { 'x-kagiya-channel': 'smartphone', 'x-kagiya-service': 'e-tax', 'x-kagiya-terminal': 'Android app' };
      await stack.kagiya.http.verify(card, 'sign', 'WRONG123', phone);
      await stack.kagiya.http.verify(card, 'sign', 'WRONG456', phone);
      const moved = await stack.kagiya.http.call('POST', `/api/v1/residents/${card.residentId}/move`, {
        body: { address: '埼玉県さいたま市大宮区桜木町1丁目10番地', municipalityCode: '111007' },
        headers: stack.kagiya.http.admin,
      });
      expect(moved.status).toBe(200);
      const { page } = await openPortal(lang);
      await enterCard(page, card, PINS.auth);
      await consentIfAsked(page);
      const cert = page.getByTestId('cert-sign');
      expect(await cert.getAttribute('data-state')).toBe('revoked');
      const text = await cert.innerText();
      expect(text).toContain(w.revoked);
      expect(text).toContain(w.notLock);
      // Who spent the signing tries: two failures through e-Tax on a smartphone, since the last success.
      const failures = page.getByTestId('failures-sign');
      const who = await failures.innerText();
      expect(who).toContain(w.etax);
      expect(who).toContain(w.phone);
      expect(who).toContain('Android app');
      expect(await failures.locator('li').count()).toBe(2);
      await snap(page, lang, 'portal-30-sign-revoked-and-history');
    });
  }
});
