import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Jobs } from '../../src/adapters/jobs/start-jobs.js';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';
import { startSmtpSink, waitFor, type Received } from './smtp-sink.js';

// Issue 11 item 4: each kind of notification, derived from card events (and certificate end dates) by the worker on
// the job queue, delivered over SMTP to a real server started here, and audited; a failing server is retried later
// and never touches the PIN entry. Both stores.

const JA = /[\u3040-\u30ff\u4e00-\u9faf]/;

describe.each(STORES)('notifications over SMTP (%s)', (store) => {
  let system: TestSystem;
  let jobs: Jobs;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let fakeNow: Date | null = null;
  const port = 4210 + STORES.indexOf(store);

  beforeAll(async () => {
    sink = await startSmtpSink(port);
    system = await createTestSystem(store, { clock: () => fakeNow ?? new Date() });
    jobs = await system.startJobs({
      smtpUrl: sink.url,
      mailFrom: 'Kagiya <no-reply@kagiya.test>',
      scanSeconds: 1,
      settleMs: 0,
      retryLimit: 4,
      retryDelaySeconds: 1,
      pollingIntervalSeconds: 0.5,
    });
  }, 60_000);
  afterAll(async () => {
    await system?.dispose();
    await sink?.close();
  });

  async function holder(email: string | null) {
    const card = await api(system).newCard();
    await system.db.updateTable('residents').set({ contact_email: email }).where('id', '=', card.residentId).execute();
    return card;
  }
  const mailTo = (email: string, kindWord: string) => waitFor(() => sink.received.find((m) => m.to.includes(email) && m.subject.includes(kindWord)), 30_000, `mail to ${email} (${kindWord})`);
  const record = (cardId: string, operation: string, result: string, extra: { slot?: string; service?: string; code?: string } = {}) =>
    system.deps.cards.recordEvent({
      cardId,
      occurredAt: new Date(),
      operation,
      slot: (extra.slot ?? null) as never,
      result: result as never,
      code: extra.code ?? null,
      context: { channel: 'smartphone', service: extra.service ?? null, terminal: null, actor: null },
    });

  function assertWellFormed(m: Received, email: string) {
    expect(m.to).toEqual([email]);
    expect(m.from).toBe('no-reply@kagiya.test');
    expect(m.subject).toMatch(/^【鍵屋】.+ \/ Kagiya: .+/);
    const [ja, en] = m.text.split('----');
    expect(ja).toMatch(JA);
    expect(en).not.toMatch(JA);
    // Never a PIN, never a My Number (12 digits).
    for (const pin of Object.values(PINS)) expect(m.text).not.toContain(pin);
    expect(m.text).not.toMatch(/\d{12}/);
  }

  it('tells the holder of a lock, once, in Japanese then English, and audits it', async () => {
    const email = `lock-${store}@example.jp`;
    const card = await holder(email);
    for (let i = 0; i < 3; i += 1) await api(system).verify(card, 'auth', '9999');
    const locked = await api(system).verify(card, 'auth', '9999');
    expect(locked.body.error.code).toBe('PIN_LOCKED');
    const m = await mailTo(email, 'ロック');
    assertWellFormed(m, email);
    expect(m.subject).toContain('利用者証明用電子証明書の暗証番号がロックされました');
    expect(m.subject).toContain('Kagiya: Your user-authentication certificate PIN is locked');
    expect(m.text).toContain('お住まいの市区町村の窓口で再設定してください');
    // The refused entry after the lock is not a second lock notification.
    await jobs.notifications.scanEvents();
    expect(sink.received.filter((x) => x.to.includes(email))).toHaveLength(1);
    const audit = await waitFor(async () => {
      const rows = await system.db.selectFrom('audit_log').select(['action', 'detail']).where('target_id', '=', card.cardId).where('action', 'like', 'notification.%').execute();
      return rows.some((r) => r.action === 'notification.sent') ? rows : null;
    });
    expect(audit.map((r) => r.action).sort()).toEqual(['notification.queued', 'notification.sent']);
  });

  it.each([
    ['counter_reset', 'done', { slot: 'auth' }, '再設定されました', 'was reset'],
    ['kiosk_reset', 'success', { slot: 'sign' }, '再設定されました', 'was reset'],
    ['risk_hold', 'held', { code: 'RISK_HOLD' }, '保留', 'security hold'],
  ] as const)('tells the holder of %s', async (operation, result, extra, ja, en) => {
    const email = `${operation}-${store}@example.jp`;
    const card = await holder(email);
    await record(card.cardId, operation, result, extra);
    const m = await mailTo(email, ja);
    assertWellFormed(m, email);
    expect(m.subject).toContain(en);
  });

  it('tells the holder of a suspension and of its lifting (the single-card API)', async () => {
    const email = `suspend-${store}@example.jp`;
    const card = await holder(email);
    expect((await api(system).call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: '紛失の届出' }, headers: api(system).admin })).status).toBe(200);
    const s = await mailTo(email, '一時停止されました');
    assertWellFormed(s, email);
    expect(s.text).toContain('暗証番号のロックではありません');
    expect((await api(system).call('POST', `/api/v1/cards/${card.cardId}/restore`, { body: { reason: '発見' }, headers: api(system).admin })).status).toBe(200);
    assertWellFormed(await mailTo(email, '解除されました'), email);
  });

  it('tells the holder of a sign-in to a service never used before, and not of the second one', async () => {
    const email = `service-${store}@example.jp`;
    const card = await holder(email);
    await record(card.cardId, 'authenticate', 'success', { slot: 'auth', service: 'e-tax-demo' });
    const m = await mailTo(email, 'e-tax-demo');
    assertWellFormed(m, email);
    expect(m.subject).toContain('初めてのサービスへのログインがありました');
    await record(card.cardId, 'authenticate', 'success', { slot: 'auth', service: 'e-tax-demo' });
    await jobs.notifications.scanEvents();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sink.received.filter((x) => x.to.includes(email))).toHaveLength(1);
  });

  it('reminds of certificate expiry 90 and 30 days ahead and before the tax season, once each', async () => {
    const email = `expiry-${store}@example.jp`;
    const card = await holder(email);
    fakeNow = new Date('2027-01-10T00:00:00Z');
    try {
      // The auth certificate ends in 20 days, the signing one on 1 March: before the 15 March filing deadline.
      await system.db.updateTable('certificates').set({ not_after: new Date('2027-01-30T14:59:59Z') }).where('card_id', '=', card.cardId).where('kind', '=', 'auth').execute();
      await system.db.updateTable('certificates').set({ not_after: new Date('2027-03-01T14:59:59Z') }).where('card_id', '=', card.cardId).where('kind', '=', 'sign').execute();
      await jobs.notifications.scanExpiry();
      await jobs.notifications.scanExpiry(); // a second run writes nothing new
      const thirty = await mailTo(email, '30日を切りました');
      assertWellFormed(thirty, email);
      expect(thirty.subject).toContain('利用者証明用電子証明書');
      expect(thirty.subject).toContain('2027-01-30');
      const ninety = await mailTo(email, '有効期限が近づいています');
      expect(ninety.subject).toContain('署名用電子証明書');
      // Both certificates end before the deadline: a season reminder for each.
      await waitFor(() => sink.received.filter((x) => x.to.includes(email) && x.subject.includes('確定申告の前に')).length === 2, 20_000, 'two tax reminders');
      const tax = sink.received.filter((x) => x.to.includes(email) && x.subject.includes('確定申告の前に'));
      expect(tax.map((t) => (t.subject.includes('署名用電子証明書') ? 'sign' : 'auth')).sort()).toEqual(['auth', 'sign']);
      for (const t of tax) expect(t.text).toContain('3月15日');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(sink.received.filter((x) => x.to.includes(email))).toHaveLength(4);
    } finally {
      fakeNow = null;
    }
  });

  it('keeps a notification without an address as no_address (audited), sending nothing', async () => {
    const card = await holder(null);
    await record(card.cardId, 'counter_reset', 'done', { slot: 'juki' });
    await jobs.notifications.scanEvents();
    const row = await waitFor(() => system.db.selectFrom('notifications').selectAll().where('card_id', '=', card.cardId).executeTakeFirst());
    expect(row.status).toBe('no_address');
    const audit = await system.db.selectFrom('audit_log').select('action').where('target_id', '=', card.cardId).where('action', 'like', 'notification.%').execute();
    expect(audit.map((a) => a.action)).toEqual(['notification.no_address']);
  });

  it('retries a delivery the SMTP server refused, later, while PIN entries go on unaffected', async () => {
    const email = `retry-${store}@example.jp`;
    const card = await holder(email);
    sink.rejectNext(2);
    const before = sink.rejected;
    for (let i = 0; i < 3; i += 1) await api(system).verify(card, 'auth', '9999');
    // While the server refuses, the card answers at once and correctly: the entry never waits for the mail.
    await waitFor(() => sink.rejected > before, 20_000, 'a refused delivery');
    const started = Date.now();
    const other = await holder(null);
    const ok = await api(system).verify(other, 'auth', PINS.auth);
    expect(ok.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    const m = await mailTo(email, 'ロック');
    assertWellFormed(m, email);
    expect(sink.rejected - before).toBe(2);
    // The server has the message; the row is marked sent right after its answer.
    const row = await waitFor(() => system.db.selectFrom('notifications').selectAll().where('card_id', '=', card.cardId).where('status', '=', 'sent').executeTakeFirst(), 10_000, 'the row marked sent');
    expect(Number(row.attempts)).toBe(3);
    expect(row.last_error).toMatch(/451|temporarily/);
    // The retries waited: pg-boss's backoff (1 s, then 2 s) lies between the first refusal and the delivery.
    const { rows } = await sql<{ retry_count: number }>`select retry_count from pgboss.job where id = ${row.id} union all select retry_count from pgboss.archive where id = ${row.id}`.execute(system.db);
    expect(rows[0]!.retry_count).toBe(2);
  });
});

describe.each(STORES)('a delivery that keeps failing (%s)', (store) => {
  let system: TestSystem;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sink = await startSmtpSink(4215 + STORES.indexOf(store));
    system = await createTestSystem(store);
    await system.startJobs({ smtpUrl: sink.url, mailFrom: 'Kagiya <no-reply@kagiya.test>', scanSeconds: 1, settleMs: 0, retryLimit: 1, retryDelaySeconds: 1, pollingIntervalSeconds: 0.5 });
  }, 60_000);
  afterAll(async () => {
    await system?.dispose();
    await sink?.close();
  });

  it('is given up after its last retry, marked failed and audited, and the card is untouched', async () => {
    const card = await api(system).newCard();
    await system.db.updateTable('residents').set({ contact_email: `fails-${store}@example.jp` }).where('id', '=', card.residentId).execute();
    sink.rejectNext(100);
    for (let i = 0; i < 3; i += 1) await api(system).verify(card, 'auth', '9999');
    const row = await waitFor(() => system.db.selectFrom('notifications').selectAll().where('card_id', '=', card.cardId).where('status', '=', 'failed').executeTakeFirst(), 30_000, 'the notification to be given up');
    expect(Number(row.attempts)).toBe(2);
    expect(sink.received).toHaveLength(0);
    const audit = await system.db.selectFrom('audit_log').select('action').where('target_id', '=', card.cardId).where('action', 'like', 'notification.%').orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['notification.queued', 'notification.failed']);
    // The lock itself stands as the card recorded it.
    expect((await api(system).status(card)).body.pins.auth.remaining).toBe(0);
  });
});
