import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// The readiness check that spends nothing (issue 11 item 2), over HTTP on both stores: now and on a date, every
// problem with what to do and the municipality's guidance; counters and card events unchanged by reading.

type Card = { residentId: string; cardId: string; cardKey: string };

describe.each(STORES)('card readiness on %s', (store) => {
  let system: TestSystem;
  let now = new Date('2026-01-10T03:00:00Z');
  let http: ReturnType<typeof api>;

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
    http = api(system);
  });
  afterAll(async () => system?.dispose());

  const health = (card: Card, query = '') => http.call('GET', `/api/v1/cards/${card.cardId}/health${query}`, { headers: { 'x-card-key': card.cardKey } });
  const ledger = async (card: Card) => {
    const rows = await sql<{ slot: string; remaining: number }>`select slot, remaining from pin_slots where card_id = ${card.cardId} order by slot`.execute(system.db);
    const events = await sql<{ n: number }>`select count(*)::int as n from card_events where card_id = ${card.cardId}`.execute(system.db);
    return { slots: rows.rows, events: events.rows[0]!.n };
  };

  it('says yes for a healthy card, names the guidance page, and spends nothing', async () => {
    now = new Date('2026-01-10T03:00:00Z');
    const card = await http.newCard({ birthDate: '1980-03-15' });
    const before = await ledger(card);
    const r = await health(card);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cardId: card.cardId, on: '2026-01-10', ready: true, problems: [], guidanceUrl: '/guidance/111007', municipality: { code: '111007', nameJa: 'さいたま市' } });
    expect(r.body.services.map((s: { service: string; ready: boolean }) => [s.service, s.ready])).toEqual([['etax_filing', true], ['portal', true], ['kiosk', true]]);
    expect(r.body.pins.auth).toEqual({ remaining: 3, max: 3, locked: false });
    await health(card, '?on=2027-03-15');
    expect(await ledger(card)).toEqual(before);
  });

  it('lists a locked PIN, a revoked certificate and used tries, with what to do, without spending a try', async () => {
    now = new Date('2026-01-10T03:00:00Z');
    const card = await http.newCard({ birthDate: '1980-03-15' });
    for (let i = 0; i < 3; i += 1) await http.verify(card, 'auth', '0000');
    await http.verify(card, 'assist', '0000');
    await http.call('POST', `/api/v1/residents/${card.residentId}/move`, { body: { address: '埼玉県さいたま市大宮区吉敷町1丁目124番地1', municipalityCode: '111007' }, headers: http.admin });
    const before = await ledger(card);
    const r = await health(card);
    expect(r.body.ready).toBe(false);
    expect(r.body.services.every((s: { ready: boolean }) => !s.ready)).toBe(true);
    const codes = r.body.problems.map((p: { code: string; slot: string | null; certificate: string | null }) => `${p.code}:${p.slot ?? p.certificate}`);
    expect(codes).toEqual(expect.arrayContaining(['PIN_LOCKED:auth', 'CERT_REVOKED:sign', 'PIN_TRIES_USED:assist']));
    const locked = r.body.problems.find((p: { code: string }) => p.code === 'PIN_LOCKED');
    expect(locked).toMatchObject({ severity: 'blocker', affects: ['etax_filing', 'portal', 'kiosk'] });
    expect(locked.message.ja).toContain('ロック');
    expect(locked.action.ja).toContain('窓口');
    const revoked = r.body.problems.find((p: { code: string }) => p.code === 'CERT_REVOKED');
    expect(revoked).toMatchObject({ severity: 'blocker', affects: ['etax_filing'] });
    expect(revoked.message.ja).toContain('暗証番号のロックではありません');
    expect(await ledger(card)).toEqual(before);
  });

  it('answers "will it work in March?" with the expiry as of that date', async () => {
    now = new Date('2026-01-10T03:00:00Z');
    const card = await http.newCard({ birthDate: '1980-03-15' }); // certificates end 2030-03-15 23:59:59 JST
    expect((await health(card, '?on=2030-03-15')).body).toMatchObject({ ready: true, on: '2030-03-15' });
    const soon = await health(card, '?on=2030-01-10');
    expect(soon.body.ready).toBe(true);
    expect(soon.body.problems.filter((p: { code: string }) => p.code === 'CERT_EXPIRING_SOON')).toHaveLength(2);
    expect(soon.body.problems[0]).toMatchObject({ severity: 'warning', daysLeft: 64 });
    const march = await health(card, '?on=2030-03-16');
    expect(march.body.ready).toBe(false);
    expect(march.body.certificates.auth.status).toBe('expired');
    expect(march.body.problems.filter((p: { code: string }) => p.code === 'CERT_EXPIRED').map((p: { certificate: string }) => p.certificate).sort()).toEqual(['auth', 'sign']);
    expect(march.body.problems[0].message.en).toContain('not a PIN lock');
  });

  it('refuses a date that is not one, one in the past, and a wrong card key', async () => {
    now = new Date('2026-01-10T03:00:00Z');
    const card = await http.newCard();
    expect((await health(card, '?on=2027-02-30')).body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'on' });
    expect((await health(card, '?on=2025-12-31')).body.error).toMatchObject({ code: 'INVALID_REQUEST', field: 'on' });
    expect((await health(card, '?on=tomorrow')).status).toBe(400);
    const wrong = await health({ ...card, cardKey: 'not-the-key' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('CARD_REJECTED');
  });

  it('names a suspended card (not a lock) and an under-15 card without a signing certificate', async () => {
    now = new Date('2026-01-10T03:00:00Z');
    const resident = await http.createResident({ birthDate: '2015-04-01' });
    const { sign: _sign, ...pins } = PINS;
    const issued = await http.issueCard(resident.body.id, pins);
    expect(issued.status).toBe(201);
    const r = await health({ residentId: resident.body.id, cardId: issued.body.cardId, cardKey: issued.body.cardKey });
    expect(r.body.services).toEqual(expect.arrayContaining([expect.objectContaining({ service: 'etax_filing', ready: false }), expect.objectContaining({ service: 'portal', ready: true })]));
    expect(r.body.problems.map((p: { code: string }) => p.code)).toContain('PIN_SLOT_ABSENT');
    const card = await http.newCard();
    await http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: '紛失の届出' }, headers: http.admin });
    const s = await health(card);
    expect(s.body.card.status).toBe('suspended');
    expect(s.body.problems[0]).toMatchObject({ code: 'CARD_SUSPENDED', severity: 'blocker' });
    expect(s.body.problems[0].message.ja).toContain('暗証番号のロックではありません');
  });
});
