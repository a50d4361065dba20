import { describe, expect, it } from 'vitest';
import { currentTotp } from '../../src/adapters/crypto/totp.js';
import { createStaff } from '../../src/app/create-staff.js';
import type { Actor } from '../../src/domain/actor.js';
import { label, LANGS, RUN_E2E, snap, watchConsole } from './support/browser.js';
import { signIn } from './support/flows.js';
import { STAFF_PASSWORD } from './support/console-server.js';
import { useConsoleSuite } from './support/suite.js';

// The counter console's mass suspension screen (issue 13 item 3): a national admin starts a job on a municipality,
// sees it waiting, then its progress to done once the worker runs; a clerk is not offered the screen.

const ROOT: Actor = { id: 'e2e-root', label: 'e2e root', role: 'national_admin', municipalityCode: null };

describe.runIf(RUN_E2E)('mass suspension jobs in the counter console', () => {
  const suite = useConsoleSuite();

  // The worker is started by whichever language runs first; after that a new job may be picked up at once.
  let workerStarted = false;
  for (const lang of LANGS) {
    it(`starts a suspension job and shows its progress (${lang})`, { timeout: 120_000 }, async () => {
      const { system, clock, http } = suite.server;
      for (let i = 0; i < 4; i += 1) await http.newCard({ municipalityCode: '131016', address: '東京都千代田区九段南1丁目2番1号' });
      const loginId = `mass.${lang}`;
      const created = await createStaff(system.deps, ROOT, { loginId, name: '全国 管理者', role: 'national_admin', municipalityCode: null, password: STAFF_PASSWORD });
      if (!created.ok) throw new Error(created.code);
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const seen = watchConsole(page);
      await signIn(page, suite.server.base, lang, { loginId, totp: () => currentTotp(created.value.totpSecret, clock()) }, 'mass-00-sign-in');
      await page.getByTestId('nav-mass-jobs').click();
      await page.getByRole('heading', { name: label(lang, 'massTitle') }).waitFor();
      const form = page.getByTestId('mass-new');
      // No scope: refused by the API, with the reason shown.
      await form.getByLabel(label(lang, 'massReason'), { exact: true }).fill(lang === 'ja' ? '紛失届の一括処理（試験）' : 'batch of loss reports (test)');
      await form.getByRole('button', { name: label(lang, 'massStart') }).click();
      await form.locator('[data-error-code="INVALID_REQUEST"]').waitFor();
      await form.getByLabel(label(lang, 'massMunicipality'), { exact: true }).fill('131016');
      await form.getByRole('button', { name: label(lang, 'massStart') }).click();
      const row = page.getByTestId('mass-jobs').locator('tbody tr').first();
      await row.waitFor();
      // Four active cards in scope (the first run's, suspended already, are not counted again). The run that goes first
      // (the order is shuffled) sees the job waiting, before any worker runs; in the second the worker may be at it.
      const progress = lang === 'ja' ? /(\d) \/ 4 枚/ : /(\d) of 4 cards/;
      const done = Number(progress.exec(await row.innerText())?.[1] ?? NaN);
      if (workerStarted) expect(done).toBeGreaterThanOrEqual(0);
      else expect(done).toBe(0);
      await snap(page, lang, 'mass-01-queued');
      // The worker starts (in the real server, at boot); the screen refreshes itself until the job is done.
      await system.startJobs({ smtpUrl: null, mailFrom: 'x@kagiya.test', scanSeconds: 1, settleMs: 0, pollingIntervalSeconds: 0.5, massBatchSize: 1 });
      workerStarted = true;
      await page.locator('[data-testid="mass-jobs"] tbody tr:first-child[data-state="done"]').waitFor({ timeout: 60_000 });
      const text = await row.innerText();
      expect(text).toContain(label(lang, 'mass_state_done'));
      expect(text).toContain(lang === 'ja' ? '市区町村 131016' : 'municipality 131016');
      await snap(page, lang, 'mass-02-done');
      const suspended = await system.db.selectFrom('cards').innerJoin('residents', 'residents.id', 'cards.resident_id').select('cards.status').where('residents.municipality_code', '=', '131016').execute();
      expect(suspended.every((c) => c.status === 'suspended')).toBe(true);
      expect(seen.errors).toEqual([]);
    });
  }

  it('does not offer the screen to a clerk', { timeout: 60_000 }, async () => {
    const clerk = await suite.server.newClerk('clerk.mass', '窓口 職員');
    const browser = await suite.launch();
    const page = await browser.context.newPage();
    await signIn(page, suite.server.base, 'ja', clerk, 'mass-10-clerk');
    expect(await page.getByTestId('nav-mass-jobs').count()).toBe(0);
    expect((await page.request.get(`${suite.server.base}/api/v1/admin/mass-jobs`)).status()).toBe(403);
  });
});

// A job started on a mistaken scope is stopped from the same screen. This suite's server never starts the worker, so
// the job waits and the cancellation is seen before any card changes.
describe.runIf(RUN_E2E)('cancelling a mass job in the counter console', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    it(`cancels a waiting job with a reason (${lang})`, { timeout: 120_000 }, async () => {
      const { system, clock, http } = suite.server;
      const cards = [];
      for (let i = 0; i < 2; i += 1) cards.push(await http.newCard({ municipalityCode: '131016', address: '東京都千代田区九段南1丁目2番1号' }));
      const loginId = `mass.cancel.${lang}`;
      const created = await createStaff(system.deps, ROOT, { loginId, name: '全国 管理者', role: 'national_admin', municipalityCode: null, password: STAFF_PASSWORD });
      if (!created.ok) throw new Error(created.code);
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const seen = watchConsole(page);
      await signIn(page, suite.server.base, lang, { loginId, totp: () => currentTotp(created.value.totpSecret, clock()) }, 'mass-20-sign-in');
      await page.getByTestId('nav-mass-jobs').click();
      const form = page.getByTestId('mass-new');
      await form.getByLabel(label(lang, 'massReason'), { exact: true }).fill(lang === 'ja' ? '紛失届の一括処理' : 'batch of loss reports');
      await form.getByLabel(label(lang, 'massMunicipality'), { exact: true }).fill('131016');
      await form.getByRole('button', { name: label(lang, 'massStart') }).click();
      // The newest job is the first row.
      const row = page.locator('[data-testid="mass-jobs"] tbody tr:first-child[data-state="queued"]');
      await row.waitFor();
      await row.getByRole('button', { name: label(lang, 'massCancel') }).click();
      const cancel = row.getByTestId('mass-cancel');
      // An empty reason is not sent: the browser asks for it first.
      await cancel.getByRole('button', { name: label(lang, 'massCancelConfirm') }).click();
      expect(await cancel.getByLabel(label(lang, 'massCancelReason'), { exact: true }).evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true);
      const reason = lang === 'ja' ? '対象の市区町村を誤って指定したため' : 'the wrong municipality was chosen';
      await cancel.getByLabel(label(lang, 'massCancelReason'), { exact: true }).fill(reason);
      await snap(page, lang, 'mass-21-cancel-asked');
      await cancel.getByRole('button', { name: label(lang, 'massCancelConfirm') }).click();
      const stopped = page.locator('[data-testid="mass-jobs"] tbody tr:first-child[data-state="cancelled"]');
      await stopped.waitFor();
      const text = await stopped.innerText();
      expect(text).toContain(label(lang, 'mass_state_cancelled'));
      expect(text).toContain(reason);
      expect(text).toContain('全国 管理者');
      expect(await stopped.getByRole('button', { name: label(lang, 'massCancel') }).count()).toBe(0);
      await snap(page, lang, 'mass-22-cancelled');
      const statuses = await system.db.selectFrom('cards').select('status').where('id', 'in', cards.map((c) => c.cardId)).execute();
      expect(statuses.map((c) => c.status)).toEqual(['active', 'active']);
      const audit = await system.db.selectFrom('audit_log').select(['action', 'reason']).where('action', '=', 'mass_job.cancelled').where('reason', '=', reason).execute();
      expect(audit).toHaveLength(1);
      expect(seen.errors).toEqual([]);
    });
  }
});

