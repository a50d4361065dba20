import { describe, expect, it } from 'vitest';
import { currentTotp } from '../../src/adapters/crypto/totp.js';
import { createStaff } from '../../src/app/create-staff.js';
import type { Actor } from '../../src/domain/actor.js';
import { label, LANGS, RUN_E2E, snap, watchConsole } from './support/browser.js';
import { signIn } from './support/flows.js';
import { STAFF_PASSWORD } from './support/console-server.js';
import { useConsoleSuite } from './support/suite.js';

// The counter console's relying-services screen: a national admin registers a service (the secret shown once),
// stops it with a reason; the audit trail has both. Clerks do not see the screen.

const ROOT: Actor = { id: 'e2e-root', label: 'e2e root', role: 'national_admin', municipalityCode: null };

describe.runIf(RUN_E2E)('relying services in the counter console', () => {
  const suite = useConsoleSuite();

  for (const lang of LANGS) {
    it(`registers and stops a service as a national admin (${lang})`, { timeout: 90_000 }, async () => {
      const { system, clock } = suite.server;
      const loginId = `national.${lang}`;
      const created = await createStaff(system.deps, ROOT, { loginId, name: '全国 管理者', role: 'national_admin', municipalityCode: null, password: STAFF_PASSWORD });
      if (!created.ok) throw new Error(created.code);
      const admin = { loginId, totp: () => currentTotp(created.value.totpSecret, clock()) };
      const browser = await suite.launch();
      const page = await browser.context.newPage();
      const seen = watchConsole(page);
      await signIn(page, suite.server.base, lang, admin, `services-00-sign-in`);
      await page.getByTestId('nav-services').click();
      await page.getByRole('heading', { name: label(lang, 'servicesTitle') }).waitFor();
      const form = page.getByTestId('register-service');
      const clientId = `library-${lang}`;
      await form.getByLabel(label(lang, 'serviceId'), { exact: true }).fill(clientId);
      await form.getByLabel(label(lang, 'serviceNameJa'), { exact: true }).fill('市立図書館');
      await form.getByLabel(label(lang, 'serviceNameEn'), { exact: true }).fill('City library');
      // A public http redirect is refused, with the field named.
      await form.getByLabel(label(lang, 'serviceRedirect'), { exact: true }).fill('http://library.example.jp/callback');
      await form.getByRole('button', { name: label(lang, 'serviceRegister') }).click();
      await form.locator('[data-error-code="INVALID_REQUEST"]').waitFor();
      await snap(page, lang, 'services-01-refused');
      await form.getByLabel(label(lang, 'serviceRedirect'), { exact: true }).fill('https://library.example.jp/callback');
      await form.getByLabel(label(lang, 'scope_kagiya_card'), { exact: true }).check();
      await form.getByRole('button', { name: label(lang, 'serviceRegister') }).click();
      const secret = await page.getByTestId('client-secret-value').textContent();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = page.locator(`[data-client-id="${clientId}"]`);
      await row.waitFor();
      expect(await row.innerText()).toContain(lang === 'ja' ? '利用中' : 'Active');
      await snap(page, lang, 'services-02-registered');
      await page.getByLabel(label(lang, 'serviceReason'), { exact: true }).fill('contract ended');
      await row.getByRole('button', { name: label(lang, 'serviceStop') }).click();
      await row.getByText(label(lang, 'serviceDisabled')).waitFor();
      await snap(page, lang, 'services-03-stopped');
      const audit = await system.db.selectFrom('audit_log').select(['action', 'reason', 'actor_id']).where('target_id', '=', clientId).orderBy('seq').execute();
      expect(audit.map((a) => a.action)).toEqual(['oidc_client.registered', 'oidc_client.disabled']);
      expect(audit[1]!.reason).toBe('contract ended');
      expect(seen.errors).toEqual([]);
    });
  }

  it('does not offer the screen to a clerk', { timeout: 60_000 }, async () => {
    const clerk = await suite.server.newClerk('clerk.services', '窓口 職員');
    const browser = await suite.launch();
    const page = await browser.context.newPage();
    await signIn(page, suite.server.base, 'ja', clerk, 'services-10-clerk');
    expect(await page.getByTestId('nav-services').count()).toBe(0);
    const res = await page.request.get(`${suite.server.base}/api/v1/oidc/clients`);
    expect(res.status()).toBe(403);
  });
});
