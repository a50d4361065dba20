import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '../../src/domain/actor.js';
import { SEEDED_POLICIES } from '../../src/domain/municipal-policy.js';
import { api } from '../support/api.js';
import { newStaff, signIn } from '../support/staff.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

const TUESDAY = new Date('2026-03-03T01:00:00Z');
const OWN = '111007';
const OTHER = '141003';
const ROLES: StaffRole[] = ['clerk', 'supervisor', 'municipal_admin', 'national_admin', 'auditor'];

type Fixture = { residentId: string; cardId: string; procedureId: string };
type Answer = { status: number; body: Record<string, any> };
type Endpoint = Readonly<{
  name: string;
  permission: 'read' | 'act' | 'policy';
  request: (f: Fixture, code: string) => { method: string; path: string; body?: unknown };
  /** The exact answer when allowed: status, and what the body must show. */
  allowed: (res: Answer, f: Fixture, code: string, policyVersionBefore: number) => void;
}>;

// Each counter endpoint, against a resident and card of the given municipality and a procedure opened for this case.
const ENDPOINTS: Endpoint[] = [
  {
    name: 'diagnosis',
    permission: 'read',
    request: (f) => ({ method: 'GET', path: `/api/v1/counter/cards/${f.cardId}/diagnosis` }),
    allowed: (res, f) => expect([res.status, res.body.card?.cardId, res.body.verdict?.code]).toEqual([200, f.cardId, 'CLIENT_SIDE']),
  },
  {
    name: 'get procedure',
    permission: 'read',
    request: (f) => ({ method: 'GET', path: `/api/v1/counter/procedures/${f.procedureId}` }),
    allowed: (res, f) => expect([res.status, res.body.id, res.body.state]).toEqual([200, f.procedureId, 'opened']),
  },
  {
    name: 'open procedure',
    permission: 'act',
    request: (f) => ({ method: 'POST', path: '/api/v1/counter/procedures', body: { residentId: f.residentId, applicantType: 'self', slots: ['juki'] } }),
    allowed: (res, f) => expect([res.status, res.body.residentId, res.body.state]).toEqual([201, f.residentId, 'opened']),
  },
  {
    name: 'check documents',
    permission: 'act',
    request: (f) => ({ method: 'POST', path: `/api/v1/counter/procedures/${f.procedureId}/documents`, body: { presented: ['my_number_card', 'passport', 'driving_licence'], holderPresent: true } }),
    allowed: (res, f) => expect([res.status, res.body.id, res.body.state]).toEqual([200, f.procedureId, 'documents_checked']),
  },
  {
    name: 'cancel procedure',
    permission: 'act',
    request: (f) => ({ method: 'POST', path: `/api/v1/counter/procedures/${f.procedureId}/cancel`, body: { reason: 'authorization test' } }),
    allowed: (res, f) => expect([res.status, res.body.id, res.body.state]).toEqual([200, f.procedureId, 'cancelled']),
  },
  {
    name: 'policy update',
    permission: 'policy',
    request: (_f, code) => ({ method: 'PUT', path: `/api/v1/municipalities/${code}/policy`, body: { policy: { ...SEEDED_POLICIES[code], municipalityCode: undefined, version: undefined }, reason: 'authorization test' } }),
    allowed: (res, _f, code, before) => expect([res.status, res.body.municipalityCode, res.body.version]).toEqual([200, code, before + 1]),
  },
];

const ALLOWED: Readonly<Record<StaffRole, ReadonlySet<Endpoint['permission'] | 'audit'>>> = {
  clerk: new Set(['read', 'act']),
  supervisor: new Set(['read', 'act', 'audit']),
  municipal_admin: new Set(['read', 'act', 'audit', 'policy']),
  national_admin: new Set(['read', 'act', 'audit', 'policy']),
  auditor: new Set(['audit']),
};

/**
 * The exact refusal. What a role may not read is "not found" (404): another municipality's resident, card or
 * procedure, and for an auditor (no counter access) every resident, card and procedure. A role that may not act
 * on procedures is refused (403) before the procedure is looked up. Policies are public, so changing another
 * municipality's, or any without the right, is 403.
 */
function refusal(role: StaffRole, endpoint: Endpoint, own: boolean): [number, string] {
  if (endpoint.permission === 'policy') return [403, 'FORBIDDEN'];
  if (role === 'auditor') return endpoint.permission === 'read' || endpoint.name === 'open procedure' ? [404, 'NOT_FOUND'] : [403, 'FORBIDDEN'];
  if (!own) return [404, 'NOT_FOUND'];
  return [403, 'FORBIDDEN'];
}

describe.each(STORES)('counter authorization matrix on %s', (store) => {
  let system: TestSystem;
  const cards: Record<string, { residentId: string; cardId: string }> = {};
  const sessions: Partial<Record<StaffRole, Record<string, string>>> = {};
  let admin: Record<string, string>;

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => TUESDAY });
    const http = api(system);
    admin = await signIn(system, await newStaff(system, 'national_admin', null));
    for (const code of [OWN, OTHER]) cards[code] = await http.newCard({ municipalityCode: code, name: '山田 一郎' });
    for (const role of ROLES) {
      const national = role === 'national_admin' || role === 'auditor';
      sessions[role] = await signIn(system, await newStaff(system, role, national ? null : OWN));
    }
  });
  afterAll(async () => system?.dispose());

  /** A procedure of its own for each case, so no case sees another's cancellation or step. */
  async function fixture(code: string): Promise<Fixture> {
    const card = cards[code]!;
    const opened = await api(system).call('POST', '/api/v1/counter/procedures', { body: { residentId: card.residentId, applicantType: 'self', slots: ['juki'] }, headers: admin });
    expect(opened.status).toBe(201);
    return { ...card, procedureId: opened.body.id };
  }

  const cases = ROLES.flatMap((role) => ENDPOINTS.flatMap((endpoint) => [OWN, OTHER].map((code) => [role, endpoint.name, code] as const)));

  it.each(cases)('%s → %s in %s', async (role, endpointName, code) => {
    const endpoint = ENDPOINTS.find((e) => e.name === endpointName)!;
    const f = await fixture(code);
    const policyBefore = (await api(system).call('GET', `/api/v1/municipalities/${code}/policy`)).body.version as number;
    const { method, path, body } = endpoint.request(f, code);
    const res = await api(system).call(method, path, { headers: sessions[role]!, ...(body !== undefined ? { body } : {}) });
    const national = role === 'national_admin' || role === 'auditor';
    const own = national || code === OWN;
    if (ALLOWED[role].has(endpoint.permission) && own) {
      endpoint.allowed(res, f, code, policyBefore);
    } else {
      expect([res.status, res.body.error?.code]).toEqual(refusal(role, endpoint, own));
      // A refusal changes nothing.
      const after = await api(system).call('GET', `/api/v1/counter/procedures/${f.procedureId}`, { headers: admin });
      expect(after.body.state).toBe('opened');
      expect((await api(system).call('GET', `/api/v1/municipalities/${code}/policy`)).body.version).toBe(policyBefore);
    }
  });

  it.each(ROLES)('%s reads the audit trail only with audit rights, scoped to their municipality', async (role) => {
    const res = await api(system).call('GET', '/api/v1/audit?limit=200', { headers: sessions[role]! });
    if (!ALLOWED[role].has('audit')) {
      expect(res.status).toBe(403);
      return;
    }
    expect(res.status).toBe(200);
    const municipalities = new Set(res.body.entries.map((e: { municipalityCode: string | null }) => e.municipalityCode));
    if (role !== 'national_admin' && role !== 'auditor') expect([...municipalities].every((m) => m === OWN)).toBe(true);
    else expect(municipalities.has(OTHER)).toBe(true);
  });

  it('shows a clerk only residents of their municipality in a name search', async () => {
    const res = await api(system).call('GET', `/api/v1/counter/residents?q=${encodeURIComponent('山田')}`, { headers: sessions.clerk! });
    expect(res.status).toBe(200);
    expect(res.body.residents.length).toBeGreaterThan(0);
    expect(res.body.residents.every((r: { municipalityCode: string }) => r.municipalityCode === OWN)).toBe(true);
  });

  it('lets admins create integration tokens in their own municipality only, and the token acts there', async () => {
    const create = (role: StaffRole, municipalityCode: string | null) =>
      api(system).call('POST', '/api/v1/api-tokens', { headers: sessions[role]!, body: { label: 'municipal system', role: 'clerk', municipalityCode } });
    expect((await create('clerk', OWN)).status).toBe(403);
    expect((await create('municipal_admin', OTHER)).status).toBe(403);
    const created = await create('municipal_admin', OWN);
    expect(created.status).toBe(201);
    const bearer = { authorization: `Bearer ${created.body.token}` };
    expect((await api(system).call('GET', `/api/v1/counter/cards/${cards[OWN]!.cardId}/diagnosis`, { headers: bearer })).status).toBe(200);
    expect((await api(system).call('GET', `/api/v1/counter/cards/${cards[OTHER]!.cardId}/diagnosis`, { headers: bearer })).status).toBe(404);
  });

  it('refuses every counter endpoint without a session', async () => {
    const f = await fixture(OWN);
    for (const endpoint of ENDPOINTS) {
      const { method, path, body } = endpoint.request(f, OWN);
      const res = await api(system).call(method, path, body !== undefined ? { body } : {});
      expect([res.status, res.body.error?.code], endpoint.name).toEqual([401, 'UNAUTHENTICATED']);
    }
  });
});
