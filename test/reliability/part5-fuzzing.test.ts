import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizePin } from '../../src/domain/pin-format.js';
import { PIN_SLOTS } from '../../src/domain/pin-slot.js';
import { api } from '../support/api.js';
import { createTestSystem, type TestSystem } from '../support/test-db.js';
import { LONG, reportFigures } from './support/figures.js';
import { fillPath, operationsOf, sample, sampleQuery, type Fixtures, type Operation } from './support/openapi.js';

// Part 5 — fuzzing from the contract. Requests built from the OpenAPI document (and so from the zod schemas it is
// generated from), then broken by fast-check: wrong types, huge and empty bodies, odd Unicode, unknown fields,
// wrong content types, path tricks. Every answer must be below 500 and every refusal must carry a code; no PIN
// entry may spend a try (no fuzzed value is ever a well-formed PIN); the process must still serve at the end.
// A failing request is written to fuzz-regressions.json (with its seed) and replayed first on every run.
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? (LONG ? 500_000 : 100_000));
const CONCURRENCY = 16;
const BATCH = 2_000;
const REGRESSIONS = fileURLToPath(new URL('./fuzz-regressions.json', import.meta.url));

type Fuzzed = { method: string; path: string; headers: Record<string, string>; body: string | null; bodyBase64?: string; mutation: string; seed?: number; index?: number };

const ODD = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '１２３４',
  '\u200b1234\u200b',
  '\u202e4321',
  '\ud800',
  'x\udfffy',
  '🔑'.repeat(50),
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '\\',
  "' or 1=1 --",
  '<script>alert(1)</script>',
  'null',
  '{"a":',
  'ｶｷﾞﾔ',
  'x'.repeat(5_000),
];
const oddString = fc.oneof(fc.constantFrom(...ODD), fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 }));
const wrongValue = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.constant('x'.repeat(3_000)),
);

/** No fuzzed string may be a PIN some slot would accept: then an entry would rightly spend a try. */
function noWellFormedPins(value: unknown): unknown {
  if (typeof value === 'string') return PIN_SLOTS.some((slot) => normalizePin(slot, value).kind === 'ok') ? `${value}\u0000` : value;
  if (Array.isArray(value)) return value.map(noWellFormedPins);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, noWellFormedPins(v)]));
  return value;
}

function mutations(doc: any, op: Operation, f: Fixtures, headers: Record<string, string>) {
  const path = fillPath(op, f);
  const query = sampleQuery(doc, op, f);
  const valid = op.body ? (sample(doc, op.body, 'body', f) as Record<string, unknown>) : null;
  const base = (over: Partial<Fuzzed>): Fuzzed => ({ method: op.method, path: path + query, headers: { 'content-type': 'application/json', ...headers }, body: valid ? JSON.stringify(noWellFormedPins(valid)) : null, mutation: '', ...over });
  const keys = valid && typeof valid === 'object' ? Object.keys(valid) : [];
  const pathParams = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const huge = fc.constantFrom(200_000, 1_100_000, 3_000_000).map((n) => base({ body: JSON.stringify({ ...(valid ?? {}), padding: 'x'.repeat(n) }), mutation: `huge body ${n}` }));
  // Huge bodies are a few in a thousand: each is megabytes through the body limit, and a few suffice per route.
  const usual = fc.oneof(
    // a field of the wrong type or an odd value
    fc.tuple(fc.constantFrom(...(keys.length ? keys : ['x'])), wrongValue).map(([k, v]) => base({ body: JSON.stringify(noWellFormedPins({ ...(valid ?? {}), [k]: v })), mutation: `field ${k}` })),
    // a field missing, unknown fields, a body that is no object
    fc.constantFrom(...(keys.length ? keys : ['x'])).map((k) => {
      const copy = { ...(valid ?? {}) };
      delete copy[k];
      return base({ body: JSON.stringify(noWellFormedPins(copy)), mutation: `missing ${k}` });
    }),
    fc.dictionary(oddString, wrongValue, { minKeys: 1, maxKeys: 4 }).map((extra) => base({ body: JSON.stringify(noWellFormedPins({ ...(valid ?? {}), ...extra })), mutation: 'unknown fields' })),
    wrongValue.map((v) => base({ body: JSON.stringify(noWellFormedPins(v)), mutation: 'body of another type' })),
    // empty, truncated, not JSON, invalid UTF-8, NUL, huge
    fc.constantFrom('', ' ', '{', '{"a":', 'nul', '[]', '{}{}', '\u0000', '{"pin":"\\u0000"}', '{"pin":"\\ud800"}').map((b) => base({ body: b, mutation: 'broken JSON' })),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => base({ body: null, bodyBase64: Buffer.concat([Buffer.from('{"pin":"'), Buffer.from([0xff, 0xfe, ...bytes]), Buffer.from('"}')]).toString('base64'), mutation: 'invalid UTF-8' })),
    // wrong or missing content type
    fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', '').map((ct) => {
      const r = base({ mutation: `content-type ${ct || 'none'}` });
      if (ct) r.headers['content-type'] = ct;
      else delete r.headers['content-type'];
      return r;
    }),
    // path tricks in a parameter, and odd query strings
    fc.tuple(fc.constantFrom(...(pathParams.length ? pathParams : ['none'])), fc.constantFrom('..', '%2e%2e', '%00', '%2F', '１２３４５６', '%E2%80%8B', '%E2%80%AE', '%ED%A0%80', '%FF', 'x'.repeat(3_000), '%252e', ';', '%20', 'ＡＢＣ')).map(([param, trick]) =>
      base({ path: op.path.replace(/\{([^}]+)\}/g, (_, name: string) => (name === param ? trick : encodeURIComponent(f[name] ?? f.uuid!))) + query, mutation: `path ${param}=${trick}` }),
    ),
    fc.constantFrom('?%00=1', '?limit=-1', '?limit=1e400', '?limit=%EF%BC%91', '?q=%ED%A0%80', '?a=' + 'x'.repeat(9_000), '?limit=1&limit=2', '?lang=%00', '?before=0x10', '?open=maybe', '?status=%00').map((q) => base({ path: path + q, mutation: `query ${q.slice(0, 20)}` })),
    // odd headers
    fc.tuple(fc.constantFrom('x-card-key', 'authorization', 'x-kagiya-channel', 'x-kagiya-service', 'x-kagiya-terminal', 'accept-language'), fc.constantFrom('', ' ', 'Bearer ', 'Bearer \u00ff', 'x'.repeat(8_000), '１２３', 'kiosk\t', 'Bearer ' + 'a'.repeat(300), 'ja;q=abc')).map(([h, v]) => base({ headers: { 'content-type': 'application/json', ...headers, [h]: v }, mutation: `header ${h}` })),
  );
  return fc.oneof({ arbitrary: usual, weight: 400 }, { arbitrary: huge, weight: 1 });
}

describe('part 5: fuzzing from the contract', () => {
  let system: TestSystem;
  let doc: any;
  let operations: Operation[];
  let holderFixtures: Fixtures;
  let adminFixtures: Fixtures;
  let holderCards: string[] = [];

  beforeAll(async () => {
    system = await createTestSystem('postgres');
    doc = await (await system.app.request('/api/openapi.json')).json();
    operations = operationsOf(doc);
    const http = api(system);
    // The holder's cards: only the card routes reach them, with the right key, so a spent try would be ours.
    const holder = await http.newCard();
    holderCards = [holder.cardId];
    holderFixtures = { cardId: holder.cardId, cardKey: holder.cardKey, slot: 'auth', residentId: holder.residentId, uuid: holder.residentId, code: '111007', municipalityCode: '111007' };
    // What the staff routes act on (with the national admin's token): their own resident, card and procedure.
    const target = await http.newCard();
    const proc = await http.call('POST', '/api/v1/counter/procedures', { headers: http.admin, body: { residentId: target.residentId, applicantType: 'self', slots: ['juki'] } });
    adminFixtures = { cardId: target.cardId, residentId: target.residentId, procedureId: proc.body.id, letterId: proc.body.id, code: '111007', municipalityCode: '111007', token: 'x'.repeat(43), slot: 'auth', uuid: target.residentId };
  }, 300_000);
  afterAll(async () => system?.dispose());

  const triesLeft = async () =>
    (await sql<{ n: number }>`select coalesce(sum(remaining), 0)::int as n from pin_slots where card_id = any(${holderCards}::uuid[])`.execute(system.db)).rows[0]!.n;
  const spentEvents = async () =>
    (await sql<{ n: number }>`select count(*)::int as n from card_events where card_id = any(${holderCards}::uuid[]) and result in ('incorrect', 'success')`.execute(system.db)).rows[0]!.n;

  async function send(req: Fuzzed): Promise<string | null> {
    const body = req.bodyBase64 ? Buffer.from(req.bodyBase64, 'base64') : req.body;
    // A header carries bytes: a value beyond Latin-1 goes as its UTF-8 bytes, as a raw client would send it.
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('latin1')]));
    let res: Response;
    try {
      res = await system.app.request(req.path, { method: req.method, headers, ...(body !== null && req.method !== 'GET' ? { body } : {}) });
    } catch (error) {
      return `threw ${(error as Error).message}`;
    }
    const text = await res.text();
    if (res.status >= 500) return `${res.status} ${text.slice(0, 200)}`;
    if (res.status >= 400) {
      let code: unknown = null;
      try {
        code = JSON.parse(text)?.error?.code;
      } catch {
        code = null;
      }
      if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code)) return `${res.status} without a code: ${text.slice(0, 120)}`;
    }
    return null;
  }

  it('replays the kept failing inputs (regression cases) without a 5xx or a refusal without a code', async () => {
    const kept: Fuzzed[] = existsSync(REGRESSIONS) ? JSON.parse(readFileSync(REGRESSIONS, 'utf8')) : [];
    const failures: string[] = [];
    for (const req of kept) {
      const failure = await send(req);
      if (failure) failures.push(`${req.method} ${req.path} (${req.mutation}): ${failure}`);
    }
    reportFigures('part 5 fuzz regressions', { kept: kept.length, failing: failures.length });
    expect(failures).toEqual([]);
  });

  it(`answers ${REQUESTS} malformed requests over every route with 0 5xx, 0 tries spent and a code on every refusal`, async () => {
    const before = { tries: await triesLeft(), spent: await spentEvents() };
    const arbitraries = operations.map((op) => {
      const cardRoute = op.path.startsWith('/api/v1/cards/{cardId}/');
      const f = cardRoute ? holderFixtures : adminFixtures;
      const headers: Record<string, string> = cardRoute ? { 'x-card-key': holderFixtures.cardKey! } : { authorization: api(system).admin.authorization };
      return { op, arb: mutations(doc, op, f, headers) };
    });
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
    const failures: Fuzzed[] = [];
    const byMutation: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    let sent = 0;
    const started = Date.now();
    for (let batch = 0; sent < REQUESTS; batch += 1) {
      const requests: Fuzzed[] = [];
      for (const { arb } of arbitraries) {
        const n = Math.ceil(BATCH / arbitraries.length);
        for (const [i, req] of fc.sample(arb, { seed: seed + batch, numRuns: n }).entries()) requests.push({ ...req, seed: seed + batch, index: i });
      }
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < requests.length && sent < REQUESTS) {
            const req = requests[next++]!;
            sent += 1;
            const kind = req.mutation.split(' ')[0]!;
            byMutation[kind] = (byMutation[kind] ?? 0) + 1;
            const failure = await send(req);
            statuses[failure ? 'failed' : 'ok'] = (statuses[failure ? 'failed' : 'ok'] ?? 0) + 1;
            if (failure && failures.length < 50) failures.push({ ...req, mutation: `${req.mutation} → ${failure}` });
          }
        }),
      );
    }
    const after = { tries: await triesLeft(), spent: await spentEvents() };
    const ready = await system.app.request('/readyz');
    if (failures.length) {
      const kept: Fuzzed[] = existsSync(REGRESSIONS) ? JSON.parse(readFileSync(REGRESSIONS, 'utf8')) : [];
      writeFileSync(REGRESSIONS, `${JSON.stringify([...kept, ...failures.slice(0, 20).map((r) => ({ ...r, body: r.body && r.body.length > 10_000 ? `${r.body.slice(0, 10_000)}` : r.body }))], null, 2)}\n`);
    }
    reportFigures('part 5 fuzzing', {
      requests: sent,
      routes: operations.length,
      seed,
      seconds: (Date.now() - started) / 1000,
      fiveHundreds: failures.filter((f) => / → (5\d\d|threw)/.test(f.mutation)).length,
      refusalsWithoutCode: failures.filter((f) => /without a code/.test(f.mutation)).length,
      triesSpent: before.tries - after.tries,
      comparedEntries: after.spent - before.spent,
      readyAfter: ready.status,
      byMutation,
    });
    expect(failures.map((f) => `${f.method} ${f.path.slice(0, 80)} ${f.mutation.slice(0, 200)}`)).toEqual([]);
    expect(after).toEqual(before);
    expect(ready.status).toBe(200);
  });
});
