import { readFileSync } from 'node:fs';
import type { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DiagnosisSchema,
  LetterIssuedSchema,
  LetterSchema,
  MunicipalitySchema,
  MunicipalPolicySchema,
  PinPadOpenedSchema,
  PinPadViewSchema,
  ProcedureSchema,
  ResidentHitSchema,
} from '../../src/adapters/http/counter-schemas.js';
import { GENERATED, generateApiTypes } from '../../scripts/gen-api.js';
import { captureLetterCodes, counterHttp } from '../support/counter.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// The counter console's types are generated from the OpenAPI document; these tests keep the document true. Each
// real answer must parse with its documented schema and lose nothing in parsing (an undocumented field would be
// stripped, and the answer would then differ), and the committed generated file must be current.
const TUESDAY = new Date('2026-03-03T01:00:00Z');

function expectShape(schema: z.ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  expect(parsed.success ? null : parsed.error.issues).toBeNull();
  expect(parsed.data).toEqual(body);
}

describe('the generated console types', () => {
  it('are current: web/src/api/openapi.ts is what `npm run gen:api` writes', async () => {
    expect(readFileSync(GENERATED, 'utf8') === (await generateApiTypes())).toBe(true);
  });
});

describe.each(STORES)('counter answers match their OpenAPI schemas on %s', (store) => {
  let system: TestSystem;
  let codes: Map<string, string>;
  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => TUESDAY });
    codes = captureLetterCodes(system);
  });
  afterAll(async () => system?.dispose());
  const h = () => counterHttp(system);

  it('on the same-day path, the searches, the diagnosis and the PIN pad', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard({ name: '形式 確認' });
    expectShape(arrayOf(ResidentHitSchema), (await h().call('GET', `/api/v1/counter/residents?q=${encodeURIComponent('形式')}`, undefined, clerk)).body.residents);
    expectShape(DiagnosisSchema, (await h().call('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`, undefined, clerk)).body);
    const id = await h().open(clerk, card.residentId, 'self', ['auth']);
    expectShape(ProcedureSchema, (await h().call('POST', h().proc(id, '/documents'), { presented: ['my_number_card', 'passport'], holderPresent: true }, clerk)).body);
    expectShape(ProcedureSchema, (await h().call('POST', h().proc(id, '/card'), { cardId: card.cardId, cardKey: card.cardKey }, clerk)).body);
    const pad = (await h().call('POST', h().proc(id, '/pin-pad'), undefined, clerk)).body;
    expectShape(PinPadOpenedSchema, pad);
    const token = String(pad.pinPadUrl).split('/').pop();
    expectShape(PinPadViewSchema, (await h().call('GET', `/api/v1/pinpad/${token}`)).body);
    expect((await h().call('POST', `/api/v1/pinpad/${token}`, { pins: { auth: '6284' } })).body).toEqual({ done: true });
    const full = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    expect(full.resident).toBeDefined();
    expectShape(ProcedureSchema, full);
    expectShape(arrayOf(ProcedureSchema), (await h().call('GET', '/api/v1/counter/procedures?open=false', undefined, clerk)).body.procedures);
  });

  it('on the letter path, the letter and its list', async () => {
    const clerk = await h().clerk();
    const card = await h().lockedCard();
    const id = await h().open(clerk, card.residentId, 'voluntary_proxy', ['auth'], '代理 人');
    await h().call('POST', h().proc(id, '/documents'), { presented: ['passport', 'driving_licence'], holderPresent: false }, clerk);
    const issued = (await h().call('POST', h().proc(id, '/letter'), undefined, clerk)).body;
    expectShape(LetterIssuedSchema, issued);
    expectShape(LetterSchema, (await h().call('POST', `/api/v1/counter/letters/${issued.letter.id}/mailed`, undefined, clerk)).body);
    expectShape(arrayOf(LetterSchema), (await h().call('GET', '/api/v1/counter/letters', undefined, clerk)).body.letters);
    const answered = await h().call('POST', h().proc(id, '/answer'), { code: codes.get(issued.letter.referenceNumber), presented: ['passport', 'driving_licence'] }, clerk);
    expectShape(ProcedureSchema, answered.body);
    const full = (await h().call('GET', h().proc(id), undefined, clerk)).body;
    expect(full.letter).toBeTruthy();
    expectShape(ProcedureSchema, full);
  });

  it('for the public municipality list and policies', async () => {
    const list = (await h().call('GET', '/api/v1/municipalities')).body.municipalities;
    expect(list.length).toBeGreaterThan(3);
    expectShape(arrayOf(MunicipalitySchema), list);
    for (const { code } of list) expectShape(MunicipalPolicySchema, (await h().call('GET', `/api/v1/municipalities/${code}/policy`)).body);
  });
});

/** An array of `schema`. */
function arrayOf<T extends z.ZodType>(schema: T) {
  return schema.array();
}
