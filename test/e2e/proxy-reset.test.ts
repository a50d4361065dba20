import { describe, expect, it } from 'vitest';
import { residentBody } from '../support/factories.js';
import { label, LANGS, RUN_E2E, snap, watchConsole } from './support/browser.js';
import { useConsoleSuite } from './support/suite.js';
import { padDigits, signIn } from './support/flows.js';

// A voluntary proxy (任意代理人) across two visits: visit 1 records the request with the proxy's own ID and issues
// the inquiry letter; visit 2 brings the sealed answer's code, the proxy's ID again and the card, and the clerk
// opens the customer PIN pad, where the proxy types the PIN the holder wrote in the concealed area.
const RESIDENTS = {
  ja: { name: '田中 一郎', nameKana: 'タナカ イチロウ', birthDate: '1948-06-30', sex: 'male' },
  en: { name: '高橋 次郎', nameKana: 'タカハシ ジロウ', birthDate: '1951-09-12', sex: 'male' },
} as const;
const PROXY = { ja: '田中 花', en: 'Hana Tanaka' } as const;
const NEW_AUTH = '3916';

describe.runIf(RUN_E2E)('counter console: voluntary proxy over two visits with the inquiry letter', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    it(`issues the letter, then completes from the sealed answer (${lang})`, { timeout: 120_000 }, async () => {
      const t = (key: Parameters<typeof label>[1]) => label(lang, key);
      const body = residentBody(RESIDENTS[lang]);
      const card = await suite.server.lockedCard(body);
      const clerk = await suite.server.newClerk(`clerk.proxy.${lang}`, lang === 'ja' ? '窓口 二郎' : 'Proxy Desk');
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const logs = watchConsole(page);
      await signIn(page, suite.server.base, lang, clerk, '20-sign-in');

      // Visit 1. The proxy brings the holder's My Number: searched in the body, never in a URL.
      await page.getByLabel(t('myNumber'), { exact: true }).fill(body.myNumber);
      const searched = page.waitForRequest((r) => r.url().endsWith('/api/v1/counter/residents/search'));
      await page.getByRole('button', { name: t('search'), exact: true }).nth(1).click();
      const request = await searched;
      expect(request.method()).toBe('POST');
      expect(request.url()).not.toContain(body.myNumber);
      await page.getByTestId('resident-results').getByText(RESIDENTS[lang].name).waitFor();
      expect(await page.getByLabel(t('myNumber'), { exact: true }).inputValue()).toBe('');
      await snap(page, lang, '21-search-my-number');

      await page.locator(`[data-card-id="${card.cardId}"]`).click();
      await page.getByTestId('start-reset').click();
      await page.locator('input[name="applicantType"][value="voluntary_proxy"]').check();
      await page.getByLabel(t('proxyName'), { exact: true }).fill(PROXY[lang]);
      await snap(page, lang, '22-start-proxy');
      await page.getByRole('button', { name: t('openProcedure') }).click();

      // The proxy's own ID: (A) 2 or (A) 1 + (B) 1 in Saitama.
      await page.getByTestId('rule-text').waitFor();
      await page.locator('[data-doc="proxy_card"]').check();
      await page.locator('[data-doc="health_insurance"]').check();
      expect(await page.getByTestId('documents-check').textContent()).toBe(t('documentsOk'));
      await snap(page, lang, '23-proxy-documents');
      await page.getByRole('button', { name: t('recordDocuments') }).click();

      await page.getByTestId('issue-letter').click();
      const reference = page.getByTestId('letter-reference');
      await reference.waitFor();
      expect(await reference.textContent()).toMatch(/^111007-\d{4}-\d{6}$/);
      expect(await page.getByTestId('letter-deadline').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      await page.getByTestId('start-visit-2').waitFor();
      await snap(page, lang, '24-letter-issued');
      const pdfUrl = await page.getByTestId('letter-pdf').getAttribute('href');
      const pdf = await browser.context.request.get(`${suite.server.base}${pdfUrl}`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
      const code = suite.server.letterCodes.at(-1)!;
      expect(code).toBeTruthy();

      // The mail room posts it.
      await page.getByRole('link', { name: t('navWork') }).click();
      const letterRow = page.getByTestId('letters').locator('tr', { hasText: RESIDENTS[lang].name });
      await letterRow.getByTestId('mark-mailed').click();
      await letterRow.getByText(t('letter_mailed')).waitFor();
      await snap(page, lang, '25-open-work');

      // Visit 2, from the open procedures.
      await page.getByTestId('procedures').locator('tr', { hasText: RESIDENTS[lang].name }).getByRole('link', { name: t('continueProcedure') }).click();
      await page.getByTestId('start-visit-2').click();
      await page.getByLabel(t('letterCode'), { exact: true }).fill('WRONG-CODE');
      await page.locator('[data-doc="proxy_card"]').check();
      await page.locator('[data-doc="passport"]').check();
      await page.getByRole('button', { name: t('verifyAnswer') }).click();
      const wrong = page.locator('[data-error-code="LETTER_CODE_INVALID"]');
      await wrong.waitFor();
      expect(await wrong.textContent()).toContain(lang === 'ja' ? 'あと4回' : '4 more');
      await snap(page, lang, '26-code-wrong');
      await page.getByLabel(t('letterCode'), { exact: true }).fill(code);
      await page.getByRole('button', { name: t('verifyAnswer') }).click();

      await page.getByLabel(t('cardKey'), { exact: true }).waitFor();
      await page.getByLabel(t('cardId'), { exact: true }).fill(card.cardId);
      await page.getByLabel(t('cardKey'), { exact: true }).fill(card.cardKey);
      await page.getByRole('button', { name: t('presentCard') }).click();

      // Staff never type the PINs: the clerk opens the customer PIN pad and the proxy types the PINs the holder wrote
      // in the sealed answer's concealed area.
      await page.getByTestId('open-pin-pad').click();
      const link = page.getByTestId('pin-pad-link');
      await link.waitFor();
      await snap(page, lang, '27-pin-pad-open');
      const [pad] = await Promise.all([browser.context.waitForEvent('page'), link.click()]);
      const padLogs = watchConsole(pad);
      await pad.setViewportSize({ width: 900, height: 1100 });
      expect(await pad.getByTestId('pad-lead').textContent()).toBe(t('padLeadLetter'));
      // The holder wrote a weak PIN? It is refused as it is entered, nothing is written, and the slot is asked again.
      for (const d of '1111') await pad.locator(`.keypad [data-key="${d}"]`).click();
      await pad.getByTestId('pad-ok').click();
      await pad.getByTestId('pad-notice').waitFor();
      expect(await pad.getByTestId('pad-notice').textContent()).toContain(t('padChooseAgain'));
      expect(await pad.locator('section[data-slot]').getAttribute('data-phase')).toBe('first');
      expect(await pad.locator('section[data-slot]').getAttribute('data-slot')).toBe('auth');
      await snap(pad, lang, '28-pad-weak');
      await padDigits(pad, NEW_AUTH);
      await pad.getByTestId('pad-submit').click();
      await pad.getByTestId('pad-done').waitFor();
      await pad.close();
      await page.getByTestId('procedure-done').waitFor({ timeout: 20_000 });
      await snap(page, lang, '29-done');
      expect(padLogs.errors).toEqual([]);

      expect((await suite.server.http.verify(card, 'auth', NEW_AUTH)).status).toBe(200);
      const view = await suite.server.http.call('GET', `/api/v1/counter/procedures?open=false`, { headers: suite.server.http.admin });
      const done = view.body.procedures.find((p: { residentId: string }) => p.residentId === card.residentId);
      expect(done).toMatchObject({ state: 'completed', applicantType: 'voluntary_proxy', sameDay: false, proxyName: PROXY[lang] });
      expect(logs.errors).toEqual([]);
      expect(logs.messages.some((m) => m.includes(body.myNumber))).toBe(false);
    });
  }
});
