import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMassJobStore } from '../../src/adapters/db/mass-job-store.js';
import { api } from '../support/api.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// A national admin stops a mass job started on a mistaken scope: no batch runs after the cancellation commits, the
// cards changed before it stay changed, and who stopped it and why are on the job and in the audit log. Both stores.
// Batches are driven through the store here (the worker's own loop, one batch at a time), so "after the cancellation"
// is a fact of the test, not a race with the queue.

describe.each(STORES)('cancelling a mass job (%s)', (store) => {
  let system: TestSystem;
  let http: ReturnType<typeof api>;
  let municipal: Record<string, string>;
  let clerk: Record<string, string>;
  const YOKOHAMA = { municipalityCode: '141003', address: '神奈川県横浜市中区港町1丁目1番地' };

  beforeAll(async () => {
    system = await createTestSystem(store);
    http = api(system);
    const token = async (role: 'municipal_admin' | 'clerk') =>
      system.tokens.create({ id: system.deps.secrets.newId(), label: `${role} saitama`, role, municipalityCode: '111007', now: new Date() });
    municipal = { authorization: `Bearer ${await token('municipal_admin')}` };
    clerk = { authorization: `Bearer ${await token('clerk')}` };
  }, 120_000);
  afterAll(async () => {
    await system?.dispose();
  });

  const start = async (municipalityCode: string) => {
    const r = await http.call('POST', '/api/v1/admin/mass-jobs', { body: { operation: 'suspend', reason: '一斉停止の試験', scope: { municipalityCode } }, headers: http.admin });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };
  const cancel = (jobId: string, body: unknown = { reason: '対象の指定誤り' }, headers: Record<string, string> = http.admin) =>
    http.call('POST', `/api/v1/admin/mass-jobs/${jobId}/cancel`, { body, headers });
  const statuses = async (cardIds: string[]) =>
    (await system.db.selectFrom('cards').select(['id', 'status']).where('id', 'in', cardIds).execute()).map((c) => c.status).sort();

  it('stops a job halfway: the batch before stays, none after, and the console sees who and why', async () => {
    const cards = [];
    for (let i = 0; i < 5; i += 1) cards.push(await http.newCard());
    const jobId = await start('111007');
    const batches = createMassJobStore(system.db);
    expect(await batches.runBatch(jobId, 2, new Date())).toEqual({ state: 'running', changed: 2 });

    const cancelled = await cancel(jobId);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ id: jobId, state: 'cancelled', total: 5, processed: 2, changed: 2, cancelReason: '対象の指定誤り' });
    expect(cancelled.body.cancelledBy).toBeTruthy();
    expect(cancelled.body.finishedAt).not.toBeNull();

    // The worker's next batch finds it cancelled; the sweep no longer offers it.
    expect(await batches.runBatch(jobId, 2, new Date())).toEqual({ state: 'done', changed: 0 });
    expect(await batches.unfinished()).not.toContain(jobId);
    expect(await statuses(cards.map((c) => c.cardId))).toEqual(['active', 'active', 'active', 'suspended', 'suspended']);

    const audit = await system.db.selectFrom('audit_log').select(['action', 'reason', 'detail', 'actor_role']).where('target_id', '=', jobId).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(['mass_job.suspend', 'mass_job.cancelled']);
    expect(audit[1]).toMatchObject({ reason: '対象の指定誤り', actor_role: 'national_admin', detail: { operation: 'suspend', from: 'running', changed: 2, total: 5 } });

    const listed = await http.call('GET', '/api/v1/admin/mass-jobs', { headers: http.admin });
    expect(listed.body.jobs.find((j: { id: string }) => j.id === jobId)).toMatchObject({ state: 'cancelled', cancelReason: '対象の指定誤り' });
  });

  it('stops a job before any worker takes it up: nothing changes', async () => {
    const cards = [await http.newCard(YOKOHAMA), await http.newCard(YOKOHAMA)];
    const jobId = await start('141003');
    expect((await cancel(jobId)).body).toMatchObject({ state: 'cancelled', processed: 0, changed: 0 });
    expect(await createMassJobStore(system.db).runBatch(jobId, 10, new Date())).toEqual({ state: 'done', changed: 0 });
    expect(await statuses(cards.map((c) => c.cardId))).toEqual(['active', 'active']);
  });

  it('refuses to cancel a job that has ended, and says so without writing anything', async () => {
    await http.newCard({ municipalityCode: '131016', address: '東京都千代田区九段南1丁目2番1号' });
    const jobId = await start('131016');
    const batches = createMassJobStore(system.db);
    while ((await batches.runBatch(jobId, 10, new Date())).state !== 'done');
    const auditBefore = await system.db.selectFrom('audit_log').select('seq').where('target_id', '=', jobId).execute();

    const late = await cancel(jobId);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'MASS_JOB_FINISHED', state: 'done' });
    expect((await http.call('GET', `/api/v1/admin/mass-jobs/${jobId}`, { headers: http.admin })).body.state).toBe('done');
    expect(await system.db.selectFrom('audit_log').select('seq').where('target_id', '=', jobId).execute()).toHaveLength(auditBefore.length);

    // Cancelled once, a second cancellation is refused the same way.
    const other = await start('131016');
    expect((await cancel(other)).status).toBe(200);
    const again = await cancel(other);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'MASS_JOB_FINISHED', state: 'cancelled' });
  });

  it('is for the national admin only, and refuses bad requests as the caller\'s mistake', async () => {
    const jobId = await start('111007');
    expect((await cancel(jobId, undefined, municipal)).status).toBe(403);
    expect((await cancel(jobId, undefined, clerk)).status).toBe(403);
    expect((await cancel(jobId, undefined, {})).status).toBe(401);
    expect((await http.call('GET', `/api/v1/admin/mass-jobs/${jobId}`, { headers: clerk })).status).toBe(403);
    const empty = await cancel(jobId, { reason: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('INVALID_REQUEST');
    expect((await cancel(jobId, { reason: 'x'.repeat(201) })).status).toBe(400);
    expect((await cancel(jobId, { reason: 'ok', extra: 1 })).status).toBe(400);
    expect((await cancel('not-a-uuid')).status).toBe(400);
    const unknown = await cancel('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    // None of the refusals touched the job.
    expect((await http.call('GET', `/api/v1/admin/mass-jobs/${jobId}`, { headers: http.admin })).body.state).toBe('queued');
  });
});
