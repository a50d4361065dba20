import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { currentTotp } from '../../src/adapters/crypto/totp.js';
import { describeApplicant, SEEDED_POLICIES } from '../../src/domain/municipal-policy.js';
import { api } from '../support/api.js';
import { newStaff, signIn, STAFF_PASSWORD } from '../support/staff.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

const TUESDAY = new Date('2026-03-03T01:00:00Z');

describe.each(STORES)('staff sign-in, policies and guidance on %s', (store) => {
  let system: TestSystem;
  let now = TUESDAY;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
  });
  afterAll(async () => system?.dispose());
  beforeEach(() => {
    now = TUESDAY;
  });

  const login = (loginId: string, password: string, totp: string) =>
    api(system).call('POST', '/api/v1/staff/session', { body: { loginId, password, totp } });

  it('signs in with password and TOTP, sets an HttpOnly SameSite=Strict cookie, and refuses a replayed code', async () => {
    const staff = await newStaff(system, 'clerk', '111007');
    const code = currentTotp(staff.totpSecret, now);
    const res = await system.app.request('/api/v1/staff/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ loginId: staff.loginId, password: STAFF_PASSWORD, totp: code }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await api(system).call('GET', '/api/v1/staff/me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.body.staff).toMatchObject({ role: 'clerk', municipalityCode: '111007' });
    expect((await login(staff.loginId, STAFF_PASSWORD, code)).body.error.code).toBe('STAFF_LOGIN_FAILED');
    await api(system).call('DELETE', '/api/v1/staff/session', { headers: { cookie: cookie.split(';')[0]! } });
    expect((await api(system).call('GET', '/api/v1/staff/me', { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(401);
  });

  it('answers an unknown login, a wrong password and a wrong code alike', async () => {
    const staff = await newStaff(system, 'clerk', '111007');
    const a = await login('nobody.here', STAFF_PASSWORD, '123456');
    const b = await login(staff.loginId, 'wrong password!', currentTotp(staff.totpSecret, now));
    const c = await login(staff.loginId, STAFF_PASSWORD, '000000');
    expect(a).toEqual(b);
    expect(b).toEqual(c);
    expect(a.status).toBe(401);
  });

  it('locks a staff account after five failures and says so only to someone with both factors', async () => {
    const staff = await newStaff(system, 'clerk', '111007');
    for (let i = 0; i < 5; i += 1) await login(staff.loginId, 'wrong password!', '000000');
    now = new Date(TUESDAY.getTime() + 60_000);
    const guess = await login(staff.loginId, 'wrong password!', currentTotp(staff.totpSecret, now));
    expect(guess.body.error.code).toBe('STAFF_LOGIN_FAILED');
    const owner = await login(staff.loginId, STAFF_PASSWORD, currentTotp(staff.totpSecret, now));
    expect(owner.status).toBe(429);
    expect(owner.body.error.code).toBe('STAFF_LOCKED');
    now = new Date(TUESDAY.getTime() + 31 * 60_000);
    expect((await login(staff.loginId, STAFF_PASSWORD, currentTotp(staff.totpSecret, now))).status).toBe(200);
  });

  it('publishes a new policy version (audited), refuses an invalid one, and the guidance page follows it', async () => {
    const admin = await signIn(system, await newStaff(system, 'municipal_admin', '112151'));
    const before = await api(system).call('GET', '/api/v1/municipalities/112151/policy');
    expect(before.body.version).toBe(1);
    const { municipalityCode: _c, version: _v, ...policy } = SEEDED_POLICIES['112151']!;
    const invalid = await api(system).call('PUT', '/api/v1/municipalities/112151/policy', { body: { policy: { ...policy, inquiryDeadlineDays: 2 }, reason: 'too short' }, headers: admin });
    expect(invalid.body.error.code).toBe('POLICY_INVALID');
    const updated = await api(system).call('PUT', '/api/v1/municipalities/112151/policy', {
      body: { policy: { ...policy, inquiryDeadlineDays: 21, phone: '04-2953-1111' }, reason: '回答期限を21日に短縮' },
      headers: admin,
    });
    expect(updated.body).toMatchObject({ version: 2, inquiryDeadlineDays: 21 });
    const page = await system.app.request('/guidance/112151');
    const text = await page.text();
    expect(text).toContain('21日以内');
    expect(text).toContain('04-2953-1111');
    const audit = await api(system).call('GET', '/api/v1/audit?limit=50', { headers: admin });
    expect(audit.body.entries.find((e: { action: string }) => e.action === 'policy.updated')).toMatchObject({ reason: '回答期限を21日に短縮', detail: { version: 2 } });
  });

  it('serves the public guidance page from the policy, in Japanese and English, without login', async () => {
    const ja = await system.app.request('/guidance/111007');
    expect(ja.status).toBe(200);
    expect(ja.headers.get('content-type')).toMatch(/text\/html/);
    const jaText = await ja.text();
    expect(jaText).toContain('さいたま市');
    expect(jaText).toContain('無料');
    expect(jaText).toContain('本人が来庁する場合');
    expect(jaText).toContain('マイナンバーカード');
    const en = await (await system.app.request('/guidance/111007?lang=en')).text();
    expect(en).toContain('Saitama City');
    expect(en).toContain('free');
    expect(en).toContain('voluntary proxy');
    // Sayama accepts the card alone from the holder; Yokohama wants one more document: the same policy as the counter.
    // The holder's "what to bring" is read out of each page and compared with the policy's own description.
    const bring = (page: string) => /<h2>If the card holder comes in person<\/h2>\s*<dl><dt>What to bring<\/dt><dd>([^<]*)<\/dd>/.exec(page)?.[1];
    const sayama = bring(await (await system.app.request('/guidance/112151?lang=en')).text());
    const yokohama = bring(await (await system.app.request('/guidance/141003?lang=en')).text());
    expect(sayama).toBe(describeApplicant(SEEDED_POLICIES['112151']!, 'self').en);
    expect(yokohama).toBe(describeApplicant(SEEDED_POLICIES['141003']!, 'self').en);
    expect(sayama).toMatch(/card/i);
    expect(sayama).not.toMatch(/\b(one|1)\b/i);
    expect(yokohama).toMatch(/\b(one|1)\b/i);
    expect((await system.app.request('/guidance/999999')).status).toBe(404);
  });
});
