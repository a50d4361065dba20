import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

describe.each(STORES)('RSA-2048 cards on %s', (store) => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await createTestSystem(store, { keyAlgorithm: 'RSA-2048' });
  });
  afterAll(async () => system?.dispose());

  it('issues RSA-2048 keys like the real card and signs digests that verify against the certificate', async () => {
    const http = api(system);
    const card = await http.newCard();
    const document = Buffer.from('電子申請 RSA');
    const res = await http.call('POST', `/api/v1/cards/${card.cardId}/sign`, {
      body: { pin: PINS.sign, digest: createHash('sha256').update(document).digest('base64') },
      headers: { 'x-card-key': card.cardKey },
    });
    expect(res.status).toBe(200);
    expect(res.body.algorithm).toBe('RSA-2048');
    const cert = new x509.X509Certificate(Buffer.from(res.body.certificate, 'base64'));
    expect(cert.publicKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
    const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' });
    expect(verifySignature('sha256', document, key, Buffer.from(res.body.signature, 'base64'))).toBe(true);
  });
});

// DESIGN.md: fail closed. With the database gone nothing is accepted, and the answer is our fault, not a lock.
describe.each(STORES)('database unreachable on %s', (store) => {
  it('refuses every card operation with SERVICE_UNAVAILABLE (503), never PIN_LOCKED', async () => {
    const system = await createTestSystem(store);
    try {
      const http = api(system);
      const card = await http.newCard();
      const resident = await http.createResident();
      await system.close();
      const key = { 'x-card-key': card.cardKey };
      const challenge = Buffer.from('nonce-0123456789').toString('base64');
      const digest = createHash('sha256').update('x').digest('base64');
      const operations: Array<[string, () => Promise<{ status: number; body: Record<string, any> }>]> = [
        ...(['auth', 'sign', 'assist', 'juki'] as const).map((slot): [string, () => Promise<{ status: number; body: Record<string, any> }>] => [`verify ${slot}`, () => http.verify(card, slot, PINS[slot])]),
        ['status', () => http.status(card)],
        ['events', () => http.events(card)],
        ['change', () => http.call('POST', `/api/v1/cards/${card.cardId}/pins/auth/change`, { body: { currentPin: PINS.auth, newPin: '6284' }, headers: key })],
        ['authenticate', () => http.call('POST', `/api/v1/cards/${card.cardId}/authenticate`, { body: { pin: PINS.auth, challenge }, headers: key })],
        ['sign', () => http.call('POST', `/api/v1/cards/${card.cardId}/sign`, { body: { pin: PINS.sign, digest }, headers: key })],
        ['attributes', () => http.call('POST', `/api/v1/cards/${card.cardId}/attributes`, { body: { pin: PINS.assist }, headers: key })],
        ['issue', () => http.issueCard(resident.body.id)],
        ['suspend', () => http.call('POST', `/api/v1/cards/${card.cardId}/suspend`, { body: { reason: 'lost' }, headers: http.admin })],
      ];
      expect(operations).toHaveLength(12);
      for (const [name, operation] of operations) {
        const r = await operation();
        expect([r.status, r.body.error?.code], name).toEqual([503, 'SERVICE_UNAVAILABLE']);
      }
    } finally {
      await system.dispose();
    }
  });
});
