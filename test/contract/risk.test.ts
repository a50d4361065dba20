import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loginWithCard } from '../../src/adapters/oidc/card-login.js';
import { api } from '../support/api.js';
import { counterHttp } from '../support/counter.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// Issue 13 item 1: a source blocked without costing any holder a try, a risk hold that never reads as a lock and its
// two releases, and a relying service flagged with its failure rate — on both stores, through the HTTP API.

type Card = { residentId: string; cardId: string; cardKey: string };
const from = (address: string, extra: Record<string, string> = {}) => ({ 'x-forwarded-for': address, ...extra });

describe.each(STORES)('risk detection on %s', (store) => {
  let system: TestSystem;
  let http: ReturnType<typeof api>;
  let counter: ReturnType<typeof counterHttp>;

  beforeAll(async () => {
    system = await createTestSystem(store);
    http = api(system);
    counter = counterHttp(system);
  });
  afterAll(async () => system?.dispose());

  const audits = async (action: string) =>
    (await sql<{ target_id: string; detail: any; actor_id: string }>`select target_id, detail, actor_id from audit_log where action = ${action} order by seq`.execute(system.db)).rows;
  const cardEvents = async (card: Card) => (await http.events(card)).body.events as Array<Record<string, any>>;

  it('blocks an address spraying wrong PINs over 50 cards: no card loses a try after the block, none more than one before', async () => {
    const cards: Card[] = [];
    for (let i = 0; i < 50; i += 1) cards.push(await http.newCard());
    const attacker = from('203.0.113.66');
    const answers = [];
    for (const card of cards) answers.push(await http.verify(card, 'auth', '0000', attacker));

    // The rule's default: 10 distinct cards within 15 minutes. The 10th failure blocks; every later entry is refused
    // before the statement touches a card.
    expect(answers.slice(0, 10).map((a) => a.body.error.code)).toEqual(Array(10).fill('PIN_INCORRECT'));
    for (const a of answers.slice(10)) {
      expect(a.status).toBe(429);
      expect(a.body.error).toMatchObject({ code: 'SOURCE_BLOCKED', triesSpent: 0 });
      expect(a.body.error.messages.ja).toContain('ロックではありません');
      expect(a.body.error.retryAfterSeconds).toBeGreaterThan(0);
    }
    // Again, on every card (the first ten included): nothing more is spent anywhere.
    for (const card of cards) expect((await http.verify(card, 'auth', '0000', attacker)).body.error.code).toBe('SOURCE_BLOCKED');
    // Even an unknown card or a wrong key gets the same answer: the blocked source learns nothing about cards.
    expect((await http.verify({ cardId: cards[0]!.cardId, cardKey: 'not-the-key' }, 'auth', '0000', attacker)).body.error.code).toBe('SOURCE_BLOCKED');

    const remaining = [];
    for (const card of cards) remaining.push((await http.status(card)).body.pins.auth.remaining);
    expect(remaining.slice(0, 10)).toEqual(Array(10).fill(2));
    expect(remaining.slice(10)).toEqual(Array(40).fill(3));
    // The cards after the block carry no event of the attack at all (only their issuance).
    for (const card of cards.slice(10)) expect((await cardEvents(card)).map((e) => e.operation)).toEqual(['issue']);

    // The holders themselves, from their own connections, are not affected.
    expect((await http.verify(cards[20]!, 'auth', PINS.auth, from('198.51.100.9'))).status).toBe(200);
    expect((await http.verify(cards[3]!, 'auth', PINS.auth, from('198.51.100.10'))).body).toEqual({ slot: 'auth', remaining: 3 });

    // The decision is audited with its rule and figures; the national admin sees the block and what it turned away.
    const blocked = await audits('risk.source_blocked');
    expect(blocked.find((a) => a.target_id === 'ip:203.0.113.66')?.detail).toMatchObject({ rule: 'source-spray', figures: { failedCards: 10, windowMinutes: 15 } });
    const list = await http.call('GET', '/api/v1/risk/sources', { headers: http.admin });
    const block = list.body.blocks.find((b: any) => b.sourceKey === 'ip:203.0.113.66');
    expect(block).toMatchObject({ rule: 'source-spray', active: true, figures: { failedCards: 10 } });
    expect(block.refused).toBeGreaterThanOrEqual(91);
    expect(block.explanation.ja).toContain('10枚の異なるカード');
    const clerk = await counter.clerk('111007');
    expect((await http.call('GET', '/api/v1/risk/sources', { headers: clerk })).status).toBe(403);

    // Lifting the block (audited) lets the source in again.
    const lifted = await http.call('POST', '/api/v1/risk/sources/lift', { headers: http.admin, body: { sourceKey: 'ip:203.0.113.66', reason: 'a school NAT, confirmed by phone' } });
    expect(lifted.status).toBe(200);
    expect((await http.verify(cards[30]!, 'auth', PINS.auth, attacker)).status).toBe(200);
    expect((await audits('risk.source_lifted')).map((a) => a.target_id)).toContain('ip:203.0.113.66');
  });

  it('stops a parallel burst from one address too: at most the threshold plus the entries in flight are spent', async () => {
    const cards: Card[] = [];
    for (let i = 0; i < 50; i += 1) cards.push(await http.newCard());
    const answers = await Promise.all(cards.map((card) => http.verify(card, 'auth', '0000', from('203.0.113.99'))));
    let spent = 0;
    for (const card of cards) spent += 3 - (await http.status(card)).body.pins.auth.remaining;
    // 10 to block, plus at most 3 more of this source's entries already in flight in this process (source-gate.ts).
    expect(spent).toBeGreaterThanOrEqual(10);
    expect(spent).toBeLessThanOrEqual(13);
    expect(answers.filter((a) => a.body.error.code === 'SOURCE_BLOCKED')).toHaveLength(50 - spent);
  });

  it('records a try spent for detection with the entry itself (same statement, same commit), and nothing else', async () => {
    const card = await http.newCard();
    const failures = async () =>
      (await sql<{ source_key: string | null; address: string | null; service: string | null; occurred_at: Date }>`
        select source_key, address, service, occurred_at from risk_failures where card_id = ${card.cardId} order by id
      `.execute(system.db)).rows;
    const headers = { ...from('203.0.113.77'), 'x-kagiya-service': 'portal-test' };
    expect((await http.verify(card, 'auth', PINS.auth, headers)).status).toBe(200);
    expect((await http.verify(card, 'auth', '12', headers)).body.error.code).toBe('PIN_FORMAT');
    expect(await failures()).toEqual([]);
    expect((await http.verify(card, 'auth', '0000', headers)).body.error.code).toBe('PIN_INCORRECT');
    const rows = await failures();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ source_key: 'ip:203.0.113.77', address: '203.0.113.77', service: 'portal-test' });
    const incorrect = (await cardEvents(card)).find((e) => e.result === 'incorrect');
    expect(new Date(rows[0]!.occurred_at).toISOString()).toBe(incorrect?.occurredAt);
  });

  it('judges an entry relayed by a trusted front end by its terminal, scoped by service', async () => {
    const kiosk = { 'x-kagiya-service': 'konbini-test', 'x-kagiya-terminal': 'store-9 MMK', 'x-kagiya-channel': 'kiosk' };
    const cards: Card[] = [];
    for (let i = 0; i < 11; i += 1) cards.push(await http.newCard());
    const answers = [];
    for (const card of cards) answers.push((await http.verify(card, 'juki', '0000', kiosk)).body.error.code);
    expect(answers.slice(0, 10)).toEqual(Array(10).fill('PIN_INCORRECT'));
    expect(answers[10]).toBe('SOURCE_BLOCKED');
    // The same terminal name under another service is another source.
    expect((await http.verify(cards[10]!, 'juki', PINS.juki, { ...kiosk, 'x-kagiya-service': 'other-service' })).status).toBe(200);
  });

  it('holds a card failing from three addresses: refused as RISK_HOLD (not a lock, nothing spent) until the counter releases it', async () => {
    const card = await counter.http.newCard({ municipalityCode: '111007' });
    await http.verify(card, 'auth', '0000', from('198.51.100.31'));
    await http.verify(card, 'sign', 'WRONG999', from('198.51.100.32'));
    await http.verify(card, 'assist', '0000', from('198.51.100.33'));

    const refused = await http.verify(card, 'auth', PINS.auth, from('198.51.100.34'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('RISK_HOLD');
    expect(refused.body.error.messages.ja).toContain('ロックではありません');
    expect((await http.status(card)).body.pins.auth).toMatchObject({ remaining: 2, locked: false });
    const events = await cardEvents(card);
    expect(events.find((e) => e.operation === 'risk_hold')).toMatchObject({ result: 'held', code: 'RISK_HOLD', actor: 'kagiya-risk' });
    expect(events[0]).toMatchObject({ operation: 'verify', result: 'refused', code: 'RISK_HOLD', remainingAfter: 2 });
    const held = (await audits('risk.card_held')).find((a) => a.target_id === card.cardId);
    expect(held?.detail).toMatchObject({ rule: 'card-many-addresses', figures: { addresses: 3, threshold: 3, windowMinutes: 30 } });

    // The counter's diagnosis names the hold, never a lock, and offers the release.
    const clerk = await counter.clerk('111007');
    const diagnosis = await http.call('GET', `/api/v1/counter/cards/${card.cardId}/diagnosis`, { headers: clerk });
    expect(diagnosis.body.verdict.code).toBe('RISK_HOLD');
    expect(diagnosis.body.verdict.text.ja).toContain('暗証番号のロックではなく');
    expect(diagnosis.body.riskHold).toMatchObject({ rule: 'card-many-addresses', figures: { addresses: 3 } });

    // Another municipality's clerk cannot see or release it; a reason is required.
    const other = await counter.clerk('141003');
    expect((await http.call('POST', `/api/v1/counter/cards/${card.cardId}/risk-hold/release`, { headers: other, body: { reason: 'holder at the counter' } })).status).toBe(404);
    expect((await http.call('POST', `/api/v1/counter/cards/${card.cardId}/risk-hold/release`, { headers: clerk, body: { reason: '' } })).status).toBe(400);
    const released = await http.call('POST', `/api/v1/counter/cards/${card.cardId}/risk-hold/release`, { headers: clerk, body: { reason: 'holder in person, passport checked' } });
    expect(released.status).toBe(200);
    expect((await http.call('POST', `/api/v1/counter/cards/${card.cardId}/risk-hold/release`, { headers: clerk, body: { reason: 'again' } })).status).toBe(409);
    expect((await cardEvents(card))[0]).toMatchObject({ operation: 'risk_release', result: 'released', channel: 'counter' });
    expect((await audits('risk.hold_released')).find((a) => a.target_id === card.cardId)?.detail).toMatchObject({ kind: 'counter', rule: 'card-many-addresses' });

    expect(await http.verify(card, 'auth', PINS.auth, from('198.51.100.34'))).toMatchObject({ status: 200, body: { remaining: 3 } });
  });

  it('places the hold after the lock and card gates in the precedence, and before the format check', async () => {
    const clerk = await counter.clerk('111007');
    const card = await http.newCard({ municipalityCode: '111007' });
    for (let i = 0; i < 3; i += 1) await http.verify(card, 'auth', '0000', from(`198.51.100.${41 + i}`));
    // auth is locked (3 wrong) and the card held (3 addresses): the lock is the truth about auth…
    expect((await http.verify(card, 'auth', PINS.auth, from('198.51.100.50'))).body.error.code).toBe('PIN_LOCKED');
    // …another slot answers the hold, a malformed entry too, and nothing is spent.
    expect((await http.verify(card, 'juki', '12', from('198.51.100.50'))).body.error.code).toBe('RISK_HOLD');
    expect((await http.verify(card, 'juki', PINS.juki, from('198.51.100.50'))).body.error.code).toBe('RISK_HOLD');
    expect((await http.status(card)).body.pins.juki.remaining).toBe(3);
    // A suspended card says so before the hold.
    expect((await http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { headers: clerk, body: { reason: 'lost' } })).status).toBe(200);
    expect((await http.verify(card, 'juki', PINS.juki)).body.error.code).toBe('CARD_SUSPENDED');
  });

  it('holds a card failing through three services, and the holder releases it by a confirmed sign-in', async () => {
    const card = await http.newCard();
    await http.verify(card, 'juki', '0000', { 'x-kagiya-service': 'svc-a' });
    await http.verify(card, 'assist', '0000', { 'x-kagiya-service': 'svc-b' });
    await http.verify(card, 'sign', 'WRONG999', { 'x-kagiya-service': 'svc-c' });
    expect((await http.verify(card, 'juki', PINS.juki)).body.error.code).toBe('RISK_HOLD');
    const context = { channel: 'pc', service: 'portal', terminal: null, actor: null };

    // An ordinary login is refused, with nothing spent; the confirming one with a wrong PIN spends a try and releases nothing.
    const plain = await loginWithCard(system.deps, { card, authPin: PINS.auth, signPin: null, context });
    expect(plain).toMatchObject({ ok: false, code: 'RISK_HOLD' });
    const wrong = await loginWithCard(system.deps, { card, authPin: '0000', signPin: null, context, confirmHold: true });
    expect(wrong).toMatchObject({ ok: false, code: 'PIN_INCORRECT', details: { remaining: 2 } });
    expect((await system.deps.risk.activeHold(card.cardId))?.rule).toBe('card-many-services');

    // The auth PIN and the card's signature, with the holder's confirmation: released, holder as the actor.
    const confirmed = await loginWithCard(system.deps, { card, authPin: PINS.auth, signPin: null, context, confirmHold: true });
    expect(confirmed).toMatchObject({ ok: true, value: { holdReleased: true } });
    expect(await system.deps.risk.activeHold(card.cardId)).toBeNull();
    const events = await cardEvents(card);
    expect(events[0]).toMatchObject({ operation: 'risk_release', result: 'released', actor: 'holder', service: 'portal' });
    expect(events[1]).toMatchObject({ operation: 'risk_confirm', result: 'success' });
    expect((await audits('risk.hold_released')).find((a) => a.target_id === card.cardId)).toMatchObject({ actor_id: 'holder', detail: { kind: 'holder' } });
    expect((await http.verify(card, 'juki', PINS.juki)).status).toBe(200);
  });

  it("flags a relying service whose entries fail far above the norm, with its failure rate, to the national admin only", async () => {
    const cards: Card[] = [];
    for (let i = 0; i < 22; i += 1) cards.push(await http.newCard());
    // A clinic's terminal tries 0000 on every card; e-Tax's entries are right. No source key: judged as a service.
    for (const card of cards) await http.verify(card, 'assist', '0000', { 'x-kagiya-service': 'clinic-zero', 'x-kagiya-channel': 'clinic' });
    for (const card of cards) await http.verify(card, 'auth', PINS.auth, { 'x-kagiya-service': 'e-tax-ok' });
    for (const card of cards.slice(0, 2)) await http.verify(card, 'auth', '0000', { 'x-kagiya-service': 'e-tax-ok' });

    const clerk = await counter.clerk('111007');
    expect((await http.call('POST', '/api/v1/risk/services/evaluate', { headers: clerk })).status).toBe(403);
    const evaluated = await http.call('POST', '/api/v1/risk/services/evaluate', { headers: http.admin });
    expect(evaluated.status).toBe(200);
    expect(evaluated.body.flagged).toBe(1);

    const flags = await http.call('GET', '/api/v1/risk/services', { headers: http.admin });
    expect(flags.body.flags.map((f: any) => f.service)).toEqual(['clinic-zero']);
    // clinic-zero: 22 of 22 failed; the norm is the other service's rate (2 of 24), floored at the 5 % baseline.
    expect(flags.body.flags[0]).toMatchObject({ rule: 'service-failure-rate', figures: { attempts: 22, failures: 22, rate: 1, norm: 0.0833, factor: 5 } });
    expect(flags.body.flags[0].explanation.ja).toContain('失敗率100%');
    expect((await audits('risk.service_flagged')).map((a) => a.target_id)).toEqual(['clinic-zero']);
    expect((await http.call('GET', '/api/v1/risk/services', { headers: clerk })).status).toBe(403);

    // Evaluating again refreshes the figures of the open flag, no second flag; dismissing is audited.
    expect((await http.call('POST', '/api/v1/risk/services/evaluate', { headers: http.admin })).body.flagged).toBe(0);
    const dismissed = await http.call('POST', `/api/v1/risk/service-flags/${flags.body.flags[0].id}/dismiss`, { headers: http.admin, body: { reason: 'clinic fixed its terminal' } });
    expect(dismissed.status).toBe(200);
    expect((await http.call('GET', '/api/v1/risk/services', { headers: http.admin })).body.flags).toEqual([]);
    expect((await audits('risk.service_dismissed')).map((a) => a.target_id)).toEqual(['clinic-zero']);
  });
});
