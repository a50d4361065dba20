import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainHash } from '../../src/adapters/db/audit-store.js';
import type { AuditEntry } from '../../src/app/counter-ports.js';
import { api } from '../support/api.js';
import { newStaff, signIn } from '../support/staff.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// The hash-chained audit log against tampering, checked over HTTP (GET /api/v1/audit/verify, national auditor):
// a deleted, an inserted and a re-ordered row; a chain longer than one page (1,000 rows); concurrent appends.
const NOW = new Date('2026-03-03T01:00:00Z');

describe.each(STORES)('the audit chain on %s', (store) => {
  let system: TestSystem;
  let auditor: Record<string, string>;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => NOW });
    auditor = await signIn(system, await newStaff(system, 'auditor', null));
  });
  afterAll(async () => system?.dispose());

  const verify = async () => {
    const r = await api(system).call('GET', '/api/v1/audit/verify', { headers: auditor });
    expect(r.status).toBe(200);
    return r.body as { ok: boolean; checked: number; brokenAt?: number };
  };
  const entry = (i: number): AuditEntry => ({
    occurredAt: new Date(NOW.getTime() + i),
    actorId: 'audit-test',
    actorRole: 'clerk',
    municipalityCode: '111007',
    action: 'test.appended',
    targetType: 'test',
    targetId: `row-${i}`,
    reason: null,
    detail: { i },
  });
  const append = (from: number, count: number) =>
    system.deps.counter.run(async (s) => {
      for (let i = from; i < from + count; i += 1) await s.audit.append(entry(i));
    });
  const rows = () => system.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();

  /** Runs `tamper`, then puts the table back exactly as it was, so each test stands alone. */
  async function tampering(tamper: () => Promise<void>): Promise<void> {
    const snapshot = await rows();
    try {
      await tamper();
    } finally {
      await system.db.deleteFrom('audit_log').execute();
      if (snapshot.length > 0) await system.db.insertInto('audit_log').values(snapshot.map((r) => ({ ...r, detail: r.detail === null ? null : JSON.stringify(r.detail) }))).execute();
    }
    expect(await verify()).toMatchObject({ ok: true, checked: snapshot.length });
  }

  it('verifies an untouched chain, counting every row', async () => {
    await append(0, 5);
    const all = await rows();
    expect(await verify()).toEqual({ ok: true, checked: all.length });
  });

  it('finds a deleted row: the row after it no longer follows its predecessor', async () => {
    await append(100, 5);
    await tampering(async () => {
      const all = await rows();
      const victim = all.at(-3)!;
      await system.db.deleteFrom('audit_log').where('seq', '=', victim.seq).execute();
      expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(all.at(-2)!.seq) });
    });
  });

  it('finds a row inserted in the middle, even with a hash correctly computed over its predecessor', async () => {
    await append(200, 5);
    await tampering(async () => {
      const all = await rows();
      const before = all.at(-3)!;
      // Make room after `before` (two steps, so the primary key never collides), then forge the row.
      await system.db.updateTable('audit_log').set({ seq: sql`seq + 1000000` }).where('seq', '>', before.seq).execute();
      await system.db.updateTable('audit_log').set({ seq: sql`seq - 999999` }).where('seq', '>', Number(before.seq) + 1000000).execute();
      const forged: AuditEntry = { ...entry(999), action: 'staff.created', targetId: 'forged' };
      const hash = chainHash(before.hash, forged);
      await system.db
        .insertInto('audit_log')
        .values({
          seq: Number(before.seq) + 1,
          occurred_at: forged.occurredAt,
          actor_id: forged.actorId,
          actor_role: forged.actorRole,
          municipality_code: forged.municipalityCode,
          action: forged.action,
          target_type: forged.targetType,
          target_id: forged.targetId,
          reason: null,
          detail: JSON.stringify(forged.detail),
          prev_hash: before.hash,
          hash,
        })
        .execute();
      // The forged row itself checks out; the original row after it does not.
      expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(before.seq) + 2 });
    });
  });

  it('finds two rows swapped', async () => {
    await append(300, 5);
    await tampering(async () => {
      const all = await rows();
      const [a, b] = [all.at(-4)!, all.at(-3)!];
      await system.db.updateTable('audit_log').set({ seq: -1 }).where('seq', '=', a.seq).execute();
      await system.db.updateTable('audit_log').set({ seq: a.seq }).where('seq', '=', b.seq).execute();
      await system.db.updateTable('audit_log').set({ seq: b.seq }).where('seq', '=', -1).execute();
      expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(a.seq) });
    });
  });

  it('finds a rewritten detail, and marks only that row in the listing', async () => {
    await append(400, 3);
    await tampering(async () => {
      const victim = (await rows()).at(-2)!;
      await system.db.updateTable('audit_log').set({ detail: JSON.stringify({ i: -1 }) }).where('seq', '=', victim.seq).execute();
      expect(await verify()).toMatchObject({ ok: false, brokenAt: Number(victim.seq) });
      const admin = await signIn(system, await newStaff(system, 'municipal_admin', '111007'));
      const listed = await api(system).call('GET', '/api/v1/audit?limit=10', { headers: admin });
      expect(listed.body.entries.filter((e: { intact: boolean }) => !e.intact).map((e: { seq: number }) => e.seq)).toEqual([Number(victim.seq)]);
    });
  });

  /** Appends a long run of rows chained exactly as the store does, in a few bulk inserts (thousands of appends take long). */
  async function appendChained(from: number, count: number): Promise<void> {
    let prev = (await rows()).at(-1)?.hash ?? Buffer.alloc(32);
    const values = [];
    for (let i = from; i < from + count; i += 1) {
      const e = entry(i);
      const hash = chainHash(prev, e);
      values.push({ occurred_at: e.occurredAt, actor_id: e.actorId, actor_role: e.actorRole, municipality_code: e.municipalityCode, action: e.action, target_type: e.targetType, target_id: e.targetId, reason: e.reason, detail: JSON.stringify(e.detail), prev_hash: prev, hash });
      prev = hash;
    }
    for (let i = 0; i < values.length; i += 500) await system.db.insertInto('audit_log').values(values.slice(i, i + 500)).execute();
  }

  it('walks a chain past one page of 1,000 rows, and finds a break on the third page', async () => {
    const start = (await rows()).length;
    await appendChained(10_000, 2_300 - start);
    // The store's own append continues the bulk-made chain.
    await append(20_000, 2);
    const all = await rows();
    expect(all.length).toBeGreaterThanOrEqual(2_300);
    expect(await verify()).toEqual({ ok: true, checked: all.length });
    await tampering(async () => {
      const victim = all[2_150]!;
      await system.db.updateTable('audit_log').set({ reason: 'rewritten' }).where('seq', '=', victim.seq).execute();
      expect(await verify()).toEqual({ ok: false, checked: 2_150, brokenAt: Number(victim.seq) });
    });
  });

  // On PostgreSQL the appends run on separate pooled connections; PGlite serialises its single connection.
  it('keeps one chain under concurrent appends', async () => {
    const before = (await rows()).length;
    await Promise.all(Array.from({ length: 40 }, (_, i) => append(50_000 + i * 10, 3)));
    const all = await rows();
    expect(all.length).toBe(before + 120);
    expect(new Set(all.map((r) => Buffer.from(r.prev_hash).toString('hex'))).size).toBe(all.length);
    expect(await verify()).toEqual({ ok: true, checked: all.length });
  });
});
