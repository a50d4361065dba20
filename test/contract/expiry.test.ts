import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { PINS } from '../support/factories.js';
import { createTestSystem, STORES, type TestSystem } from '../support/test-db.js';

// DOMAIN.md §2: certificates end on the 5th birthday after issuance, the card on the 10th (18+) or 5th.
describe.each(STORES)('expiry on %s', (store) => {
  let system: TestSystem;
  let now = new Date('2026-01-10T01:00:00Z');

  beforeAll(async () => {
    system = await createTestSystem(store, { clock: () => now });
  });
  afterAll(async () => system?.dispose());

  it('refuses with CERT_EXPIRED after the 5th birthday, keeps the juki slot usable, and says CARD_EXPIRED after the 10th', async () => {
    now = new Date('2026-01-10T01:00:00Z');
    const http = api(system);
    const card = await http.newCard({ birthDate: '1980-03-15' });
    const status = await http.status(card);
    expect(status.body.certificates.auth.notAfter).toBe('2030-03-15T14:59:59.000Z');
    expect(status.body.expiresAt).toBe('2035-03-15T14:59:59.000Z');

    now = new Date('2030-03-15T14:59:58Z');
    expect((await http.verify(card, 'auth', PINS.auth)).status).toBe(200);

    now = new Date('2030-03-15T15:00:00Z');
    const expired = await http.verify(card, 'auth', PINS.auth);
    expect(expired.status).toBe(410);
    expect(expired.body.error).toMatchObject({ code: 'CERT_EXPIRED', slot: 'auth' });
    const sign = await http.verify(card, 'sign', 'WRONG1');
    expect(sign.body.error.code).toBe('CERT_EXPIRED');
    // no certificate behind juki: the card still works for counter procedures
    expect((await http.verify(card, 'juki', PINS.juki)).status).toBe(200);
    const later = await http.status(card);
    expect(later.body.certificates).toMatchObject({ auth: { status: 'expired' }, sign: { status: 'expired' } });
    expect(later.body.pins.auth.remaining).toBe(3);
    expect(later.body.pins.sign.remaining).toBe(5);

    now = new Date('2035-03-15T15:00:00Z');
    const cardExpired = await http.verify(card, 'juki', PINS.juki);
    expect(cardExpired.body.error.code).toBe('CARD_EXPIRED');
    expect((await http.status(card)).body.status).toBe('expired');
  });

  it('gives a 17-year-old a card that ends on the 5th birthday after issuance', async () => {
    now = new Date('2026-01-10T01:00:00Z');
    const http = api(system);
    const card = await http.newCard({ birthDate: '2008-06-30' });
    const status = await http.status(card);
    expect(status.body.expiresAt).toBe('2030-06-30T14:59:59.000Z');
    expect(status.body.certificates.sign.notAfter).toBe('2030-06-30T14:59:59.000Z');
  });
});
