import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Lang } from './i18n.js';
import type { CardFile } from '../../shared/kagiya-api-types.js';
import { kagiyaApi } from './kagiya-api.js';
import { dashboardPage, landingPage, problemPage, refusalText, topBar, WORDS, type Flash } from './pages.js';
import { kioskResetPage, readinessPage } from './readiness-pages.js';
import { relyingParty, type Pending } from './relying-party.js';
import { createRefusalReporter } from '../../shared/client-report.js';
import type { Refusal as KagiyaRefusal } from './kagiya-api.js';

// The resident portal (issue #9 item 4): a separate small server, an OIDC client of Kagiya. It holds no card data of
// its own; each page reads the holder's card from Kagiya with the access token of the login.

type Session = {
  lang: Lang;
  pending?: Pending;
  login?: { accessToken: string; idToken: string; sub: string; expiresAt: number };
  flash?: Flash;
  touched: number;
};

const COOKIE = 'portal_sid';
const SESSION_MS = 30 * 60_000;
const MAX_SESSIONS = 10_000;
// form-action names Kagiya too: the login and logout forms redirect there, and Chromium applies form-action to
// the redirects that follow a form submission.
const headers = (issuer: string) => ({
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${new URL(issuer).origin}; frame-ancestors 'none'; base-uri 'none'`,
});

export type PortalOptions = Readonly<{ port: number; host: string; issuer: string; clientId: string; clientSecret: string }>;

export function createPortalApp(options: PortalOptions & { baseUrl: () => string; now?: () => Date }) {
  const sessions = new Map<string, Session>();
  const rp = relyingParty(options);
  const kagiya = kagiyaApi(options.issuer);
  const now = options.now ?? (() => new Date());
  const app = new Hono();
  const HEADERS = headers(options.issuer);
  // What the portal showed the holder is reported to Kagiya with the holder's access token (issue 11).
  const reporter = createRefusalReporter({ kagiyaUrl: options.issuer, app: 'kagiya-portal', appVersion: '0.1.0', channel: 'pc', service: options.clientId });
  const shown = (token: string | undefined, r: KagiyaRefusal) => {
    const { code, message: _m, messages: _ms, ...details } = r;
    if (token) void reporter.report({ code, details }, { kind: 'bearer', token });
  };

  function session(c: Context): Session {
    const t = Date.now();
    for (const [id, s] of sessions) if (t - s.touched > SESSION_MS) sessions.delete(id);
    const id = getCookie(c, COOKIE);
    const found = id ? sessions.get(id) : undefined;
    if (found) {
      found.touched = t;
      return found;
    }
    const fresh: Session = { lang: c.req.header('accept-language')?.toLowerCase().startsWith('en') ? 'en' : 'ja', touched: t };
    const newId = randomBytes(24).toString('base64url');
    // Bounded: a flood of cookieless requests evicts the oldest sessions instead of growing memory.
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
    sessions.set(newId, fresh);
    setCookie(c, COOKIE, newId, { httpOnly: true, sameSite: 'Lax', path: '/' });
    return fresh;
  }

  const show = async (c: Context, body: unknown, status = 200) => c.html(String(await body), status as 200, HEADERS);
  const takeFlash = (s: Session) => {
    const f = s.flash ?? null;
    delete s.flash;
    return f;
  };

  app.get('/', async (c) => {
    const s = session(c);
    const asked = c.req.query('lang');
    if (asked === 'ja' || asked === 'en') s.lang = asked;
    if (!s.login) return show(c, landingPage(s.lang, takeFlash(s)));
    if (s.login.expiresAt <= Date.now()) {
      delete s.login;
      return show(c, landingPage(s.lang, { kind: 'bad', text: WORDS[s.lang].expiredSession }));
    }
    const [card, events, reports] = await Promise.all([kagiya.card(s.login.accessToken), kagiya.events(s.login.accessToken), kagiya.clientReports(s.login.accessToken)]);
    if (!card.ok || !events.ok) {
      const refusal = !card.ok ? card : events.ok ? null : events;
      if (refusal && refusal.status === 401) {
        delete s.login;
        return show(c, landingPage(s.lang, { kind: 'bad', text: WORDS[s.lang].expiredSession }));
      }
      if (refusal) shown(s.login.accessToken, refusal.refusal);
      return show(c, problemPage(s.lang, refusal ? refusalText(s.lang, refusal.refusal) : '', refusal?.refusal.code ?? ''), refusal?.status ?? 503);
    }
    // The client reports are a view beside the record: without them the page still shows everything else.
    const clientReports = reports.ok ? reports.value : null;
    return show(c, dashboardPage({ lang: s.lang, card: card.value, events: events.value.events, clientReports, issuer: options.issuer, flash: takeFlash(s), now: now() }));
  });

  app.get('/login', async (c) => {
    const s = session(c);
    const asked = c.req.query('lang');
    if (asked === 'ja' || asked === 'en') s.lang = asked;
    try {
      const { url, pending } = await rp.authorizationUrl(`${options.baseUrl()}/callback`, s.lang);
      s.pending = pending;
      return c.redirect(url.toString(), 303);
    } catch {
      return show(c, problemPage(s.lang, s.lang === 'ja' ? '鍵屋（ログインの仕組み）に接続できませんでした。こちら側の問題であり、暗証番号のロックではありません。しばらくしてからもう一度お試しください。' : 'Could not reach Kagiya (the login service). This is a problem on our side, not a PIN lock. Please try again later.', 'SERVICE_BUSY'), 503);
    }
  });

  app.get('/callback', async (c) => {
    const s = session(c);
    const pending = s.pending;
    delete s.pending;
    const url = new URL(c.req.url);
    if (url.searchParams.get('error') === 'access_denied') {
      s.flash = { kind: 'bad', text: s.lang === 'ja' ? 'ログインは取り消されました。' : 'The login was cancelled.' };
      return c.redirect('/', 303);
    }
    if (!pending) return show(c, problemPage(s.lang, WORDS[s.lang].expiredSession, 'NO_LOGIN'), 400);
    try {
      const callback = new URL(`${options.baseUrl()}/callback${url.search}`);
      s.login = await rp.finish(callback, pending);
      return c.redirect('/', 303);
    } catch {
      return show(c, problemPage(s.lang, s.lang === 'ja' ? 'ログインを完了できませんでした。もう一度ログインしてください。カードや暗証番号のロックではありません。' : 'The login could not be completed. Please log in again. This is not a card or PIN lock.', 'LOGIN_FAILED'), 400);
    }
  });

  app.post('/logout', async (c) => {
    const s = session(c);
    const idToken = s.login?.idToken;
    delete s.login;
    deleteCookie(c, COOKIE, { path: '/' });
    if (!idToken) return c.redirect('/', 303);
    try {
      return c.redirect((await rp.logoutUrl(idToken, `${options.baseUrl()}/`, s.lang)).toString(), 303);
    } catch {
      return c.redirect('/', 303);
    }
  });

  app.post('/pin-change', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('too large', 413) }), async (c) => {
    const s = session(c);
    if (!s.login) return c.redirect('/', 303);
    const form = await c.req.parseBody();
    const field = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
    let cardKey = '';
    try {
      const parsed = JSON.parse(field('cardJson')) as Partial<CardFile>;
      if (typeof parsed.cardKey === 'string') cardKey = parsed.cardKey;
    } catch {
      cardKey = '';
    }
    const ja = s.lang === 'ja';
    if (!cardKey) s.flash = { kind: 'bad', text: ja ? 'カードファイルを読み取れませんでした。暗証番号は照合していません（残り回数は減っていません）。' : 'The card file could not be read. No PIN was checked (no try used).', code: 'CARD_FILE' };
    else if (field('newPin') !== field('newPin2')) s.flash = { kind: 'bad', text: ja ? '新しい暗証番号が確認用と一致しません。暗証番号は照合していません（残り回数は減っていません）。' : 'The new PIN and its confirmation differ. No PIN was checked (no try used).', code: 'MISMATCH' };
    else {
      // The last-try guard (issue #11): the box is never ticked in advance; only the person's tick is sent.
      const confirmLastTry = field('confirmLastTry') === 'yes';
      const r = await kagiya.changePin(s.login.accessToken, field('slot'), { cardKey, currentPin: field('currentPin'), newPin: field('newPin'), ...(confirmLastTry ? { confirmLastTry } : {}) });
      if (!r.ok) shown(s.login.accessToken, r.refusal);
      s.flash = r.ok
        ? { kind: 'ok', text: ja ? '暗証番号を変更しました。' : 'The PIN has been changed.', code: 'OK' }
        : { kind: 'bad', text: refusalText(s.lang, r.refusal), code: r.refusal.code };
    }
    return c.redirect('/', 303);
  });

  app.post('/report-lost', async (c) => {
    const s = session(c);
    if (!s.login) return c.redirect('/', 303);
    const form = await c.req.parseBody();
    if (form.confirm !== 'yes') return c.redirect('/', 303);
    const r = await kagiya.reportLost(s.login.accessToken);
    s.flash = r.ok
      ? { kind: 'ok', text: s.lang === 'ja' ? 'カードを一時停止しました。見つかった場合は、お住まいの市区町村の窓口で解除を申請してください。' : 'The card is suspended. If you find it, ask your municipal counter to lift the suspension.', code: 'SUSPENDED' }
      : { kind: 'bad', text: refusalText(s.lang, r.refusal), code: r.refusal.code };
    return c.redirect('/', 303);
  });

  // The readiness check (issue 11 item 2): one button on the dashboard, an optional date. Reads only.
  app.get('/readiness', async (c) => {
    const s = session(c);
    if (!s.login) return c.redirect('/', 303);
    const on = c.req.query('on');
    const r = await kagiya.health(s.login.accessToken, on && /^\d{4}-\d{2}-\d{2}$/.test(on) ? on : null);
    if (!r.ok) {
      if (r.status === 401) {
        delete s.login;
        return show(c, landingPage(s.lang, { kind: 'bad', text: WORDS[s.lang].expiredSession }));
      }
      s.flash = { kind: 'bad', text: refusalText(s.lang, r.refusal), code: r.refusal.code };
      return c.redirect('/', 303);
    }
    return show(c, readinessPage(s.lang, topBar(s.lang, true), r.value, options.issuer));
  });

  // The kiosk reset reservation (DOMAIN.md §4): with the card file, the other certificate PIN and the face match.
  // No login needed: a holder whose auth PIN is locked cannot log in.
  app.get('/kiosk-reset', (c) => {
    const s = session(c);
    const asked = c.req.query('lang');
    if (asked === 'ja' || asked === 'en') s.lang = asked;
    return show(c, kioskResetPage(s.lang, topBar(s.lang, !!s.login), takeFlash(s), null));
  });

  app.post('/kiosk-reset', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('too large', 413) }), async (c) => {
    const s = session(c);
    const form = await c.req.parseBody();
    const field = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
    const ja = s.lang === 'ja';
    let card: CardFile | null = null;
    try {
      const parsed = JSON.parse(field('cardJson')) as Partial<CardFile>;
      if (typeof parsed.cardId === 'string' && typeof parsed.cardKey === 'string') card = { cardId: parsed.cardId, cardKey: parsed.cardKey };
    } catch {
      card = null;
    }
    const slot = field('slot');
    const faceMatch = field('faceMatch');
    if (!card || (slot !== 'sign' && slot !== 'auth') || (faceMatch !== 'matched' && faceMatch !== 'not_matched')) {
      const flash = { kind: 'bad' as const, text: ja ? 'カードファイルまたは入力内容を読み取れませんでした。暗証番号は照合していません（残り回数は減っていません）。' : 'The card file or the form could not be read. No PIN was checked (no try used).', code: 'CARD_FILE' };
      return show(c, kioskResetPage(s.lang, topBar(s.lang, !!s.login), flash, null), 400);
    }
    const confirmLastTry = field('confirmLastTry') === 'yes';
    const r = await kagiya.reserveKioskReset(card, { slot, otherPin: field('otherPin'), faceMatch, ...(confirmLastTry ? { confirmLastTry } : {}) });
    if (!r.ok) return show(c, kioskResetPage(s.lang, topBar(s.lang, !!s.login), { kind: 'bad', text: refusalText(s.lang, r.refusal), code: r.refusal.code }, null), r.status);
    return show(c, kioskResetPage(s.lang, topBar(s.lang, !!s.login), null, r.value));
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  return app;
}

/** Starts the portal on `port` (0: any free port) and returns its URL. */
export async function startPortal(options: PortalOptions): Promise<{ url: string; close(): Promise<void> }> {
  let url = '';
  const app = createPortalApp({ ...options, baseUrl: () => url });
  let server!: ServerType;
  await new Promise<void>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info: AddressInfo) => {
      url = `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${info.port}`;
      resolve();
    });
    server.once('error', reject);
  });
  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
