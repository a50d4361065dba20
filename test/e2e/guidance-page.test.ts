import { describe, expect, it } from 'vitest';
import { describeApplicant, SEEDED_POLICIES } from '../../src/domain/municipal-policy.js';
import { LANGS, RUN_E2E, snap } from './support/browser.js';
import { useConsoleSuite } from './support/suite.js';

// The public guidance page: what to bring, per applicant, from the same policy as the counter's checklist.
const EXPECT = {
  ja: { path: '/guidance/111007', title: 'さいたま市', bring: '持ち物', free: '無料', other: 'English' },
  en: { path: '/guidance/111007?lang=en', title: 'Saitama City', bring: 'What to bring', free: 'free', other: '日本語' },
} as const;

describe.runIf(RUN_E2E)('public guidance page', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    it(`lists what to bring and says it is free (${lang})`, { timeout: 60_000 }, async () => {
      const e = EXPECT[lang];
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const response = await page.goto(`${suite.server.base}${e.path}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await page.locator('h1').textContent()).toContain(e.title);
      const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(e.bring);
      expect(text).toContain(e.free);
      // Every applicant type's rule, in the words the counter's checklist shows (describeApplicant).
      const policy = SEEDED_POLICIES['111007']!;
      for (const type of ['self', 'legal_proxy', 'voluntary_proxy'] as const) expect(text).toContain(describeApplicant(policy, type)[lang]);
      await snap(page, lang, '30-guidance');
      await page.getByRole('link', { name: e.other }).click();
      await page.waitForURL(/lang=/);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang === 'ja' ? 'en' : 'ja');
    });
  }
});
