import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createSessionStore } from './sessions.js';

function harness(options: { max?: number; idleMs?: number }) {
  let now = new Date('2026-12-02T03:00:00Z');
  const store = createSessionStore<{ n: number }>({ cookie: 's', now: () => now, ...options });
  const app = new Hono();
  app.post('/set/:n', (c) => {
    store.set(c, { n: Number(c.req.param('n')) }, { renew: c.req.query('renew') === '1' });
    return c.text('ok');
  });
  app.get('/get', (c) => c.json(store.get(c)));
  const cookieOf = (res: Response) => /s=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  return {
    store,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    set: async (n: number, cookie?: string, renew = false) => cookieOf(await app.request(`/set/${n}${renew ? '?renew=1' : ''}`, { method: 'POST', headers: cookie ? { cookie: `s=${cookie}` } : {} })),
    get: async (cookie: string) => (await app.request('/get', { headers: { cookie: `s=${cookie}` } })).json(),
  };
}

describe('relying-service sessions', () => {
  it('keeps data under an HttpOnly random id and forgets it after the idle time', async () => {
    const h = harness({ idleMs: 60_000 });
    const id = await h.set(1);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await h.get(id)).toEqual({ n: 1 });
    h.advance(61_000);
    expect(await h.get(id)).toBeNull();
  });

  it('gives a new id at login and drops the old one (no fixation)', async () => {
    const h = harness({});
    const before = await h.set(1);
    const after = await h.set(2, before, true);
    expect(after).not.toBe(before);
    expect(await h.get(before)).toBeNull();
    expect(await h.get(after)).toEqual({ n: 2 });
  });

  it('never holds more than its cap: the least recently used go first', async () => {
    const h = harness({ max: 3 });
    const ids = [await h.set(1), await h.set(2), await h.set(3)];
    expect(await h.get(ids[0]!)).toEqual({ n: 1 }); // touched: now the newest
    await h.set(4);
    expect(h.store.size()).toBe(3);
    expect(await h.get(ids[1]!)).toBeNull();
    expect(await h.get(ids[0]!)).toEqual({ n: 1 });
  });
});
