import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';
import { waitFor } from '../notifications/smtp-sink.js';

// Issue 13 item 3: mass suspension and restore as jobs on the queue, national admin only; every card goes through the
// single-card transition (card, certificates, event with the job id, audit), holders are notified. Both stores.

describe.each(STORES)('mass suspension and restore jobs (%s)', (store) => {
  let system: TestSystem;
  let municipal: Record<string, string>;
  let clerk: Record<string, string>;
  const cards: { cardId: string; cardKey: string; residentId: string }[] = [];
  let yokohama: { cardId: string; cardKey: string; residentId: string };

  beforeAll(async () => {
    system = await createTestSystem(store);
    const token = async (role: 'municipal_admin' | 'clerk') =>
      system.tokens.create({ id: system.deps.secrets.newId(), label: `${role} saitama`, role, municipalityCode: '111007', now: new Date() });
    municipal = { authorization: `Bearer ${await token('municipal_admin')}` };
    clerk = { authorization: `Bearer ${await token('clerk')}` };
    for (let i = 0; i < 7; i += 1) cards.push(await api(system).newCard());
    yokohama = await api(system).newCard({ municipalityCode: '141003', address: '神奈川県横浜市中区港町1丁目1番地' });
  }, 120_000);
  afterAll(async () => {
    await system?.dispose();
  });

  const post = (body: unknown, headers: Record<string, string> = api(system).admin) => api(system).call('POST', '/api/v1/admin/mass-jobs', { body, headers });

  it('refuses municipality staff and anonymous callers, and a job without a scope', async () => {
    const body = { operation: 'suspend', reason: '一斉停止の試験', scope: { municipalityCode: '111007' } };
    // Other tests of this file share the database and may run first (shuffled): count only what this one adds.
    const jobsBefore = (await system.db.selectFrom('mass_jobs').select('id').execute()).length;
    expect((await post(body, municipal)).status).toBe(403);
    expect((await post(body, clerk)).status).toBe(403);
    expect((await post(body, {})).status).toBe(401);
    expect((await api(system).call('GET', '/api/v1/admin/mass-jobs', { headers: municipal })).status).toBe(403);
    const empty = await post({ ...body, scope: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('INVALID_REQUEST');
    expect((await post({ ...body, scope: { municipalityCode: '111008' } })).body.error.code).toBe('INVALID_MUNICIPALITY');
    expect((await post({ ...body, scope: { caId: 'no-such-ca' } })).status).toBe(404);
    expect((await post({ ...body, scope: { issuedFrom: '2026-02-01', issuedTo: '2026-01-01' } })).status).toBe(400);
    expect((await post({ ...body, operation: 'revoke' })).status).toBe(400);
    expect((await post({ ...body, scope: { municipalityCode: '111007', extra: 1 } })).status).toBe(400);
    const after = await system.db.selectFrom('mass_jobs').select('id').execute();
    expect(after).toHaveLength(jobsBefore);
  });

  it('suspends every card in scope once, like the single-card suspension, and restores them', async () => {
    const created = await post({ operation: 'suspend', reason: '一斉停止の試験', scope: { municipalityCode: '111007' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ operation: 'suspend', state: 'queued', total: 7, processed: 0, scope: { municipalityCode: '111007' } });
    const jobId = created.body.id as string;
    // The worker (pg-boss) takes it up; batches of 3 here, so the job takes several.
    const jobs = await system.startJobs({ smtpUrl: null, mailFrom: 'x@kagiya.test', scanSeconds: 1, settleMs: 0, pollingIntervalSeconds: 0.5, massBatchSize: 3 });
    const done = await waitFor(async () => {
      const r = await api(system).call('GET', `/api/v1/admin/mass-jobs/${jobId}`, { headers: api(system).admin });
      return r.body.state === 'done' ? r.body : null;
    }, 60_000, 'the job to finish');
    expect(done).toMatchObject({ total: 7, processed: 7, changed: 7 });
    expect(done.finishedAt).not.toBeNull();
    for (const card of cards) {
      const s = await api(system).status(card);
      expect(s.body.cardStatus ?? s.body.status).toBe('suspended');
      const certs = await system.db.selectFrom('certificates').select('status').where('card_id', '=', card.cardId).where('current', '=', true).execute();
      expect(certs.map((c) => c.status)).toEqual(['suspended', 'suspended']);
      const events = await sql<{ detail: { jobId: string; reason: string } }>`select detail from card_events where card_id = ${card.cardId} and operation = 'suspend'`.execute(system.db);
      expect(events.rows).toHaveLength(1);
      expect(events.rows[0]!.detail).toEqual({ jobId, reason: '一斉停止の試験' });
      const audit = await system.db.selectFrom('audit_log').select(['action', 'detail', 'municipality_code']).where('target_id', '=', card.cardId).where('action', '=', 'card.suspend').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.detail).toMatchObject({ jobId, from: 'active', to: 'suspended' });
      expect(audit[0]!.municipality_code).toBe('111007');
    }
    // Out of scope: untouched.
    expect((await system.db.selectFrom('cards').select('status').where('id', '=', yokohama.cardId).executeTakeFirstOrThrow()).status).toBe('active');
    // A suspended certificate answers "held" to relying services: the CRL revision moved.
    const crl = await system.db.selectFrom('ca_crls').select('revision').execute();
    expect(crl.reduce((n, r) => n + Number(r.revision), 0)).toBeGreaterThanOrEqual(14);
    // The holders are told (derived from the events by the notifier).
    await jobs.notifications.scanEvents();
    const told = await system.db.selectFrom('notifications').select('card_id').where('kind', '=', 'card_suspended').execute();
    expect(new Set(told.map((t) => t.card_id))).toEqual(new Set(cards.map((c) => c.cardId)));
    // The job's own audit entries: created and finished.
    const jobAudit = await system.db.selectFrom('audit_log').select('action').where('target_id', '=', jobId).orderBy('seq').execute();
    expect(jobAudit.map((a) => a.action)).toEqual(['mass_job.suspend', 'mass_job.finished']);

    // Restore by issuance period (today, JST): every suspended card, the Yokohama one was never suspended.
    const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    const restore = await post({ operation: 'restore', reason: '誤って停止したため', scope: { issuedFrom: today, issuedTo: today } });
    expect(restore.body).toMatchObject({ state: 'queued', total: 7 });
    await waitFor(async () => (await system.deps.massJobs.find(restore.body.id))?.state === 'done', 60_000, 'the restore job');
    for (const card of cards) {
      expect((await system.db.selectFrom('cards').select('status').where('id', '=', card.cardId).executeTakeFirstOrThrow()).status).toBe('active');
      const certs = await system.db.selectFrom('certificates').select('status').where('card_id', '=', card.cardId).where('current', '=', true).execute();
      expect(certs.map((c) => c.status)).toEqual(['valid', 'valid']);
    }
    const list = await api(system).call('GET', '/api/v1/admin/mass-jobs', { headers: api(system).admin });
    expect(list.body.jobs.map((j: { operation: string; state: string }) => `${j.operation}:${j.state}`)).toEqual(['restore:done', 'suspend:done']);
    expect((await api(system).call('GET', `/api/v1/admin/mass-jobs/${jobId}`, { headers: municipal })).status).toBe(403);
    expect((await api(system).call('GET', '/api/v1/admin/mass-jobs/00000000-0000-4000-8000-000000000000', { headers: api(system).admin })).status).toBe(404);
  }, 120_000);
});
