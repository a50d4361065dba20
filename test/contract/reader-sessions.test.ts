import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';
import { housekeeping } from '../../src/adapters/jobs/housekeeping-jobs.js';

// The reader-session API (what `kagiya reader` speaks) on both stores: Kagiya keeps the card session's
// security state, every VERIFY goes through the shared PIN-entry path with channel ic-reader, and private keys
// stay in Kagiya. The same flows through real OpenSC are in test/reader.

const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
const SELECT_JPKI = '00A4040C0AD392F000260100000001';
const ef = (fid: string) => `00A4020C02${fid}`;
const verifyApdu = (pin: string) => `00200080${pin.length.toString(16).padStart(2, '0').toUpperCase()}${hex(pin)}`;
const DIGEST_INFO_PREFIX = '3031300D060960864801650304020105000420';

describe.each(STORES)('reader sessions on %s', (store) => {
  let system: TestSystem;
  let now = new Date('2026-06-01T03:00:00Z');
  let http: ReturnType<typeof api>;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
    http = api(system);
  });
  afterAll(async () => system?.dispose());

  async function rsaCard(extra: Record<string, unknown> = {}) {
    const r = await http.createResident(extra);
    const c = await http.call('POST', '/api/v1/cards', { body: { residentId: r.body.id, pins: { ...PINS }, keyAlgorithm: 'RSA-2048' }, headers: http.admin });
    expect(c.status).toBe(201);
    return { cardId: c.body.cardId as string, cardKey: c.body.cardKey as string };
  }

  function session(card: { cardId: string; cardKey: string }, sessionId: string) {
    const base = `/api/v1/cards/${card.cardId}/reader-sessions/${sessionId}`;
    const headers = { 'x-card-key': card.cardKey };
    return {
      async send(...apdus: string[]) {
        const out = [];
        for (const command of apdus) {
          const r = await http.call('POST', `${base}/apdu`, { body: { command }, headers });
          expect(r.status, JSON.stringify(r.body)).toBe(200);
          out.push(r.body as { response: string; trace: Record<string, any>; notes: Array<{ en: string }> });
        }
        return out;
      },
      async sw(...apdus: string[]) {
        const out = await this.send(...apdus);
        return out.at(-1)!.response.slice(-4);
      },
      reset: () => http.call('POST', `${base}/reset`, { headers }),
      remove: () => http.call('DELETE', base, { headers }),
    };
  }

  async function insert(card: { cardId: string; cardKey: string }, body: Record<string, unknown> = {}) {
    const r = await http.call('POST', `/api/v1/cards/${card.cardId}/reader-sessions`, { body: { terminal: 'vpcd@test', ...body }, headers: { 'x-card-key': card.cardKey } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { ...session(card, r.body.sessionId), opened: r.body };
  }

  it('issues an RSA-2048 card on request while the default stays ECDSA, and records the choice', async () => {
    const rsa = await rsaCard();
    const reader = await insert(rsa);
    expect(reader.opened).toMatchObject({ keyAlgorithm: 'RSA-2048', atr: '3B888001000005E0B381A1007F', blockedStatusWord: '6983', idleSeconds: 60 });
    const ec = await http.newCard();
    expect((await insert(ec)).opened.keyAlgorithm).toBe('ECDSA-P256');
    const bad = await http.call('POST', '/api/v1/cards', { body: { residentId: (await http.createResident()).body.id, pins: { ...PINS }, keyAlgorithm: 'DSA' }, headers: http.admin });
    expect(bad.status).toBe(400);
  });

  it('refuses a wrong card key or another card’s session alike, spending nothing', async () => {
    const card = await rsaCard();
    const other = await rsaCard();
    const wrongKey = await http.call('POST', `/api/v1/cards/${card.cardId}/reader-sessions`, { body: { terminal: 't' }, headers: { 'x-card-key': 'nope' } });
    expect(wrongKey.status).toBe(401);
    const reader = await insert(card);
    const stolen = await http.call('POST', `/api/v1/cards/${other.cardId}/reader-sessions/${reader.opened.sessionId}/apdu`, { body: { command: SELECT_JPKI }, headers: { 'x-card-key': other.cardKey } });
    expect(stolen.status).toBe(404);
    const garbage = await http.call('POST', `/api/v1/cards/${card.cardId}/reader-sessions/${reader.opened.sessionId}/apdu`, { body: { command: 'zz' }, headers: { 'x-card-key': card.cardKey } });
    expect(garbage.status).toBe(400);
  });

  it('reads the certificate Kagiya issued, byte for byte, and signs a DigestInfo that verifies against it', async () => {
    const card = await rsaCard();
    const reader = await insert(card);
    const [, , head] = await reader.send(SELECT_JPKI, ef('000A'), '00B0000004');
    const size = parseInt(head!.response.slice(4, 8), 16) + 4;
    let der = '';
    for (let offset = 0; offset < size; offset += 256) {
      const [chunk] = await reader.send(`00B0${offset.toString(16).padStart(4, '0')}00`);
      der += chunk!.response.slice(0, -4);
    }
    const certificate = Buffer.from(der, 'hex');
    const sign = await http.call('POST', `/api/v1/cards/${card.cardId}/authenticate`, { body: { pin: PINS.auth, challenge: Buffer.alloc(32, 1).toString('base64') }, headers: { 'x-card-key': card.cardKey } });
    expect(certificate.equals(Buffer.from(sign.body.certificate, 'base64'))).toBe(true);

    const document = Buffer.from('確定申告書 2026');
    const digest = createHash('sha256').update(document).digest();
    const [, , , signed] = await reader.send(ef('0018'), verifyApdu(PINS.auth), ef('0017'), `802A008033${DIGEST_INFO_PREFIX}${digest.toString('hex').toUpperCase()}00`);
    expect(signed!.response.slice(-4)).toBe('9000');
    const signature = Buffer.from(signed!.response.slice(0, -4), 'hex');
    expect(signature.length).toBe(256);
    // An ordinary RSASSA-PKCS1-v1_5 / SHA-256 verification over the document, as a relying service does it.
    expect(verifySignature('sha256', document, new X509Certificate(certificate).publicKey, signature)).toBe(true);
    expect(verifySignature('sha256', Buffer.from('something else'), new X509Certificate(certificate).publicKey, signature)).toBe(false);
  });

  it('records each VERIFY as an ic-reader event with the reader as terminal, on the counters HTTP uses', async () => {
    const card = await rsaCard();
    const reader = await insert(card, { terminal: 'vpcd@counter-pc-3' });
    expect(await reader.sw(SELECT_JPKI, ef('0018'), verifyApdu('0000'))).toBe('63C2');
    expect((await http.status(card)).body.pins.auth.remaining).toBe(2);
    const events = (await http.events(card)).body.events as Array<Record<string, unknown>>;
    expect(events[0]).toMatchObject({ operation: 'verify', slot: 'auth', result: 'incorrect', channel: 'ic-reader', terminal: 'vpcd@counter-pc-3', remainingAfter: 2 });
    // HTTP spends from the same counter; the reader's empty VERIFY sees it and spends nothing.
    await http.verify(card, 'auth', '1111');
    expect(await reader.sw('00200080')).toBe('63C1');
    expect(await reader.sw('00200080')).toBe('63C1');
    expect((await http.status(card)).body.pins.auth.remaining).toBe(1);
    // The right PIN through HTTP restores the count for the reader.
    expect((await http.verify(card, 'auth', PINS.auth)).status).toBe(200);
    expect(await reader.sw('00200080')).toBe('63C3');
  });

  it('locks on the third wrong VERIFY (63 C0) for HTTP too, then answers 6983 — or 6984 when the session asks for it', async () => {
    const card = await rsaCard();
    const reader = await insert(card);
    expect(await reader.sw(SELECT_JPKI, ef('0018'), verifyApdu('0000'), verifyApdu('0001'))).toBe('63C1');
    const [last] = await reader.send(verifyApdu('0002'));
    expect(last!.response).toBe('63C0');
    expect(last!.trace.why.en).toContain('now locked');
    const viaHttp = await http.verify(card, 'auth', PINS.auth);
    expect(viaHttp.status).toBe(423);
    expect(viaHttp.body.error.code).toBe('PIN_LOCKED');
    expect(await reader.sw(verifyApdu(PINS.auth))).toBe('6983');
    const other = await insert(card, { blockedStatusWord: '6984' });
    expect(await other.sw(SELECT_JPKI, ef('0018'), verifyApdu(PINS.auth))).toBe('6984');
    expect(await other.sw('00200080')).toBe('63C0');
  });

  it('keeps the security state in Kagiya and clears it on reset, re-selection, removal and idle time', async () => {
    const card = await rsaCard();
    const SIGN = `802A008033${DIGEST_INFO_PREFIX}${'11'.repeat(32)}00`;
    const reader = await insert(card);
    const id = reader.opened.sessionId as string;
    await reader.send(SELECT_JPKI, ef('0018'), verifyApdu(PINS.auth));
    expect((await system.deps.readerSessions.find(id))?.state.verified).toEqual(['auth']);
    expect(await reader.sw(ef('0017'), SIGN)).toBe('9000');

    // Reset (vpcd 00/01/02): nothing selected, nothing verified.
    expect((await reader.reset()).status).toBe(200);
    expect((await system.deps.readerSessions.find(id))?.state).toEqual({ ap: null, ef: null, verified: [] });
    expect(await reader.sw(SELECT_JPKI, ef('0017'), SIGN)).toBe('6982');

    // Re-selecting the application.
    await reader.send(ef('0018'), verifyApdu(PINS.auth));
    const [, , refused] = await reader.send(SELECT_JPKI, ef('0017'), SIGN);
    expect(refused!.response).toBe('6982');
    expect(refused!.trace.why.en).toContain('No successful VERIFY');

    // Idle: the clock moves past the idle time between VERIFY and the signature.
    await reader.send(ef('0018'), verifyApdu(PINS.auth), ef('0017'));
    now = new Date(now.getTime() + 61_000);
    const [idle] = await reader.send(SIGN);
    expect(idle!.response).toBe('6982');
    expect(idle!.notes[0]!.en).toContain('security state');

    // Removal: the session is gone.
    expect((await reader.remove()).status).toBe(200);
    const after = await http.call('POST', `/api/v1/cards/${card.cardId}/reader-sessions/${id}/apdu`, { body: { command: SELECT_JPKI }, headers: { 'x-card-key': card.cardKey } });
    expect(after.status).toBe(404);
    expect((await system.deps.readerSessions.find(id))?.state.verified).toEqual([]);
  });

  it('purges sessions closed or idle for a day (housekeeping), and keeps the ones in use and every PIN event', async () => {
    const card = await rsaCard();
    const closed = await insert(card);
    await closed.send(SELECT_JPKI, ef('0018'), verifyApdu(PINS.auth));
    expect((await closed.remove()).status).toBe(200);
    const idle = await insert(card);
    const eventsBefore = await system.db.selectFrom('card_events').select('id').where('card_id', '=', card.cardId).execute();

    const started = now;
    try {
      now = new Date(now.getTime() + 23 * 3600_000);
      const inUse = await insert(card);
      await housekeeping(system.db, now);
      expect(await system.deps.readerSessions.find(closed.opened.sessionId)).not.toBeNull();
      expect(await system.deps.readerSessions.find(idle.opened.sessionId)).not.toBeNull();

      now = new Date(now.getTime() + 2 * 3600_000);
      await inUse.send(SELECT_JPKI);
      // Other tests' sessions in this database may go too: at least these two.
      expect((await housekeeping(system.db, now)).readerSessions).toBeGreaterThanOrEqual(2);
      expect(await system.deps.readerSessions.find(inUse.opened.sessionId)).not.toBeNull();
    } finally {
      now = started;
    }
    expect(await system.deps.readerSessions.find(closed.opened.sessionId)).toBeNull();
    expect(await system.deps.readerSessions.find(idle.opened.sessionId)).toBeNull();
    const gone = await http.call('POST', `/api/v1/cards/${card.cardId}/reader-sessions/${idle.opened.sessionId}/apdu`, { body: { command: SELECT_JPKI }, headers: { 'x-card-key': card.cardKey } });
    expect(gone.status).toBe(404);
    const eventsAfter = await system.db.selectFrom('card_events').select('id').where('card_id', '=', card.cardId).execute();
    expect(eventsAfter).toEqual(eventsBefore);
  });

  it('records a signature made on the reader, and keeps tries unspent by reading', async () => {
    const card = await rsaCard();
    const reader = await insert(card);
    await reader.send(SELECT_JPKI, ef('0018'), '00200080', ef('001B'), '00200080', ef('000A'), '00B0000004', ef('0001'), '00B0000004');
    const status = (await http.status(card)).body.pins;
    expect([status.auth.remaining, status.sign.remaining]).toEqual([3, 5]);
    await reader.send(ef('0018'), verifyApdu(PINS.auth), ef('0017'), `802A008033${DIGEST_INFO_PREFIX}${'22'.repeat(32)}00`);
    const events = (await http.events(card)).body.events as Array<Record<string, unknown>>;
    expect(events.slice(0, 2).map((e) => [e.operation, e.result, e.channel])).toEqual([
      ['reader-sign', 'done', 'ic-reader'],
      ['verify', 'success', 'ic-reader'],
    ]);
  });

  it('answers the text AP: My Number and the four attributes after the assist PIN, never in the trace', async () => {
    const card = await rsaCard({ name: '鈴木 花子', sex: 'female', birthDate: '1990-02-03' });
    const reader = await insert(card);
    const SELECT_TEXT = '00A4040C0AD3921000310001010408';
    expect(await reader.sw(SELECT_TEXT, ef('0002'), '00B0000000')).toBe('6982');
    const out = await reader.send(ef('0011'), verifyApdu(PINS.assist), ef('0001'), '00B0000011', ef('0002'), '00B0000000');
    const myNumber = Buffer.from(out[3]!.response.slice(4, -4), 'hex').toString('latin1');
    expect(myNumber).toMatch(/^\d{12}$/);
    const attrs = Buffer.from(out[5]!.response.slice(0, -4), 'hex').toString('utf8');
    expect(attrs).toContain('鈴木 花子');
    expect(attrs).toContain('19900203');
    for (const x of out) expect(JSON.stringify(x.trace)).not.toContain(myNumber);
    const events = (await http.events(card)).body.events as Array<Record<string, unknown>>;
    expect(events[0]).toMatchObject({ slot: 'assist', result: 'success', channel: 'ic-reader' });
  });

  it('does not call an expired or revoked certificate a lock: 6985 with the reason, nothing spent', async () => {
    const card = await rsaCard();
    const revoked = await http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: 'lost' }, headers: http.admin });
    expect(revoked.status).toBe(200);
    const reader = await insert(card);
    const [, , answer] = await reader.send(SELECT_JPKI, ef('0018'), verifyApdu(PINS.auth));
    expect(answer!.response).toBe('6985');
    expect(answer!.trace.why.en).toContain('not a PIN lock');
    expect((await http.status(card)).body.pins.auth.remaining).toBe(3);
  });

  it('describes itself in the OpenAPI document', async () => {
    const doc = (await http.call('GET', '/api/openapi.json')).body;
    for (const path of ['/api/v1/cards/{cardId}/reader-sessions', '/api/v1/cards/{cardId}/reader-sessions/{sessionId}/apdu', '/api/v1/cards/{cardId}/reader-sessions/{sessionId}/reset', '/api/v1/cards/{cardId}/reader-sessions/{sessionId}']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.components.schemas.IssueCard.properties.keyAlgorithm.enum).toEqual(['ECDSA-P256', 'RSA-2048']);
  });
});

