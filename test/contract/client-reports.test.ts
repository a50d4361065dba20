import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyReport } from '../../src/domain/client-report.js';
import { api } from '../support/api.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// Issue 11 item 1: clients report what they showed a person; a report is stored beside the record and never
// changes a counter. Limited per card and per source (429 CLIENT_REPORT_RATE_LIMITED), bodies bounded, bad input 4xx.

const START = new Date('2026-02-01T01:00:00Z');
const MINUTE = 60_000;
const DAY = 86_400_000;

describe.each(STORES)('client reports on %s', (store) => {
  let system: TestSystem;
  let http: ReturnType<typeof api>;
  let now = START;
  let rp: Record<string, string>;
  let clerkSaitama: Record<string, string>;
  let clerkYokohama: Record<string, string>;
  const report = (body: Record<string, unknown>, headers: Record<string, string>) => http.call('POST', '/api/v1/client-reports', { body, headers });
  const lockedShown = { shownCode: 'PIN_LOCKED', app: 'MynaApp', appVersion: '1.4.2', channel: 'smartphone', service: 'mynaportal', clientCause: 'nfc_read_failed' };
  const token = async (role: string, municipalityCode: string | null) => {
    const r = await http.call('POST', '/api/v1/api-tokens', { body: { label: `${role} ${municipalityCode}`, role, municipalityCode }, headers: http.admin });
    expect(r.status).toBe(201);
    return { authorization: `Bearer ${r.body.token}` };
  };

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now, clientReportLimits: { perCard: 12, perSource: 20, windowMs: 3_600_000 } });
    http = api(system);
    rp = await token('relying_party', null);
    clerkSaitama = await token('clerk', '111007');
    clerkYokohama = await token('clerk', '141003');
  });
  afterAll(async () => system?.dispose());

  it('accepts a report made with the card key and changes no counter and no event', async () => {
    const card = await http.newCard();
    await http.verify(card, 'auth', '9999');
    const before = await http.status(card);
    const eventsBefore = await http.events(card);
    const r = await report({ ...lockedShown, cardId: card.cardId, slot: 'auth' }, { 'x-card-key': card.cardKey });
    expect(r).toEqual({ status: 202, body: { received: true } });
    expect(await http.status(card)).toEqual(before);
    expect(await http.events(card)).toEqual(eventsBefore);
    expect(before.body.pins.auth.remaining).toBe(2);
  });

  it('accepts a relying party with or without a card, and refuses staff, strangers and a wrong card key', async () => {
    const card = await http.newCard();
    expect((await report({ ...lockedShown, cardId: card.cardId }, rp)).status).toBe(202);
    expect((await report({ ...lockedShown, shownCode: 'SERVICE_BUSY' }, rp)).status).toBe(202);
    expect((await report({ ...lockedShown, cardId: '00000000-0000-4000-8000-000000000000' }, rp)).body.error.code).toBe('NOT_FOUND');
    expect((await report({ ...lockedShown, cardId: card.cardId }, clerkSaitama)).body.error.code).toBe('FORBIDDEN');
    expect((await report({ ...lockedShown, cardId: card.cardId }, {})).body.error.code).toBe('UNAUTHENTICATED');
    expect((await report({ ...lockedShown, cardId: card.cardId }, { 'x-card-key': 'not-the-key' })).body.error.code).toBe('CARD_REJECTED');
    expect((await report({ ...lockedShown }, { 'x-card-key': card.cardKey })).body.error.code).toBe('CARD_REJECTED');
  });

  it('refuses malformed reports with 4xx codes and never a 5xx', async () => {
    const card = await http.newCard();
    const key = { 'x-card-key': card.cardKey };
    const bad: Array<Record<string, unknown>> = [
      { ...lockedShown, cardId: card.cardId, shownCode: 'LOCKED_MAYBE' },
      { ...lockedShown, cardId: card.cardId, app: '' },
      { ...lockedShown, cardId: card.cardId, appVersion: 'x'.repeat(33) },
      { ...lockedShown, cardId: card.cardId, channel: 'fax' },
      { ...lockedShown, cardId: card.cardId, slot: 'pin' },
      { ...lockedShown, cardId: card.cardId, clientCause: 'cosmic rays' },
      { ...lockedShown, cardId: card.cardId, extra: 1 },
      { ...lockedShown, cardId: 'not-a-uuid' },
      { ...lockedShown, cardId: card.cardId, detail: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) },
      { ...lockedShown, cardId: card.cardId, detail: { nested: { a: 1 } } },
    ];
    for (const body of bad) {
      const r = await report(body, key);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('INVALID_REQUEST');
    }
    const huge = await report({ ...lockedShown, cardId: card.cardId, detail: { note: 'x'.repeat(5000) } }, key);
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const notJson = await system.app.request('/api/v1/client-reports', { method: 'POST', headers: { 'content-type': 'application/json', ...key }, body: '{"shownCode":' });
    expect(notJson.status).toBe(400);
    expect((await http.events(card)).body.events).toHaveLength(1);
  });

  it('limits reports per card and per source with 429 CLIENT_REPORT_RATE_LIMITED', async () => {
    const card = await http.newCard();
    for (let i = 0; i < 12; i += 1) expect((await report({ ...lockedShown, cardId: card.cardId }, { 'x-card-key': card.cardKey })).status).toBe(202);
    const over = await system.app.request('/api/v1/client-reports', { method: 'POST', headers: { 'content-type': 'application/json', 'x-card-key': card.cardKey }, body: JSON.stringify({ ...lockedShown, cardId: card.cardId }) });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('3600');
    expect(((await over.json()) as { error: { code: string; limit: string } }).error).toMatchObject({ code: 'CLIENT_REPORT_RATE_LIMITED', limit: 'card' });
    // The same card through a relying party: still the card's limit.
    expect((await report({ ...lockedShown, cardId: card.cardId }, rp)).body.error).toMatchObject({ code: 'CLIENT_REPORT_RATE_LIMITED', limit: 'card' });
    // A relying party of its own: 20 per window whatever the card.
    const other = await token('relying_party', null);
    for (let i = 0; i < 20; i += 1) expect((await report({ ...lockedShown }, other)).status).toBe(202);
    expect((await report({ ...lockedShown }, other)).body.error).toMatchObject({ code: 'CLIENT_REPORT_RATE_LIMITED', limit: 'source' });
    // The window slides: an hour later the card may report again.
    now = new Date(now.getTime() + 61 * MINUTE);
    expect((await report({ ...lockedShown, cardId: card.cardId }, { 'x-card-key': card.cardKey })).status).toBe(202);
    expect((await http.status(card)).body.pins.auth.remaining).toBe(3);
  });

  it("names the mismatch in the counter's diagnosis: shown locked 4 times since 2026-02-01, never locked", async () => {
    now = new Date('2026-02-01T03:00:00Z');
    const card = await http.newCard();
    await http.verify(card, 'auth', '4831', { 'x-kagiya-channel': 'pc', 'x-kagiya-service': 'mynaportal' });
    for (let i = 0; i < 4; i += 1) {
      now = new Date(now.getTime() + 3 * DAY);
      expect((await report({ ...lockedShown, cardId: card.cardId }, { 'x-card-key': card.cardKey })).status).toBe(202);
    }
    const d = await http.call('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`, { headers: clerkSaitama });
    expect(d.status).toBe(200);
    expect(d.body.verdict.code).toBe('CLIENT_MISMATCH');
    expect(d.body.verdict.text.ja).toContain('アプリ「MynaApp 1.4.2」は2026-02-04以降に4回「ロック」と表示しましたが、このカードの暗証番号は一度もロックされておらず');
    expect(d.body.verdict.text.en).toContain("showed “locked” 4 times since 2026-02-04; the card's slots were never locked; MynaApp 1.4.2 shows a failed NFC read as a lock.");
    expect(d.body.clientReports.tally).toEqual({ agrees: 0, mismatch: 4, outage: 0, unverifiable: 0 });
    expect(d.body.clientReports.reports.map((r: { class: string }) => r.class)).toEqual(['mismatch', 'mismatch', 'mismatch', 'mismatch']);
    expect((await http.call('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`, { headers: clerkYokohama })).status).toBe(404);
  });

  it('classifies in SQL exactly as the domain rule does', async () => {
    now = new Date('2026-03-01T00:00:00Z');
    const from = now;
    const card = await http.newCard();
    const key = { 'x-card-key': card.cardKey };
    const step = async (minutes: number) => (now = new Date(now.getTime() + minutes * MINUTE));
    await step(1);
    await http.verify(card, 'auth', '9999');
    await report({ ...lockedShown, cardId: card.cardId, shownCode: 'PIN_INCORRECT', slot: 'auth' }, key); // agrees
    await report({ ...lockedShown, cardId: card.cardId, slot: 'auth' }, key); // mismatch: tries left
    await step(2);
    await http.verify(card, 'auth', '9999');
    await http.verify(card, 'auth', '9999');
    await report({ ...lockedShown, cardId: card.cardId, slot: 'auth' }, key); // agrees: just locked
    await step(30);
    await report({ ...lockedShown, cardId: card.cardId }, key); // agrees: still locked
    await report({ ...lockedShown, cardId: card.cardId, slot: 'sign' }, key); // mismatch: another slot
    await report({ ...lockedShown, cardId: card.cardId, shownCode: 'CERT_EXPIRED' }, key); // mismatch
    await step(1);
    await http.verify(card, 'sign', 'abc', {}); // a malformed entry
    await report({ ...lockedShown, cardId: card.cardId, shownCode: 'PIN_FORMAT', slot: 'sign' }, key); // agrees
    await report({ ...lockedShown, cardId: card.cardId, shownCode: 'SERVICE_UNAVAILABLE' }, key); // outage
    await report({ ...lockedShown, cardId: card.cardId, shownCode: 'OTHER' }, key); // unverifiable
    const sql = await system.deps.clientReports.classified({ from, to: new Date(now.getTime() + 1), municipalityCode: null });
    const events = await system.deps.cards.listEvents(card.cardId, { limit: 500 });
    const reports = await system.deps.clientReports.listForCard(card.cardId, 100);
    const domain = reports.map((r) => ({ id: r.id, class: classifyReport(r, events) })).sort((a, b) => a.id - b.id);
    expect(sql).toEqual(domain);
    expect(domain.map((d) => d.class)).toEqual(['agrees', 'mismatch', 'agrees', 'agrees', 'mismatch', 'mismatch', 'agrees', 'outage', 'unverifiable']);
  });

  // Each test makes the reports it counts (files and tests run shuffled): `shown` reports of `app` on a card that was
  // never locked, so every one contradicts the record.
  const mismatches = async (app: string, appVersion: string, shown: number) => {
    const card = await http.newCard();
    for (let i = 0; i < shown; i += 1) {
      now = new Date(now.getTime() + MINUTE);
      expect((await report({ ...lockedShown, app, appVersion, cardId: card.cardId, slot: 'auth' }, { 'x-card-key': card.cardKey })).status).toBe(202);
    }
    return card;
  };

  it('shows the national admin the mismatch rate per app and version, and no one else', async () => {
    now = new Date('2026-04-10T00:00:00Z');
    await mismatches('RateApp', '2.0.1', 7);
    const agreeing = await http.newCard();
    for (let i = 0; i < 3; i += 1) await http.verify(agreeing, 'auth', '9999');
    expect((await report({ ...lockedShown, app: 'RateApp', appVersion: '2.0.1', cardId: agreeing.cardId, slot: 'auth' }, { 'x-card-key': agreeing.cardKey })).status).toBe(202);
    const r = await http.call('GET', '/api/v1/admin/client-reports/mismatch-rates?days=90', { headers: http.admin });
    expect(r.status).toBe(200);
    const row = r.body.rows.find((x: { app: string; appVersion: string }) => x.app === 'RateApp' && x.appVersion === '2.0.1');
    expect(row).toMatchObject({ mismatch: 7, agrees: 1 });
    expect(row.mismatchRate).toBeCloseTo(7 / 8);
    expect((await http.call('GET', '/api/v1/admin/client-reports/mismatch-rates', { headers: clerkSaitama })).body.error.code).toBe('FORBIDDEN');
    expect((await http.call('GET', '/api/v1/admin/client-reports/mismatch-rates', { headers: await token('auditor', null) })).body.error.code).toBe('FORBIDDEN');
    expect((await http.call('GET', '/api/v1/admin/client-reports/mismatch-rates')).body.error.code).toBe('UNAUTHENTICATED');
    expect((await http.call('GET', '/api/v1/admin/client-reports/mismatch-rates?days=0', { headers: http.admin })).status).toBe(400);
  });

  it('counts lock incidents by cause for the dashboard, each municipality its own', async () => {
    now = new Date('2026-05-20T00:00:00Z');
    const saitamaLocked = await http.newCard();
    for (let i = 0; i < 3; i += 1) await http.verify(saitamaLocked, 'auth', '9999');
    await mismatches('DashApp', '3.1.0', 7);
    expect((await report({ ...lockedShown, shownCode: 'SERVICE_BUSY' }, rp)).status).toBe(202); // an outage, no card named
    const yokohama = await http.newCard({ municipalityCode: '141003', address: '神奈川県横浜市中区本町6丁目50番地の10' });
    for (let i = 0; i < 3; i += 1) await http.verify(yokohama, 'auth', '9999', { 'x-kagiya-channel': 'kiosk', 'x-kagiya-service': 'konbini-certificates' });
    const all = await http.call('GET', '/api/v1/counter/dashboard/locks?days=60', { headers: http.admin });
    expect(all.status).toBe(200);
    const sum = (rows: Array<Record<string, number>>, cause: string) => rows.reduce((n, r) => n + (r[cause] ?? 0), 0);
    expect(sum(all.body.byDay, 'real_lock')).toBeGreaterThanOrEqual(2);
    expect(sum(all.body.byDay, 'client_mismatch')).toBeGreaterThanOrEqual(7);
    expect(sum(all.body.byDay, 'outage')).toBeGreaterThanOrEqual(1);
    expect(all.body.days).toHaveLength(60);
    expect(all.body.byChannel.find((c: { channel: string }) => c.channel === 'kiosk').real_lock).toBe(1);
    const saitama = await http.call('GET', '/api/v1/counter/dashboard/locks?days=60', { headers: clerkSaitama });
    expect(saitama.body.municipalityCode).toBe('111007');
    expect(saitama.body.byChannel.find((c: { channel: string }) => c.channel === 'kiosk')).toBeUndefined();
    // A report naming no card belongs to no municipality: only the national view counts it.
    expect(sum(saitama.body.byDay, 'outage')).toBeLessThan(sum(all.body.byDay, 'outage'));
    const yk = await http.call('GET', '/api/v1/counter/dashboard/locks?days=60', { headers: clerkYokohama });
    expect(sum(yk.body.byDay, 'real_lock')).toBe(1);
    expect((await http.call('GET', '/api/v1/counter/dashboard/locks?municipality=141003', { headers: clerkSaitama })).body.error.code).toBe('FORBIDDEN');
    expect((await http.call('GET', '/api/v1/counter/dashboard/locks', { headers: await token('auditor', null) })).body.error.code).toBe('FORBIDDEN');
  });
});
