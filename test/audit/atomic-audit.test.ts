import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// Issue #6 item 4: POST /api/v1/api-tokens stored an active token with no api_token.created audit row. Every staff
// and admin action and its audit entry commit in one transaction: when the audit entry cannot be written, the
// action did not happen. A trigger that refuses audit rows stands in for any fault at that moment.
describe.each(STORES)('every admin action commits with its audit entry, or not at all (%s)', (store) => {
  let system: TestSystem;
  let http: ReturnType<typeof api>;
  beforeAll(async () => {
    system = await createTestSystem(store);
    http = api(system);
  });
  afterAll(async () => system?.dispose());

  const refuseAudit = async (on: boolean) => {
    if (on) {
      await sql`create or replace function kagiya_test_refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused (test)'; end $$`.execute(system.db);
      await sql`create trigger kagiya_test_refuse_audit before insert on audit_log for each row execute function kagiya_test_refuse_audit()`.execute(system.db);
    } else {
      await sql`drop trigger if exists kagiya_test_refuse_audit on audit_log`.execute(system.db);
    }
  };
  const count = async (table: 'api_tokens' | 'residents' | 'cards' | 'audit_log' | 'card_events') =>
    Number((await system.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const cardStatus = async (id: string) => (await system.db.selectFrom('cards').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  const signCert = async (cardId: string) =>
    (await system.db.selectFrom('certificates').select('status').where('card_id', '=', cardId).where('kind', '=', 'sign').executeTakeFirstOrThrow()).status;
  const auditOf = async (action: string, targetId?: string) => {
    let q = system.db.selectFrom('audit_log').select('target_id').where('action', '=', action);
    if (targetId) q = q.where('target_id', '=', targetId);
    return (await q.execute()).length;
  };

  it('leaves no token, resident, card, status change or move behind when the audit entry fails, and audits each once when it works', async () => {
    const a = await http.newCard();
    const suspended = await http.newCard();
    expect((await http.call('POST', `/api/v1/cards/${suspended.cardId}/suspend`, { body: { reason: '紛失の届出' }, headers: http.admin })).status).toBe(200);
    const resident = (await system.db.selectFrom('residents').select(['address']).where('id', '=', a.residentId).executeTakeFirstOrThrow()).address;

    const before = { tokens: await count('api_tokens'), residents: await count('residents'), cards: await count('cards'), audit: await count('audit_log'), events: await count('card_events') };
    const actions = [
      ['api-token', () => http.call('POST', '/api/v1/api-tokens', { body: { label: 'integration', role: 'clerk', municipalityCode: '111007' }, headers: http.admin })],
      ['register', () => http.createResident()],
      ['issue (reissue)', () => http.issueCard(a.residentId)],
      ['suspend', () => http.call('POST', `/api/v1/cards/${a.cardId}/suspend`, { body: { reason: '紛失' }, headers: http.admin })],
      ['revoke', () => http.call('POST', `/api/v1/cards/${a.cardId}/revoke`, { body: { reason: '返納' }, headers: http.admin })],
      ['restore', () => http.call('POST', `/api/v1/cards/${suspended.cardId}/restore`, { body: { reason: '発見' }, headers: http.admin })],
      ['move', () => http.call('POST', `/api/v1/residents/${a.residentId}/move`, { body: { address: '埼玉県さいたま市大宮区1-1', municipalityCode: '111007' }, headers: http.admin })],
    ] as const;

    await refuseAudit(true);
    try {
      for (const [name, run] of actions) {
        const res = await run();
        expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status: 500, code: 'INTERNAL' });
      }
      expect({ tokens: await count('api_tokens'), residents: await count('residents'), cards: await count('cards'), audit: await count('audit_log'), events: await count('card_events') }).toEqual(before);
      expect(await cardStatus(a.cardId)).toBe('active');
      expect(await cardStatus(suspended.cardId)).toBe('suspended');
      expect(await signCert(a.cardId)).toBe('valid');
      expect((await system.db.selectFrom('residents').select(['address']).where('id', '=', a.residentId).executeTakeFirstOrThrow()).address).toBe(resident);
    } finally {
      await refuseAudit(false);
    }

    // With the audit trail writable, each action happens, once, with its entry.
    const token = await actions[0][1]();
    expect(token.status).toBe(201);
    expect(await auditOf('api_token.created', token.body.id)).toBe(1);
    const registered = await actions[1][1]();
    expect(registered.status).toBe(201);
    expect(await auditOf('resident.registered', registered.body.id)).toBe(1);
    const reissued = await actions[2][1]();
    expect(reissued.status).toBe(201);
    expect(await auditOf('card.issued', reissued.body.cardId)).toBe(1);
    // The reissue revoked the earlier card in the same transaction, with its own entry.
    expect(await cardStatus(a.cardId)).toBe('revoked');
    expect(await auditOf('card.revoke', a.cardId)).toBe(1);
    expect((await actions[5][1]()).status).toBe(200);
    expect(await auditOf('card.restore', suspended.cardId)).toBe(1);
    expect((await http.call('POST', `/api/v1/cards/${suspended.cardId}/suspend`, { body: { reason: '再度紛失' }, headers: http.admin })).status).toBe(200);
    expect(await auditOf('card.suspend', suspended.cardId)).toBe(2);
    expect((await actions[6][1]()).status).toBe(200);
    expect(await auditOf('resident.moved', a.residentId)).toBe(1);
    // The chain still verifies after the refused writes.
    const chain = await http.call('GET', '/api/v1/audit/verify', { headers: http.admin });
    expect(chain.status).toBe(200);
    expect(JSON.stringify(chain.body)).toMatch(/"ok":true|"valid":true|"intact":true/);
  });
});
