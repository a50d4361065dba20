import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimit } from '../../src/adapters/http/body-limits.js';
import { residentBody } from '../support/factories.js';
import { createLoggedSystem } from '../support/logged-system.js';
import { STORES } from '../support/test-db.js';

type Operation = { method: string; path: string; template: string; jsonBody: boolean; bodyRequired: boolean };

const SAMPLE: Record<string, string> = { slot: 'auth', code: '111007', token: 'A'.repeat(32), status: 'mailed' };
const concrete = (template: string) => template.replace(/\{([^}]+)\}/g, (_, name: string) => SAMPLE[name] ?? '0b6f0a36-3f43-4b0e-9a43-6bb2a1c1f6a1');

// Issue #6 item 2: client mistakes were answered 503 SERVICE_BUSY and logged at error level. Every JSON route of the
// OpenAPI document is tried with each class of bad input; each must be a 4xx with a stable code, logged at info.
describe.each(STORES)('bad input on every route of the OpenAPI document (%s)', (store) => {
  let system: Awaited<ReturnType<typeof createLoggedSystem>>;
  let operations: Operation[];

  beforeAll(async () => {
    system = await createLoggedSystem(store);
    const doc = (await (await system.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, any>> };
    operations = Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          template,
          path: concrete(template),
          jsonBody: Boolean(op.requestBody?.content?.['application/json']),
          bodyRequired: Boolean(op.requestBody?.required),
        })),
    );
  });
  afterAll(async () => system?.dispose());

  const send = async (method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}) => {
    const res = await system.app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = { raw: text };
    }
    return { status: res.status, code: json?.error?.code as string | undefined, field: json?.error?.field as string | undefined, json };
  };
  const jsonType = { 'content-type': 'application/json' };

  it('covers the document: every JSON route is in the table', () => {
    expect(operations.filter((o) => o.jsonBody).length).toBeGreaterThanOrEqual(20);
    expect(operations.map((o) => o.template)).toContain('/api/v1/cards/{cardId}/pins/{slot}/verify');
  });

  const bodyCases: Array<[string, (op: Operation) => { body: BodyInit; headers: Record<string, string> }, number, string, string | undefined]> = [
    ['a wrong Content-Type', () => ({ body: '{}', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
    ['a missing Content-Type', () => ({ body: '{}', headers: {} }), 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
    ['form data', () => ({ body: 'pin=1234', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
    ['a truncated JSON body', () => ({ body: '{"pin": "12', headers: jsonType }), 400, 'INVALID_REQUEST', 'body'],
    ['a JSON body that is not JSON', () => ({ body: 'null null', headers: jsonType }), 400, 'INVALID_REQUEST', 'body'],
    ['invalid UTF-8', () => ({ body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), headers: jsonType }), 400, 'INVALID_REQUEST', 'body'],
    ['a NUL character in a field', () => ({ body: '{"name":"山田\\u0000太郎"}', headers: jsonType }), 400, 'INVALID_REQUEST', 'name'],
    ['a NUL character in a nested field', () => ({ body: '{"pins":{"auth":"12\\u000034"}}', headers: jsonType }), 400, 'INVALID_REQUEST', 'pins.auth'],
    ['a lone surrogate in a text field', () => ({ body: '{"label":"ok\\ud800"}', headers: jsonType }), 400, 'INVALID_REQUEST', 'label'],
    ['a body over the route\'s limit', (op) => ({ body: JSON.stringify({ pad: 'x'.repeat(bodyLimit(op.method, op.path)) }), headers: jsonType }), 413, 'PAYLOAD_TOO_LARGE', undefined],
  ];

  it.each(bodyCases)('answers %s with a 4xx and a stable code on every JSON route', async (_name, make, status, code, field) => {
    const ops = operations.filter((o) => o.jsonBody);
    for (const op of ops) {
      const { body, headers } = make(op);
      const res = await send(op.method, op.path, body, headers);
      expect({ route: `${op.method} ${op.template}`, status: res.status, code: res.code }).toEqual({ route: `${op.method} ${op.template}`, status, code });
      if (field) expect(res.field, `${op.method} ${op.template}`).toBe(field);
    }
  });

  it('answers an empty body as INVALID_REQUEST (field body) where a body is required', async () => {
    for (const op of operations.filter((o) => o.bodyRequired)) {
      const res = await send(op.method, op.path, '', jsonType);
      expect({ route: `${op.method} ${op.template}`, status: res.status, code: res.code }).toEqual({ route: `${op.method} ${op.template}`, status: 400, code: 'INVALID_REQUEST' });
    }
  });

  it('answers a NUL or a broken escape in the path or the query with INVALID_REQUEST on every route, and on public pages', async () => {
    for (const op of operations) {
      const withNul = op.template.includes('{') ? concrete(op.template.replace(/\{[^}]+\}/, '%00')) : `${op.path}%00`;
      const cases: Array<[string, string]> = [
        [withNul, 'path'],
        [`${op.path}?q=%00`, 'query.q'],
        [`${op.path}?q=%ED%A0%80`, 'query.q'],
        [`${op.path}?q=%E3%81`, 'query.q'],
      ];
      for (const [url, field] of cases) {
        const res = await send(op.method, url, op.jsonBody ? '{}' : undefined, jsonType);
        expect({ url, method: op.method, status: res.status, code: res.code, field: res.field }).toEqual({ url, method: op.method, status: 400, code: 'INVALID_REQUEST', field });
      }
    }
    for (const url of ['/guidance/%00', '/guidance/111007?lang=%00', '/counter/%00', '/%00', '/guidance/%ED%A0%80']) {
      const res = await send('GET', url);
      expect({ url, status: res.status, code: res.code }).toEqual({ url, status: 400, code: 'INVALID_REQUEST' });
    }
  });

  it('refuses an impossible date and a lone surrogate in an authenticated action before anything is stored', async () => {
    const admin = { authorization: `Bearer ${system.adminToken}`, ...jsonType };
    for (const birthDate of ['1980-02-30', '2023-02-29', '1980-13-01', '1980-00-10', '0000-01-01']) {
      const res = await send('POST', '/api/v1/residents', JSON.stringify(residentBody({ birthDate })), admin);
      expect({ birthDate, status: res.status, code: res.code, field: res.field }).toEqual({ birthDate, status: 400, code: 'INVALID_REQUEST', field: 'birthDate' });
    }
    expect((await send('POST', '/api/v1/residents', JSON.stringify(residentBody({ birthDate: '2024-02-29' })), admin)).status).toBe(201);
    const before = await system.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const token = await send('POST', '/api/v1/api-tokens', '{"label":"clerk \\udc00","role":"clerk","municipalityCode":"111007"}', admin);
    expect(token).toMatchObject({ status: 400, code: 'INVALID_REQUEST', field: 'label' });
    const after = await system.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('answers random bodies on every JSON route, authenticated, without a 5xx', async () => {
    const admin = { authorization: `Bearer ${system.adminToken}`, ...jsonType };
    const ops = operations.filter((o) => o.jsonBody);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ops), fc.jsonValue({ maxDepth: 3 }), async (op, value) => {
        const res = await send(op.method, op.path, JSON.stringify(value), admin);
        return res.status < 500;
      }),
      { numRuns: 150 },
    );
  });

  it('logged every refusal above as the caller\'s mistake (info), and nothing at error level', () => {
    const errors = system.logs.filter((l) => l.level >= 50);
    expect(errors).toEqual([]);
    expect(system.logs.filter((l) => l.msg === 'request refused: client mistake' && l.level === 30).length).toBeGreaterThan(100);
  });
});
