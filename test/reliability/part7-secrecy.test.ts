import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReferenceData } from '../../src/adapters/cli/demo-data.js';
import type { LetterInput } from '../../src/app/counter-ports.js';
import { createSystem } from '../../src/system.js';
import { PINS, residentBody } from '../support/factories.js';
import { newStaff, signIn, STAFF_PASSWORD } from '../support/staff.js';
import { freshPostgresDatabase, type TestSystem } from '../support/test-db.js';
import { ARTIFACTS, reportFigures } from './support/figures.js';
import { WRONG_PIN } from './support/http.js';
import { SecretLedger } from './support/secrecy.js';

// Part 7 — secrecy. Every path that takes a secret runs here with logging at its most verbose (trace) into a file:
// registering residents (My Numbers), issuing cards (card keys, PINs), right and wrong entries, PIN changes,
// searches by My Number, staff sign-in with a PIN typed as a password, the counter's proxy procedure with its
// inquiry letter (the one-time code) and new PINs set at the counter. Then every log line, every response body
// and every row of every table is searched for each of them in clear. (Parts 1-4 run the same scan over their own
// nodes' logs, responses and databases.)
const TUESDAY = new Date('2026-03-03T01:00:00Z');

describe('part 7: no secret in clear in logs, responses or tables', () => {
  let system: TestSystem;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let now = TUESDAY;
  const ledger = new SecretLedger();
  const logFile = join(ARTIFACTS, 'logs', `part7-${randomBytes(4).toString('hex')}.log`);
  const letterCodes: string[] = [];
  let destination: ReturnType<typeof pino.destination>;

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    destination = pino.destination({ dest: logFile, mkdir: true, sync: true });
    const adminToken = `kgy_rel_${randomBytes(20).toString('hex')}`;
    const s = await createSystem({
      database: { kind: 'postgres', url: database.url, poolSize: 8 },
      pepper: randomBytes(32),
      masterKey: randomBytes(32),
      keyAlgorithm: 'ECDSA-P256',
      bootstrapToken: adminToken,
      logger: pino({ level: 'trace' }, destination),
      clock: () => now,
    });
    await seedReferenceData(s.deps, s.db);
    system = { ...s, store: 'postgres', adminToken, pepper: Buffer.alloc(0), masterKey: Buffer.alloc(0), dispose: async () => undefined } as TestSystem;
    const letters = system.deps.letters as { render: (input: LetterInput) => Promise<Uint8Array> };
    const render = letters.render;
    letters.render = async (input) => {
      letterCodes.push(input.oneTimeCode);
      ledger.add('inquiryCode', input.oneTimeCode);
      return render(input);
    };
  }, 300_000);
  afterAll(async () => {
    await system?.close().catch(() => undefined);
    await database?.drop();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, delivered: string[] = []) {
    const res = await system.app.request(path, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const type = res.headers.get('content-type') ?? '';
    const text = type.includes('pdf') ? '' : await res.text();
    ledger.scanResponse(`${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')}`, text, delivered);
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, body: json };
  }

  it('runs every secret-bearing path, then finds none of the secrets in clear anywhere', async () => {
    const admin = { authorization: `Bearer ${system.adminToken}` };
    for (const pin of [...Object.values(PINS), WRONG_PIN, '5931', '2580', 'NEWSIGN7788']) ledger.add('pin', pin);
    const cards: Array<{ cardId: string; cardKey: string; residentId: string; myNumber: string }> = [];
    for (let i = 0; i < 12; i += 1) {
      const resident = residentBody({ municipalityCode: '111007' });
      ledger.add('myNumber', resident.myNumber as string);
      const r = await call('POST', '/api/v1/residents', resident, admin);
      expect(r.status).toBe(201);
      const res = await system.app.request('/api/v1/cards', { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ residentId: r.body.id, pins: { ...PINS } }) });
      const text = await res.text();
      const c = JSON.parse(text);
      ledger.add('cardKey', c.cardKey);
      ledger.scanResponse('POST /api/v1/cards', text, [c.cardKey]);
      cards.push({ cardId: c.cardId, cardKey: c.cardKey, residentId: r.body.id, myNumber: resident.myNumber as string });
    }
    // entries right and wrong, malformed, with the key wrong; a PIN change; reads; the events list
    for (const card of cards) {
      const key = { 'x-card-key': card.cardKey };
      await call('POST', `/api/v1/cards/${card.cardId}/pins/auth/verify`, { pin: WRONG_PIN }, key);
      await call('POST', `/api/v1/cards/${card.cardId}/pins/auth/verify`, { pin: PINS.auth }, key);
      await call('POST', `/api/v1/cards/${card.cardId}/pins/auth/verify`, { pin: `${PINS.auth}0` }, key);
      await call('POST', `/api/v1/cards/${card.cardId}/pins/sign/verify`, { pin: PINS.sign }, { 'x-card-key': `${card.cardKey}x` });
      await call('POST', `/api/v1/cards/${card.cardId}/pins/assist/verify`, { pin: PINS.assist }, key);
      await call('GET', `/api/v1/cards/${card.cardId}/status`, undefined, key);
      await call('GET', `/api/v1/cards/${card.cardId}/events?limit=50`, undefined, key);
    }
    // the caller's mistakes are logged (at info): a PIN in a body of the wrong type, a NUL, a bad JSON
    const c0 = cards[0]!;
    for (const [type, raw] of [['text/plain', `{"pin":"${PINS.auth}"}`], ['application/json', `{"pin":"${PINS.auth}\u0000"}`], ['application/json', `{"pin":"${PINS.auth}"`], ['application/json', `{"pin":${PINS.auth}}`]] as const) {
      const res = await system.app.request(`/api/v1/cards/${c0.cardId}/pins/auth/verify`, { method: 'POST', headers: { 'content-type': type, 'x-card-key': c0.cardKey }, body: raw });
      ledger.scanResponse('POST verify (malformed)', await res.text());
      expect(res.status).toBeLessThan(500);
    }
    await system.app.request(`/api/v1/cards/${c0.cardId}/status?myNumber=${c0.myNumber}`, { headers: { 'x-card-key': c0.cardKey } });
    const change = await call('POST', `/api/v1/cards/${cards[0]!.cardId}/pins/sign/change`, { currentPin: PINS.sign, newPin: 'NEWSIGN7788' }, { 'x-card-key': cards[0]!.cardKey });
    expect(change.status).toBeLessThan(500);
    // the counter: staff sign-in (once with a PIN typed into the password field), a search by My Number,
    // a diagnosis, and a voluntary proxy across two visits with the inquiry letter's one-time code
    const clerkAccount = await newStaff(system, 'clerk', '111007');
    await call('POST', '/api/v1/staff/session', { loginId: clerkAccount.loginId, password: PINS.auth, totp: '000000' });
    await call('POST', '/api/v1/staff/session', { loginId: clerkAccount.loginId, password: STAFF_PASSWORD, totp: '000000' });
    const clerk = await signIn(system, clerkAccount);
    const search = await call('POST', '/api/v1/counter/residents/search', { myNumber: cards[1]!.myNumber }, clerk);
    expect(search.status).toBe(200);
    await call('POST', '/api/v1/counter/residents/search', { myNumber: cards[2]!.myNumber.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3') }, clerk);
    await call('GET', `/api/v1/counter/cards/${cards[1]!.cardId}/diagnosis`, undefined, clerk);
    const card = cards[3]!;
    for (let i = 0; i < 3; i += 1) await call('POST', `/api/v1/cards/${card.cardId}/pins/auth/verify`, { pin: WRONG_PIN, confirmLastTry: true }, { 'x-card-key': card.cardKey });
    const opened = await call('POST', '/api/v1/counter/procedures', { residentId: card.residentId, applicantType: 'voluntary_proxy', slots: ['auth'], proxyName: '佐藤 一郎' }, clerk);
    const id = opened.body.id;
    await call('POST', `/api/v1/counter/procedures/${id}/documents`, { presented: ['driving_licence', 'health_insurance'], holderPresent: false }, clerk);
    const issued = await call('POST', `/api/v1/counter/procedures/${id}/letter`, undefined, clerk);
    expect(issued.status).toBe(200);
    await call('GET', issued.body.letter.pdfUrl, undefined, clerk);
    await call('POST', `/api/v1/counter/letters/${issued.body.letter.id}/mailed`, undefined, clerk);
    now = new Date(TUESDAY.getTime() + 3 * 86_400_000);
    const clerk2 = await signIn(system, await newStaff(system, 'clerk', '111007'));
    await call('POST', `/api/v1/counter/procedures/${id}/answer`, { code: 'AAAAAAAA', presented: ['driving_licence', 'health_insurance'] }, clerk2);
    const answered = await call('POST', `/api/v1/counter/procedures/${id}/answer`, { code: letterCodes.at(-1), presented: ['driving_licence', 'health_insurance'] }, clerk2);
    expect(answered.body.state).toBe('answer_verified');
    await call('POST', `/api/v1/counter/procedures/${id}/card`, { cardId: card.cardId, cardKey: card.cardKey }, clerk2);
    // Staff never set PINs themselves: the console refuses (PIN_PAD_REQUIRED) and the holder types them on the pad.
    const refused = await call('POST', `/api/v1/counter/procedures/${id}/complete`, { pins: { auth: '5931' } }, clerk2);
    expect(refused.status).toBeLessThan(500);
    const pad = await call('POST', `/api/v1/counter/procedures/${id}/pin-pad`, undefined, clerk2);
    expect(pad.status).toBe(200);
    const token = String(pad.body.pinPadUrl).split('/').pop()!;
    await call('GET', `/api/v1/pinpad/${token}`);
    const done = await call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: '5931' } });
    expect(done.body).toEqual({ done: true });
    await call('POST', `/api/v1/cards/${card.cardId}/pins/auth/verify`, { pin: '5931' }, { 'x-card-key': card.cardKey });
    await call('GET', '/api/v1/audit?limit=200', undefined, admin);

    destination.flushSync();
    ledger.scanLogFiles([logFile]);
    await ledger.scanDatabase(database.url);
    const summary = ledger.summary();
    reportFigures('part 7 secrecy', { ...summary, logFile: logFile.replace(/.*test-artifacts/, 'test-artifacts'), hitsDetail: ledger.hits.slice(0, 5) });
    // the scan itself must be able to find something: a planted line with a PIN and a My Number is caught
    const probe = new SecretLedger();
    probe.add('pin', PINS.auth);
    probe.add('myNumber', cards[0]!.myNumber);
    expect(probe.scanText('probe', `{"msg":"entry","pin":"${PINS.auth}","id":4831,"resident":"${cards[0]!.myNumber}"}`)).toBe(2);
    expect(summary.scanned.logLines).toBeGreaterThan(3);
    expect(summary.secrets.inquiryCode).toBeGreaterThan(0);
    expect(ledger.hits).toEqual([]);
  });
});
