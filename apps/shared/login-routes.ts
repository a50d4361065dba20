// /login, /callback and /logout of a relying service, shared by e-Tax and the kiosk.

import type { Context, Hono } from 'hono';
import type { OidcLogin, PendingLogin } from './oidc-login.js';
import { langOf } from './page.js';
import type { Refusal } from './refusal.js';
import type { SessionStore } from './sessions.js';

export type UserSession = {
  pending?: PendingLogin;
  user?: { sub: string; idToken: string; accessToken: string; claims: Readonly<Record<string, unknown>> };
};

export type LoginRoutesOptions<S extends UserSession> = Readonly<{
  oidc: OidcLogin;
  sessions: SessionStore<S>;
  publicUrl: string;
  /** A refusal before the resident is sent to enter a PIN (the kiosk's hours). */
  gate?: (c: Context) => Refusal | null;
  /** Extra authorization params decided per request. */
  extraParams?: (c: Context) => Record<string, string>;
  showRefusal: (c: Context, refusal: Refusal) => Response | Promise<Response>;
  /**
   * RP-initiated logout at Kagiya too (default). The kiosk ends only its own session: Kagiya asks for the card on
   * every authorization anyway, and the next customer must land on the kiosk's start screen, not Kagiya's.
   */
  providerLogout?: boolean;
}>;

const sameOriginPath = (p: string | undefined) => (p && /^\/[A-Za-z0-9/_-]*$/.test(p) ? p : '/');

export function registerLoginRoutes<S extends UserSession>(app: Hono, o: LoginRoutesOptions<S>) {
  app.get('/login', async (c) => {
    const gated = o.gate?.(c);
    if (gated) return o.showRefusal(c, gated);
    // Kagiya's login page speaks the language the resident chose here (OIDC Core §3.1.2.1 ui_locales).
    const started = await o.oidc.start(sameOriginPath(c.req.query('returnTo')), { ui_locales: langOf(c), ...(o.extraParams?.(c) ?? {}) });
    if (!started.ok) return o.showRefusal(c, started.refusal);
    o.sessions.set(c, { ...(o.sessions.get(c) ?? {}), pending: started.pending } as S);
    return c.redirect(started.url.href, 302);
  });

  app.get('/callback', async (c) => {
    const session = o.sessions.get(c);
    if (!session?.pending) return o.showRefusal(c, { code: 'SESSION_EXPIRED', details: {} });
    // The callback URL as the provider sent it, on our public origin (we may sit behind a proxy).
    const current = new URL(c.req.url);
    const url = new URL(current.pathname + current.search, o.publicUrl);
    const done = await o.oidc.finish(url, session.pending);
    if (!done.ok) {
      o.sessions.set(c, { ...session, pending: undefined } as S);
      return o.showRefusal(c, done.refusal);
    }
    // A fresh session id at login (no fixation); the pending login is spent.
    o.sessions.set(c, { user: done.value } as S, { renew: true });
    return c.redirect(session.pending.returnTo, 302);
  });

  app.post('/logout', async (c) => {
    const idToken = o.sessions.get(c)?.user?.idToken;
    o.sessions.clear(c);
    const end = idToken && o.providerLogout !== false ? await o.oidc.logoutUrl(idToken, new URL('/', o.publicUrl).href) : null;
    return c.redirect(end?.href ?? '/', 302);
  });
}

/** Cross-site form posts are refused (SameSite=Lax already keeps the cookie off them). */
export function sameOriginPosts(publicUrl: string) {
  const origin = new URL(publicUrl).origin;
  return async (c: Context, next: () => Promise<void>) => {
    if (c.req.method === 'POST') {
      const from = c.req.header('origin');
      if (from && from !== origin && from !== 'null') return c.text('Forbidden', 403);
    }
    await next();
  };
}
