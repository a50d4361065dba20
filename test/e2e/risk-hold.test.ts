import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { currentTotp } from '../../src/adapters/crypto/totp.js';
import { createStaff } from '../../src/app/create-staff.js';
import { PINS } from '../support/factories.js';
import { label, launchBrowser, LANGS, RUN_E2E, snap, watchConsole, type Browser, type Lang } from './support/browser.js';
import { STAFF_PASSWORD } from './support/console-server.js';
import { signIn } from './support/flows.js';
import { startPortalStack, type PortalStack } from './support/portal-server.js';
import { useConsoleSuite } from './support/suite.js';

// Issue 13: a risk hold as the resident sees it (the portal's notice, Kagiya's login page, the confirmed sign-in that
// releases it) and as the counter sees it (the diagnosis, the release), and the national admin's risk screen — in
// both languages, never as a lock. Screenshots: test-artifacts/e2e/<lang>/risk-*.png.

type Card = { residentId: string; cardId: string; cardKey: string };
type Http = { verify(card: Card, slot: string, pin: string, headers?: Record<string, string>): Promise<unknown> };

/** Wrong entries on three slots from three addresses: the card rule holds the card (domain/risk.ts). */
async function hold(http: Http, card: Card, n: number) {
  await http.verify(card, 'juki', '0000', { 'x-forwarded-for': `198.51.100.${n}` });
  await http.verify(card, 'assist', '0000', { 'x-forwarded-for': `198.51.100.${n + 1}` });
  await http.verify(card, 'sign', 'WRONG999', { 'x-forwarded-for': `198.51.100.${n + 2}` });
}

const W = {
  ja: { notLock: 'ロックではありません', facts: '3か所の異なる接続元', released: 'セキュリティ上の保留の解除' },
  en: { notLock: 'not a PIN lock', facts: '3 different network sources', released: 'Security hold released' },
} as const;

describe.runIf(RUN_E2E)('a risk hold as the resident sees it (portal and login page)', () => {
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

  async function login(page: Page, card: Card, confirmHold = false) {
    if (!(await page.locator('#cardJson').inputValue())) await page.locator('#cardJson').fill(JSON.stringify({ cardId: card.cardId, cardKey: card.cardKey }));
    await page.locator('#authPin').fill(PINS.auth);
    if (confirmHold) await page.getByTestId('confirm-hold').check();
    await page.getByTestId('login-submit').click();
    await page.waitForLoadState();
  }

  async function toDashboard(page: Page) {
    if (await page.getByTestId('consent-allow').count()) await page.getByTestId('consent-allow').click();
    await page.getByTestId('slot-auth').waitFor();
  }

  for (const lang of LANGS) {
    it(`shows the hold in the portal, refuses the login as a hold, and releases it by a confirmed sign-in (${lang})`, { timeout: 120_000 }, async () => {
      const w = W[lang];
      const card = await stack.kagiya.http.newCard();
      browser = await launchBrowser();
      const page = await browser.context.newPage();
      const seen = watchConsole(page);
      await page.goto(`${stack.portal.url}/?lang=${lang}`);
      await page.getByTestId('portal-login').click();
      await page.locator('#authPin').waitFor();
      await login(page, card);
      await toDashboard(page);

      // Held while signed in: the portal's card section says so, with the reason, and not as a lock.
      await hold(stack.kagiya.http, card, lang === 'ja' ? 10 : 20);
      await page.reload();
      const notice = page.getByTestId('risk-hold');
      await notice.waitFor();
      expect(await notice.getAttribute('data-rule')).toBe('card-many-addresses');
      expect(await notice.innerText()).toContain(w.notLock);
      expect(await notice.innerText()).toContain(w.facts);
      expect(await page.getByTestId('slot-auth').getAttribute('data-state')).toBe('ok');
      await snap(page, lang, 'risk-01-portal-notice');

      // Signing in again: refused as a hold (not a lock, nothing spent), with the facts and the offer to confirm.
      await page.getByTestId('logout').click();
      await page.getByTestId('logout-yes').click();
      await page.getByTestId('portal-login').waitFor();
      await page.goto(`${stack.portal.url}/?lang=${lang}`);
      await page.getByTestId('portal-login').click();
      await page.locator('#authPin').waitFor();
      await login(page, card);
      const refusal = page.getByTestId('refusal');
      await refusal.waitFor();
      expect(await refusal.getAttribute('data-error-code')).toBe('RISK_HOLD');
      expect(await refusal.innerText()).toContain(w.notLock);
      expect(await page.getByTestId('hold-facts').innerText()).toContain(w.facts);
      await page.getByTestId('hold-confirm').waitFor();
      await snap(page, lang, 'risk-02-login-refused-hold');
      expect((await stack.kagiya.http.status(card)).body.pins.auth.remaining).toBe(3);

      // The confirmed sign-in: PIN, the card's signature, the box ticked. The hold is gone; the history says so.
      await login(page, card, true);
      await toDashboard(page);
      expect(await page.getByTestId('risk-hold').count()).toBe(0);
      expect(await page.getByTestId('history').innerText()).toContain(w.released);
      await snap(page, lang, 'risk-03-portal-released');
      expect(seen.errors).toEqual([]);
    });
  }
});

describe.runIf(RUN_E2E)('a risk hold as the clerk sees it, and the national admin risk screen', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    it(`diagnoses a held card as a hold, not a lock, and releases it (${lang})`, { timeout: 120_000 }, async () => {
      const card = await suite.server.http.newCard({ municipalityCode: '111007' });
      await hold(suite.server.http, card, lang === 'ja' ? 40 : 50);
      const clerk = await suite.server.newClerk(`clerk.risk.${lang}`, lang === 'ja' ? '窓口 保留' : 'Hold Clerk');
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const logs = watchConsole(page);
      await signIn(page, suite.server.base, lang, clerk, 'risk-10-sign-in');
      await page.goto(`${suite.server.base}/counter/cards/${card.cardId}`);
      const panel = page.getByTestId('risk-hold');
      await panel.waitFor();
      expect(await page.getByTestId('verdict').innerText()).toContain(lang === 'ja' ? '暗証番号のロックではなく' : 'not a PIN lock');
      expect(await panel.innerText()).toContain(label(lang, 'holdTitle'));
      expect(await panel.innerText()).toContain(W[lang].facts);
      await snap(page, lang, 'risk-11-diagnosis-hold');

      await panel.getByLabel(label(lang, 'holdReleaseReason')).fill(lang === 'ja' ? '本人来庁、運転免許証で確認' : 'holder in person, driving licence checked');
      await page.getByTestId('release-hold').click();
      await panel.waitFor({ state: 'detached' });
      expect(await page.getByTestId('verdict').innerText()).not.toContain(lang === 'ja' ? '保留されています' : 'security hold');
      expect(await page.getByTestId('attempts').innerText()).toContain(lang === 'ja' ? '保留の解除' : 'hold released');
      await snap(page, lang, 'risk-12-diagnosis-released');
      expect(logs.errors).toEqual([]);
      expect((await suite.server.http.verify(card, 'auth', PINS.auth)).status).toBe(200);
    });

    it(`shows the national admin a flagged service with its failure rate and a blocked source (${lang})`, { timeout: 120_000 }, async () => {
      const { system, http, clock } = suite.server;
      const service = `clinic-${lang}`;
      // The clinic fails on every card; two other services, on the same cards, succeed: they make the norm.
      for (let i = 0; i < 20; i += 1) {
        const card = await http.newCard();
        await http.verify(card, 'assist', '0000', { 'x-kagiya-service': service, 'x-kagiya-channel': 'clinic' });
        for (const ok of ['e-tax', 'mynaportal']) await http.verify(card, 'auth', PINS.auth, { 'x-kagiya-service': ok });
      }
      const source = lang === 'ja' ? '203.0.113.21' : '203.0.113.22';
      for (let i = 0; i < 10; i += 1) await http.verify(await http.newCard(), 'juki', '0000', { 'x-forwarded-for': source });
      const loginId = `admin.risk.${lang}`;
      const created = await createStaff(system.deps, { id: 'e2e', label: 'e2e', role: 'national_admin', municipalityCode: null }, { loginId, name: lang === 'ja' ? '全国 管理者' : 'National Admin', role: 'national_admin', municipalityCode: null, password: STAFF_PASSWORD });
      if (!created.ok) throw new Error(created.code);
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const logs = watchConsole(page);
      await signIn(page, suite.server.base, lang, { loginId, totp: () => currentTotp(created.value.totpSecret, clock()) }, 'risk-20-admin-sign-in');
      await page.getByTestId('nav-risk').click();
      await page.getByTestId('risk-evaluate').click();
      const row = page.locator(`[data-testid="risk-flags"] tr[data-service="${service}"]`);
      await row.waitFor();
      expect(await row.innerText()).toContain('100%');
      expect(await page.getByTestId('risk-blocks').innerText()).toContain(`ip:${source}`);
      await snap(page, lang, 'risk-21-admin-risk-screen');

      // Dismissing the flag after looking into it: the row goes, and the flag is kept as dismissed, by this admin.
      await page.getByLabel(label(lang, 'riskReason')).fill(lang === 'ja' ? '医院の端末設定を修正済み' : 'the clinic fixed its terminal');
      await row.getByRole('button', { name: label(lang, 'riskDismiss') }).click();
      await row.waitFor({ state: 'detached' });
      const flags = await system.deps.risk.listFlags({ includeDismissed: true });
      const dismissed = flags.find((f) => f.service === service);
      expect(dismissed?.dismissedAt).toBeInstanceOf(Date);
      expect(dismissed?.dismissedBy).toBeTruthy();
      expect(logs.errors).toEqual([]);
    });
  }
});
