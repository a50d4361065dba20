import { describe, expect, it } from 'vitest';
import { createKioskApp } from './app.js';

// The kiosk's own screens before any login: no identity provider is needed to refuse by the hours.
const base = { kagiyaUrl: 'http://127.0.0.1:9', publicUrl: 'http://127.0.0.1:8', clientSecret: 'unused', terminal: 'store-9-T1' };
const at = (iso: string) => () => new Date(iso);

describe('kiosk hours', () => {
  it('offers the start at noon JST and refuses at 23:30 JST with the hours, in Japanese first', async () => {
    const open = await createKioskApp({ ...base, now: at('2026-12-02T12:00:00+09:00') }).request('/');
    expect(await open.text()).toContain('data-testid="start"');
    const closed = createKioskApp({ ...base, now: at('2026-12-02T23:30:00+09:00') });
    const page = await (await closed.request('/')).text();
    expect(page).toContain('data-error-code="OUTSIDE_SERVICE_HOURS"');
    expect(page.indexOf('ただいまサービス時間外です')).toBeLessThan(page.indexOf('The service is closed now'));
    const login = await closed.request('/login');
    expect(login.status).toBe(409);
    expect(login.headers.get('location')).toBeNull();
  });

  it("stays open at any hour only when the demo asks for it ('always')", async () => {
    const app = createKioskApp({ ...base, hours: 'always', now: at('2026-12-02T23:30:00+09:00') });
    const page = await (await app.request('/')).text();
    expect(page).toContain('data-testid="start"');
    expect(page).not.toContain('OUTSIDE_SERVICE_HOURS');
  });

  it('answers every page with a policy that allows no script, and shows the terminal', async () => {
    const res = await createKioskApp({ ...base, now: at('2026-12-02T12:00:00+09:00') }).request('/?lang=en');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('store-9-T1');
  });
});
