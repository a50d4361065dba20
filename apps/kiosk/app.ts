// The convenience-store kiosk (コンビニ交付), a relying service of Kagiya: the card and its `auth` PIN through
// OIDC, then a 住民票の写し as a PDF. Every login carries the kiosk's terminal id and channel `kiosk`
// (contracts: kagiya_terminal, kagiya_channel), so the holder can see which machine spent a try.
// Outside 06:30–23:00 JST nothing starts: the refusal names the hours, before any PIN is asked.

import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { registerLoginRoutes, sameOriginPosts, type UserSession } from '../shared/login-routes.js';
import { createOidcLogin } from '../shared/oidc-login.js';
import { langOf, sendPage, statusOf } from '../shared/page.js';
import { refusal, type Refusal } from '../shared/refusal.js';
import { createSessionStore } from '../shared/sessions.js';
import { createRefusalReporter } from '../shared/client-report.js';
import { jstDate } from './japanese-date.js';
import { renderJuminhyo } from './juminhyo-pdf.js';
import { issuedPage, menuPage, resetCardPage, resetDonePage, resetPinPage, welcomePage } from './pages.js';
import { parseCardFile, type CardFile } from '../shared/card-file.js';
import { findReservation, setNewPin } from './kiosk-reset.js';
import { fetchResidentRecord } from './resident-record.js';
import { checkServiceHours } from './service-hours.js';

export const KIOSK_CLIENT_ID = 'konbini-certificates';
export const KIOSK_SCOPE = 'openid kagiya_resident_record';

export type KioskOptions = Readonly<{
  kagiyaUrl: string;
  publicUrl: string;
  clientSecret: string;
  terminal: string;
  /** 'always' only for a demo tried outside Japan's daytime (Config.kioskHours); the rule is 'jst'. */
  hours?: 'jst' | 'always';
  /** Injectable for the hours (tests run at any time of day). */
  now?: () => Date;
  fetch?: typeof fetch;
}>;

type Session = UserSession & {
  issued?: { number: string; pdf: Uint8Array };
  /** The kiosk reset in progress: the card placed and its reservation (DOMAIN.md §4). */
  reset?: { card: CardFile; slot: 'sign' | 'auth'; expiresAt: string };
};

export function createKioskApp(options: KioskOptions) {
  const now = options.now ?? (() => new Date());
  const oidc = createOidcLogin({
    issuer: options.kagiyaUrl,
    clientId: KIOSK_CLIENT_ID,
    clientSecret: options.clientSecret,
    redirectUri: new URL('/callback', options.publicUrl).href,
    scope: KIOSK_SCOPE,
    extraParams: { kagiya_channel: 'kiosk', kagiya_terminal: options.terminal },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // A kiosk session is short: the next customer must never find the last one signed in. A terminal serves one
  // customer at a time, so a few hundred sessions (each may hold its PDF) bound the memory.
  const sessions = createSessionStore<Session>({ cookie: 'kiosk_session', idleMs: 5 * 60_000, max: 300, now });

  const hoursRefusal = (): Refusal | null => {
    if (options.hours === 'always') return null;
    const v = checkServiceHours(now());
    return v.open ? null : refusal('OUTSIDE_SERVICE_HOURS', { opensAt: v.opensAt, closesAt: v.closesAt });
  };
  const ctx = (c: Context) => ({ lang: langOf(c), path: c.req.path, signedIn: !!sessions.get(c)?.user, terminal: options.terminal });
  // What the kiosk showed a signed-in person is reported to Kagiya with the holder's access token (issue 11); before
  // the card is read (hours, a cancelled login) there is no card to report about.
  const reporter = createRefusalReporter({ kagiyaUrl: options.kagiyaUrl, app: 'kagiya-kiosk', appVersion: '0.1.0', channel: 'kiosk', service: KIOSK_CLIENT_ID, terminal: options.terminal, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const shown = (c: Context, r: Refusal) => {
    const token = sessions.get(c)?.user?.accessToken;
    void reporter.report(r, token ? { kind: 'bearer', token } : null);
  };
  const refuse = (c: Context, r: Refusal) => {
    shown(c, r);
    return sendPage(c, welcomePage(ctx(c), hoursRefusal() === null, r), statusOf(r));
  };

  const app = new Hono();
  app.use('*', sameOriginPosts(options.publicUrl));
  registerLoginRoutes(app, { oidc, sessions, publicUrl: options.publicUrl, gate: hoursRefusal, showRefusal: refuse, providerLogout: false });

  app.get('/', (c) => {
    if (sessions.get(c)?.user) return c.redirect('/menu', 303);
    const closed = hoursRefusal();
    return sendPage(c, welcomePage(ctx(c), closed === null, closed ?? undefined));
  });

  app.get('/menu', (c) => {
    if (!sessions.get(c)?.user) return refuse(c, refusal('LOGIN_REQUIRED'));
    return sendPage(c, menuPage(ctx(c), hoursRefusal() ?? undefined));
  });

  app.post('/certificates/juminhyo', async (c) => {
    const session = sessions.get(c);
    if (!session?.user) return refuse(c, refusal('LOGIN_REQUIRED'));
    const closed = hoursRefusal();
    if (closed) return sendPage(c, menuPage(ctx(c), closed), statusOf(closed));
    const record = await fetchResidentRecord({ kagiyaUrl: options.kagiyaUrl, accessToken: session.user.accessToken, ...(options.fetch ? { fetch: options.fetch } : {}) });
    if (!record.ok) {
      shown(c, record.refusal);
      return sendPage(c, menuPage(ctx(c), record.refusal), statusOf(record.refusal));
    }
    const at = now();
    const number = `K-${jstDate(at).replaceAll('-', '')}-${randomBytes(3).toString('hex').toUpperCase()}`;
    const pdf = await renderJuminhyo({ certificateNumber: number, issuedAt: at, terminal: options.terminal, ...record.value });
    sessions.set(c, { ...session, issued: { number, pdf } });
    return c.redirect('/issued', 303);
  });

  app.get('/issued', (c) => {
    const issued = sessions.get(c)?.issued;
    if (!issued) return c.redirect('/', 303);
    return sendPage(c, issuedPage(ctx(c), issued.number));
  });

  app.get('/certificates/:file', (c) => {
    const issued = sessions.get(c)?.issued;
    if (!issued || c.req.param('file') !== `${issued.number}.pdf`) return c.text('Not found', 404);
    return c.body(Buffer.from(issued.pdf), 200, {
      'content-type': 'application/pdf',
      'content-disposition': `inline; filename="juminhyo-${issued.number}.pdf"`,
      'cache-control': 'no-store',
    });
  });

  // The kiosk reset: the card, then the new PIN of the reserved slot. The hours gate applies before the card is read.
  app.get('/reset', (c) => {
    const closed = hoursRefusal();
    return sendPage(c, resetCardPage(ctx(c), closed === null, closed ?? undefined), closed ? statusOf(closed) : 200);
  });

  app.post('/reset/card', async (c) => {
    const closed = hoursRefusal();
    if (closed) return sendPage(c, resetCardPage(ctx(c), false, closed), statusOf(closed));
    const form = await c.req.parseBody();
    const card = parseCardFile(typeof form.cardJson === 'string' ? form.cardJson : '');
    if (!card) {
      const r = refusal('CARD_FILE_INVALID');
      return sendPage(c, resetCardPage(ctx(c), true, r), statusOf(r));
    }
    const found = await findReservation({ kagiyaUrl: options.kagiyaUrl, card, terminal: options.terminal, ...(options.fetch ? { fetch: options.fetch } : {}) });
    if (!found.ok) return sendPage(c, resetCardPage(ctx(c), true, found.refusal), statusOf(found.refusal));
    sessions.set(c, { ...(sessions.get(c) ?? {}), reset: { card, slot: found.value.slot, expiresAt: found.value.expiresAt } });
    return sendPage(c, resetPinPage(ctx(c), found.value.slot, found.value.expiresAt));
  });

  app.post('/reset/pin', async (c) => {
    const session = sessions.get(c);
    const reset = session?.reset;
    if (!session || !reset) return sendPage(c, resetCardPage(ctx(c), hoursRefusal() === null, refusal('SESSION_EXPIRED')), 410);
    const closed = hoursRefusal();
    if (closed) return sendPage(c, resetCardPage(ctx(c), false, closed), statusOf(closed));
    const form = await c.req.parseBody();
    const newPin = typeof form.newPin === 'string' ? form.newPin : '';
    if (newPin !== form.newPin2) {
      const r = refusal('PIN_CONFIRMATION_MISMATCH');
      return sendPage(c, resetPinPage(ctx(c), reset.slot, reset.expiresAt, r), statusOf(r));
    }
    const done = await setNewPin({ kagiyaUrl: options.kagiyaUrl, card: reset.card, terminal: options.terminal, ...(options.fetch ? { fetch: options.fetch } : {}) }, newPin);
    if (!done.ok) return sendPage(c, resetPinPage(ctx(c), reset.slot, reset.expiresAt, done.refusal), statusOf(done.refusal));
    // The card leaves the machine: nothing of it stays in the session.
    const { reset: _gone, ...rest } = session;
    sessions.set(c, rest);
    return sendPage(c, resetDonePage(ctx(c), done.value.slot));
  });

  app.post('/reset/finish', (c) => {
    sessions.clear(c);
    return c.redirect('/', 303);
  });

  return app;
}
