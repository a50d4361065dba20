import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';
import { reportFigures } from './support/figures.js';

// Part 8 — tamper evidence. Someone with SQL access edits, deletes or re-orders an audit row or a card event; the
// chain checks (GET /api/v1/audit/verify, GET /api/v1/audit/card-events/verify) must notice and name the row.
// After each tampering the row is put back and the chain must read intact again, so each case stands alone.
describe.each(STORES)('part 8: tamper evidence on %s', (store) => {
  let system: TestSystem;
  const detected: Record<string, string> = {};

  beforeAll(async () => {
    system = await createTestSystem(store);
    const http = api(system);
    // audit rows (registrations, issuances) and card events (right, wrong, locked, status reads do not record)
    for (let i = 0; i < 4; i += 1) {
      const card = await http.newCard();
      await http.verify(card, 'auth', '9999');
      await http.verify(card, 'auth', PINS.auth);
      await http.verify(card, 'auth', '9999');
    }
  });
  afterAll(async () => {
    if (Object.keys(detected).length) reportFigures(`part 8 tamper evidence (${store})`, { cases: Object.keys(detected).length, detected });
    await system?.dispose();
  });

  const auditCheck = async () => {
    const r = await api(system).call('GET', '/api/v1/audit/verify', { headers: api(system).admin });
    expect(r.status).toBe(200);
    return r.body as { ok: boolean; checked: number; brokenAt?: number };
  };
  const eventCheck = async () => {
    const r = await api(system).call('GET', '/api/v1/audit/card-events/verify', { headers: api(system).admin });
    expect(r.status).toBe(200);
    return r.body as { ok: boolean; checked: number; broken: Array<{ cardId: string; eventId: number | null; reason: string }> };
  };
  const q = <T>(text: string) => sql.raw<T>(text).execute(system.db).then((r) => r.rows);
  // Putting a removed event back must not chain it anew: the trigger is off for that one transaction.
  const restoreEvents = (where: string) =>
    system.db.transaction().execute(async (trx) => {
      await sql.raw('set local session_replication_role = replica').execute(trx);
      await sql.raw(`insert into card_events select * from kept_events where ${where}`).execute(trx);
    });
  const auditRows = () => q<{ seq: number }>('select seq::int as seq from audit_log order by seq');
  const events = () => q<{ id: number; card_id: string; result: string }>('select id::int as id, card_id::text, result from card_events order by card_id, id');

  it('finds both chains intact before anything is touched', async () => {
    expect((await auditCheck()).ok).toBe(true);
    const e = await eventCheck();
    expect(e).toMatchObject({ ok: true, broken: [] });
    expect(e.checked).toBeGreaterThanOrEqual(16);
  });

  it('names an edited audit row', async () => {
    const seq = (await auditRows())[2]!.seq;
    const [before] = await q<{ reason: string | null }>(`select reason from audit_log where seq = ${seq}`);
    await q(`update audit_log set reason = 'nothing happened here' where seq = ${seq}`);
    const r = await auditCheck();
    expect(r).toMatchObject({ ok: false, brokenAt: seq });
    detected['audit row edited'] = `brokenAt ${r.brokenAt}`;
    await sql`update audit_log set reason = ${before!.reason} where seq = ${seq}`.execute(system.db);
    expect((await auditCheck()).ok).toBe(true);
  });

  it('names the row after a deleted audit row', async () => {
    const rows = await auditRows();
    const seq = rows[3]!.seq;
    const next = rows[4]!.seq;
    await q('create temp table kept_audit as select * from audit_log where false');
    await q(`insert into kept_audit select * from audit_log where seq = ${seq}`);
    await q(`delete from audit_log where seq = ${seq}`);
    const r = await auditCheck();
    expect(r).toMatchObject({ ok: false, brokenAt: next });
    detected['audit row deleted'] = `brokenAt ${r.brokenAt} (the row after the gap)`;
    await q('insert into audit_log select * from kept_audit');
    await q('drop table kept_audit');
    expect((await auditCheck()).ok).toBe(true);
  });

  it('names re-ordered audit rows', async () => {
    const rows = await auditRows();
    const [a, b] = [rows[1]!.seq, rows[2]!.seq];
    await q(`update audit_log set seq = -1 where seq = ${a}`);
    await q(`update audit_log set seq = ${a} where seq = ${b}`);
    await q(`update audit_log set seq = ${b} where seq = -1`);
    const r = await auditCheck();
    expect(r).toMatchObject({ ok: false, brokenAt: a });
    detected['audit rows swapped'] = `brokenAt ${r.brokenAt}`;
    await q(`update audit_log set seq = -1 where seq = ${a}`);
    await q(`update audit_log set seq = ${a} where seq = ${b}`);
    await q(`update audit_log set seq = ${b} where seq = -1`);
    expect((await auditCheck()).ok).toBe(true);
  });

  it('names an edited card event (a wrong entry rewritten as a success)', async () => {
    const target = (await events()).find((e) => e.result === 'incorrect')!;
    await q(`update card_events set result = 'success' where id = ${target.id}`);
    const r = await eventCheck();
    expect(r.ok).toBe(false);
    expect(r.broken).toContainEqual({ cardId: target.card_id, eventId: target.id, reason: 'content' });
    detected['card event edited'] = JSON.stringify(r.broken[0]);
    await q(`update card_events set result = 'incorrect' where id = ${target.id}`);
    expect((await eventCheck()).ok).toBe(true);
  });

  it('names the event after a deleted card event, and the card whose last event was deleted', async () => {
    const all = await events();
    const card = all[0]!.card_id;
    const own = all.filter((e) => e.card_id === card);
    await q('create temp table kept_events as select * from card_events where false');
    await q(`insert into kept_events select * from card_events where id in (${own[1]!.id}, ${own.at(-1)!.id})`);
    await q(`delete from card_events where id = ${own[1]!.id}`);
    let r = await eventCheck();
    expect(r.broken).toContainEqual({ cardId: card, eventId: own[2]!.id, reason: 'order' });
    detected['card event deleted'] = JSON.stringify(r.broken.find((b) => b.eventId === own[2]!.id));
    await restoreEvents(`id = ${own[1]!.id}`);
    expect((await eventCheck()).ok).toBe(true);

    await q(`delete from card_events where id = ${own.at(-1)!.id}`);
    r = await eventCheck();
    expect(r.broken).toContainEqual({ cardId: card, eventId: null, reason: 'head' });
    detected['last card event deleted'] = JSON.stringify(r.broken[0]);
    await restoreEvents(`id = ${own.at(-1)!.id}`);
    await q('drop table kept_events');
    expect((await eventCheck()).ok).toBe(true);
  });

  it('names re-ordered card events (two events swap places)', async () => {
    const all = await events();
    const own = all.filter((e) => e.card_id === all.at(-1)!.card_id);
    const [a, b] = [own[0]!.id, own[1]!.id];
    await q(`update card_events set id = -1 where id = ${a}`);
    await q(`update card_events set id = ${a} where id = ${b}`);
    await q(`update card_events set id = ${b} where id = -1`);
    const r = await eventCheck();
    expect(r.broken.map((x) => x.eventId)).toContain(a);
    detected['card events swapped'] = JSON.stringify(r.broken[0]);
    await q(`update card_events set id = -1 where id = ${a}`);
    await q(`update card_events set id = ${a} where id = ${b}`);
    await q(`update card_events set id = ${b} where id = -1`);
    expect((await eventCheck()).ok).toBe(true);
  });

  it('lets only national roles run the card event check', async () => {
    const r = await api(system).call('GET', '/api/v1/audit/card-events/verify');
    expect(r.status).toBe(401);
  });
});
