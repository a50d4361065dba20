import { describe, expect, it } from 'vitest';
import { label, LANGS, RUN_E2E, snap, watchConsole } from './support/browser.js';
import { useConsoleSuite } from './support/suite.js';
import { signIn } from './support/flows.js';
import { PINS } from '../support/factories.js';

// Issue 11: the seed story at the counter. An app reported showing "locked" again and again; the card's record says
// the PIN was never locked. The clerk's diagnosis names the mismatch in one sentence, beside the reports; the lock
// dashboard shows the incidents by cause, service and channel, with a table beside each chart.
const RESIDENTS = {
  ja: { name: '小林 誠', nameKana: 'コバヤシ マコト', birthDate: '1978-09-30', sex: 'male' },
  en: { name: '森 陽子', nameKana: 'モリ ヨウコ', birthDate: '1982-04-12', sex: 'female' },
} as const;

describe.runIf(RUN_E2E)('counter console: a client mismatch named, and the lock dashboard', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    it(`names what the app showed against the record, and charts the incidents (${lang})`, { timeout: 120_000 }, async () => {
      const { http } = suite.server;
      const card = await http.newCard(RESIDENTS[lang]);
      expect((await http.verify(card, 'auth', PINS.auth, { 'x-kagiya-channel': 'pc', 'x-kagiya-service': 'portal' })).status).toBe(200);
      for (let i = 0; i < 4; i += 1) {
        const r = await http.call('POST', '/api/v1/client-reports', {
          headers: { 'x-card-key': card.cardKey },
          body: { cardId: card.cardId, shownCode: 'PIN_LOCKED', app: 'MynaPocket', appVersion: '1.4.2', channel: 'smartphone', service: 'mynaportal', clientCause: 'nfc_read_failed' },
        });
        expect(r.status).toBe(202);
      }
      // A real lock beside it, so the dashboard has both causes.
      await suite.server.lockedCard({ name: '石井 亮', nameKana: 'イシイ リョウ', birthDate: '1990-01-20', sex: 'male' });

      const clerk = await suite.server.newClerk(`clerk.mismatch.${lang}`, lang === 'ja' ? '窓口 花子' : 'Counter Clerk');
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const logs = watchConsole(page);
      await signIn(page, suite.server.base, lang, clerk, '40-mismatch-sign-in');

      await page.goto(`${suite.server.base}/counter/cards/${card.cardId}`);
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      const sentence = lang === 'ja' ? '4回「ロック」と表示しましたが、このカードの暗証番号は一度もロックされておらず' : "showed “locked” 4 times since";
      expect(await verdict.textContent()).toContain(sentence);
      const mismatch = page.getByTestId('client-mismatch');
      expect(await mismatch.textContent()).toContain(lang === 'ja' ? 'NFCの読み取り失敗を「ロック」として表示しています' : 'shows a failed NFC read as a lock');
      const rows = page.getByTestId('client-reports-table').locator('tbody tr');
      expect(await rows.count()).toBe(4);
      expect(await rows.first().textContent()).toContain(label(lang, 'reportClass_mismatch'));
      expect(await rows.first().textContent()).toContain(label(lang, 'clientCause_nfc_read_failed'));
      await page.getByTestId('client-reports').scrollIntoViewIfNeeded();
      await snap(page, lang, '41-diagnosis-client-mismatch');

      await page.getByTestId('nav-dashboard').click();
      const byDay = page.getByTestId('chart-by-day');
      await byDay.locator('.recharts-bar-rectangle').first().waitFor();
      expect(await page.getByRole('heading', { name: label(lang, 'dashboardTitle') }).count()).toBe(1);
      // Each chart has its table beside it, in the language on screen.
      const dayTable = byDay.locator('table');
      expect(await dayTable.textContent()).toContain(label(lang, 'cause_client_mismatch'));
      expect(await dayTable.textContent()).toContain(label(lang, 'cause_real_lock'));
      const channelTable = page.getByTestId('chart-by-channel').locator('table');
      expect(await channelTable.textContent()).toContain(label(lang, 'channel_smartphone'));
      expect(await page.getByTestId('dashboard-scope').textContent()).toContain(lang === 'ja' ? 'さいたま市' : 'Saitama');
      await snap(page, lang, '42-lock-dashboard');

      expect(logs.errors).toEqual([]);
    });
  }
});
