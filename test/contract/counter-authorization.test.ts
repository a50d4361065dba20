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
type Endpoint = Readonly<{ name: string; permission: 'read' | 'act' | 'audit' | 'policy'; request: (f: Fixture, code: string) => { method: string; path: string; body?: unknown } }>;

// Each counter endpoint, against a resident, card and procedure of the given municipality.
const ENDPOINTS: Endpoint[] = [
  { name: 'diagnosis', permission: 'read', request: (f) => ({ method: 'GET', path: `/api/v1/counter/cards/${f.cardId}/diagnosis` }) },
  { name: 'get procedure', permission: 'read', request: (f) => ({ method: 'GET', path: `/api/v1/counter/procedures/${f.procedureId}` }) },
  { name: 'open procedure', permission: 'act', request: (f) => ({ method: 'POST', path: '/api/v1/counter/procedures', body: { residentId: f.residentId, applicantType: 'self', slots: ['juki'] } }) },
  { name: 'check documents', permission: 'act', request: (f) => ({ method: 'POST', path: `/api/v1/counter/procedures/${f.procedureId}/cancel`, body: { reason: 'authorization test' } }) },
  { name: 'policy update', permission: 'policy', request: (_f, code) => ({ method: 'PUT', path: `/api/v1/municipalities/${code}/policy`, body: { policy: { ...SEEDED_POLICIES[code], municipalityCode: undefined, version: undefined }, reason: 'authorization test' } }) },
];

const ALLOWED: Readonly<Record<StaffRole, ReadonlySet<Endpoint['permission']>>> = {
  clerk: new Set(['read', 'act']),
  supervisor: new Set(['read', 'act', 'audit']),
  municipal_admin: new Set(['read', 'act', 'audit', 'policy']),
  national_admin: new Set(['read', 'act', 'audit', 'policy']),
  auditor: new Set(['audit']),
};

describe.each(STORES)('counter authorization matrix on %s', (store) => {
  let system: TestSystem;
  const fixtures: Record<string, Fixture> = {};
  const sessions: Partial<Record<StaffRole, Record<string, string>>> = {};

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => TUESDAY });
    const http = api(system);
    const admin = await signIn(system, await newStaff(system, 'national_admin', null));
    for (const code of [OWN, OTHER]) {
      const card = await http.newCard({ municipalityCode: code });
      const opened = await http.call('POST', '/api/v1/counter/procedures', { body: { residentId: card.residentId, applicantType: 'self', slots: ['juki'] }, headers: admin });
      fixtures[code] = { residentId: card.residentId, cardId: card.cardId, procedureId: opened.body.id };
    }
    for (const role of ROLES) {
      const national = role === 'national_admin' || role === 'auditor';
      sessions[role] = await signIn(system, await newStaff(system, role, national ? null : OWN));
    }
  });
  afterAll(async () => system?.dispose());

  const cases = ROLES.flatMap((role) => ENDPOINTS.flatMap((endpoint) => [OWN, OTHER].map((code) => [role, endpoint.name, code] as const)));

  it.each(cases)('%s → %s in %s', async (role, endpointName, code) => {
    const endpoint = ENDPOINTS.find((e) => e.name === endpointName)!;
    const fixture = fixtures[code]!;
    const { method, path, body } = endpoint.request(fixture, code);
    const res = await api(system).call(method, path, { headers: sessions[role]!, ...(body !== undefined ? { body } : {}) });
    const national = role === 'national_admin' || role === 'auditor';
    const mayAct = ALLOWED[role].has(endpoint.permission) && (national || code === OWN);
    if (mayAct) {
      // allowed: not an authorization refusal (a state conflict such as an already-cancelled procedure is fine)
      expect([401, 403, 404]).not.toContain(res.status);
    } else {
      expect([403, 404]).toContain(res.status);
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
    expect((await api(system).call('GET', `/api/v1/counter/cards/${fixtures[OWN]!.cardId}/diagnosis`, { headers: bearer })).status).toBe(200);
    expect((await api(system).call('GET', `/api/v1/counter/cards/${fixtures[OTHER]!.cardId}/diagnosis`, { headers: bearer })).status).toBe(404);
  });

  it('refuses every counter endpoint without a session', async () => {
    for (const endpoint of ENDPOINTS) {
      const { method, path, body } = endpoint.request(fixtures[OWN]!, OWN);
      const res = await api(system).call(method, path, body !== undefined ? { body } : {});
      expect(res.status, endpoint.name).toBe(401);
    }
  });
});
