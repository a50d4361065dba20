import type { TestSystem } from './test-db.js';
import { PINS, residentBody } from './factories.js';

type Json = Record<string, any>;

/** In-process HTTP through Hono's app.request (no port, no sleeps). */
export function api(system: TestSystem) {
  const call = async (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await system.app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
  };
  const admin = { authorization: `Bearer ${system.adminToken}` };
  return {
    call,
    admin,
    async createResident(overrides: Record<string, unknown> = {}, headers: Record<string, string> = admin) {
      return call('POST', '/api/v1/residents', { body: residentBody(overrides), headers });
    },
    async issueCard(residentId: string, pins: Record<string, string> = { ...PINS }, headers: Record<string, string> = admin) {
      return call('POST', '/api/v1/cards', { body: { residentId, pins }, headers });
    },
    /** A resident with a fresh card; returns the card file. */
    async newCard(overrides: Record<string, unknown> = {}) {
      const r = await call('POST', '/api/v1/residents', { body: residentBody(overrides), headers: admin });
      if (r.status !== 201) throw new Error(`resident: ${JSON.stringify(r.body)}`);
      const pins: Record<string, string> = { ...PINS };
      const c = await call('POST', '/api/v1/cards', { body: { residentId: r.body.id, pins }, headers: admin });
      if (c.status !== 201) throw new Error(`card: ${JSON.stringify(c.body)}`);
      return { residentId: r.body.id as string, cardId: c.body.cardId as string, cardKey: c.body.cardKey as string };
    },
    /**
     * A PIN entry whose holder, asked, confirmed the last try (issue #11): tests of counting and locking use it as the
     * apps do after their question. `confirmLastTry: false` sends none (the last-try guard's own tests).
     */
    verify(card: { cardId: string; cardKey: string }, slot: string, pin: string, headers: Record<string, string> = {}, options: { confirmLastTry?: boolean } = {}) {
      const body = options.confirmLastTry === false ? { pin } : { pin, confirmLastTry: true };
      return call('POST', `/api/v1/cards/${card.cardId}/pins/${slot}/verify`, { body, headers: { 'x-card-key': card.cardKey, ...headers } });
    },
    status(card: { cardId: string; cardKey: string }) {
      return call('GET', `/api/v1/cards/${card.cardId}/status`, { headers: { 'x-card-key': card.cardKey } });
    },
    events(card: { cardId: string; cardKey: string }) {
      return call('GET', `/api/v1/cards/${card.cardId}/events?limit=500`, { headers: { 'x-card-key': card.cardKey } });
    },
  };
}
