// Sessions of a small relying service, in its own memory: a random id in an HttpOnly cookie, an idle
// timeout, and a cap so no number of visitors can grow memory without bound (the oldest go first).
// SameSite=Lax: the OIDC callback is a top-level redirect from Kagiya and must carry the cookie; a
// cross-site POST must not.

import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';

export type SessionStore<T extends object> = ReturnType<typeof createSessionStore<T>>;

export function createSessionStore<T extends object>(options: { cookie: string; idleMs?: number; max?: number; now?: () => Date }) {
  const idleMs = options.idleMs ?? 30 * 60_000;
  const max = options.max ?? 10_000;
  const now = () => (options.now ? options.now().getTime() : Date.now());
  const sessions = new Map<string, { data: T; touched: number }>();

  function read(c: Context): { id: string; data: T } | null {
    const id = getCookie(c, options.cookie);
    if (!id || id.length !== 43) return null;
    const entry = sessions.get(id);
    if (!entry) return null;
    if (now() - entry.touched > idleMs) {
      sessions.delete(id);
      return null;
    }
    // Re-insert so Map order stays least-recently-used first.
    sessions.delete(id);
    entry.touched = now();
    sessions.set(id, entry);
    return { id, data: entry.data };
  }

  return {
    get: (c: Context): T | null => read(c)?.data ?? null,
    /** Replaces the session's data; a new id on every write of a login (no fixation). */
    set(c: Context, data: T, options2: { renew?: boolean } = {}): void {
      const current = options2.renew ? null : read(c);
      if (options2.renew) {
        const old = getCookie(c, options.cookie);
        if (old) sessions.delete(old);
      }
      const id = current?.id ?? randomBytes(32).toString('base64url');
      sessions.set(id, { data, touched: now() });
      while (sessions.size > max) sessions.delete(sessions.keys().next().value!);
      setCookie(c, options.cookie, id, { httpOnly: true, sameSite: 'Lax', path: '/' });
    },
    clear(c: Context): void {
      const id = getCookie(c, options.cookie);
      if (id) sessions.delete(id);
      deleteCookie(c, options.cookie, { path: '/' });
    },
    size: () => sessions.size,
  };
}
