// e-Tax, a relying service of Kagiya: log in with the card (OIDC, `auth` PIN on Kagiya's page), prepare a
// return, sign it with the `sign` slot into CMS SignedData, verify signature and status (OCSP), file it.
// Filed returns live in this process's memory: it is a demo service, not a tax office.

import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { parseCardFile } from '../shared/card-file.js';
import { registerLoginRoutes, sameOriginPosts, type UserSession } from '../shared/login-routes.js';
import { createOidcLogin } from '../shared/oidc-login.js';
import { langOf, sendPage, statusOf } from '../shared/page.js';
import { refusal, type Refusal } from '../shared/refusal.js';
import { createSessionStore } from '../shared/sessions.js';
import { createRefusalReporter, type ReportCredential } from '../shared/client-report.js';
import type { CardFile } from '../shared/card-file.js';
import { computeReturn, FIGURE_FIELDS, parseFigures, TAX_YEAR, type ComputedReturn, type ReturnFigures } from './income-tax.js';
import { formPage, homePage, receiptPage, signPage, type ReceiptView } from './pages.js';
import { signContent, verifySignedReturn } from './signed-return.js';

export const ETAX_CLIENT_ID = 'e-tax';
const APP_VERSION = '0.1.0';

export type EtaxOptions = Readonly<{
  /** Kagiya's origin: the OIDC issuer and the card API. */
  kagiyaUrl: string;
  /** This service's own origin (redirect_uri = publicUrl + /callback). */
  publicUrl: string;
  clientSecret: string;
  /** Kagiya's relying-party token (role relying_party): the signing certificate's OCSP answers need it. */
  statusToken: string | null;
  fetch?: typeof fetch;
  now?: () => Date;
}>;

type Session = UserSession & { draft?: { figures: ReturnFigures; computed: ComputedReturn } };
type Filed = ReceiptView & { owner: string; cms: Uint8Array };

const MAX_FILED = 10_000;

export function createEtaxApp(options: EtaxOptions) {
  const now = options.now ?? (() => new Date());
  const doFetch = options.fetch ?? fetch;
  const oidc = createOidcLogin({
    issuer: options.kagiyaUrl,
    clientId: ETAX_CLIENT_ID,
    clientSecret: options.clientSecret,
    redirectUri: new URL('/callback', options.publicUrl).href,
    scope: 'openid',
    extraParams: { kagiya_channel: 'pc' },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const sessions = createSessionStore<Session>({ cookie: 'etax_session', now });
  const filed = new Map<string, Filed>();
  const statusDeps = { fetch: doFetch, now, kagiyaOrigin: options.kagiyaUrl, statusToken: options.statusToken };
  const signingDeps = { ...statusDeps, kagiyaUrl: options.kagiyaUrl, context: { service: ETAX_CLIENT_ID, channel: 'pc' } };

  // What e-Tax showed a person is reported to Kagiya (issue 11): with the card's key once the card file is read,
  // else with the relying-party token (no card named).
  const reporter = createRefusalReporter({ kagiyaUrl: options.kagiyaUrl, app: 'kagiya-etax', appVersion: APP_VERSION, channel: 'pc', service: ETAX_CLIENT_ID, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const credential = (card?: CardFile | null): ReportCredential | null =>
    card ? { kind: 'card', cardId: card.cardId, cardKey: card.cardKey } : options.statusToken ? { kind: 'bearer', token: options.statusToken } : null;
  const shown = (r: Refusal, card?: CardFile | null, slot?: string) => void reporter.report(r, credential(card), slot ? { slot } : {});

  const app = new Hono();
  app.use('*', sameOriginPosts(options.publicUrl));
  const ctx = (c: Context) => ({ lang: langOf(c), path: c.req.path, signedIn: !!sessions.get(c)?.user });
  const refuse = (c: Context, r: Refusal) => {
    shown(r);
    return sendPage(c, homePage(ctx(c), r), statusOf(r));
  };

  registerLoginRoutes(app, { oidc, sessions, publicUrl: options.publicUrl, showRefusal: refuse });

  app.get('/', (c) => {
    const session = sessions.get(c);
    if (!session?.user) return sendPage(c, homePage(ctx(c)));
    const d = session.draft?.figures;
    const values = d ? Object.fromEntries(FIGURE_FIELDS.map((k) => [k, String(d[k])])) : {};
    return sendPage(c, formPage(ctx(c), values));
  });

  app.post('/returns', async (c) => {
    const session = sessions.get(c);
    if (!session?.user) return refuse(c, refusal('LOGIN_REQUIRED'));
    const form = await c.req.parseBody();
    const figures = parseFigures(form);
    if (!figures) {
      const values = Object.fromEntries(FIGURE_FIELDS.map((k) => [k, typeof form[k] === 'string' ? String(form[k]).slice(0, 20) : '']));
      const r = refusal('FORM_INVALID');
      return sendPage(c, formPage(ctx(c), values, r), statusOf(r));
    }
    sessions.set(c, { ...session, draft: { figures, computed: computeReturn(figures) } });
    return c.redirect('/returns/draft', 303);
  });

  app.get('/returns/draft', (c) => {
    const session = sessions.get(c);
    if (!session?.user) return refuse(c, refusal('LOGIN_REQUIRED'));
    if (!session.draft) return c.redirect('/', 303);
    return sendPage(c, signPage(ctx(c), session.draft.figures, session.draft.computed));
  });

  app.post('/returns/draft/sign', async (c) => {
    const session = sessions.get(c);
    if (!session?.user) return refuse(c, refusal('LOGIN_REQUIRED'));
    const draft = session.draft;
    if (!draft) return refuse(c, refusal('SESSION_EXPIRED'));
    let presented: CardFile | null = null;
    const again = (r: Refusal) => {
      shown(r, presented, 'sign');
      return sendPage(c, signPage(ctx(c), draft.figures, draft.computed, r), statusOf(r));
    };

    const form = await c.req.parseBody();
    const upload = form.cardFile;
    const text = upload instanceof File && upload.size > 0 && upload.size <= 4096 ? await upload.text() : typeof form.cardFileText === 'string' ? form.cardFileText.trim() : '';
    const card = parseCardFile(text);
    if (!card) return again(refusal('CARD_FILE_INVALID'));
    presented = card;
    const password = typeof form.password === 'string' ? form.password : '';
    const confirmLastTry = form.confirmLastTry === 'yes';

    const document = {
      type: 'kagiya-etax/income-tax-return',
      taxYear: TAX_YEAR.western,
      taxYearJa: TAX_YEAR.ja,
      figures: draft.figures,
      computed: draft.computed,
      preparedAt: now().toISOString(),
    };
    const content = new TextEncoder().encode(JSON.stringify(document, null, 2));
    const signed = await signContent(signingDeps, { content, card, password, confirmLastTry });
    if (!signed.ok) return again(signed.refusal);
    // The office checks what it received exactly as it would a return from anyone else.
    const verified = await verifySignedReturn(statusDeps, signed.value);
    if (!verified.ok) return again(verified.refusal);

    const id = `R${now().getFullYear()}-${randomBytes(5).toString('hex').toUpperCase()}`;
    filed.set(id, {
      id,
      owner: session.user.sub,
      cms: signed.value,
      figures: draft.figures,
      computed: draft.computed,
      signer: verified.value.signer,
      signingTime: verified.value.signingTime,
      serial: verified.value.certificateSerial,
      checkedAt: verified.value.status.checkedAt,
    });
    while (filed.size > MAX_FILED) filed.delete(filed.keys().next().value!);
    sessions.set(c, { ...session, draft: undefined });
    return c.redirect(`/returns/${id}`, 303);
  });

  const owned = (c: Context): Filed | null => {
    const session = sessions.get(c);
    const item = filed.get(c.req.param('id') ?? '');
    return session?.user && item && item.owner === session.user.sub ? item : null;
  };

  app.get('/returns/:id', (c) => {
    const item = owned(c);
    if (!item) return sessions.get(c)?.user ? refuse(c, refusal('NOT_FOUND')) : refuse(c, refusal('LOGIN_REQUIRED'));
    return sendPage(c, receiptPage(ctx(c), item));
  });

  app.get('/returns/:id/signature.p7s', (c) => {
    const item = owned(c);
    if (!item) return c.text('Not found', 404);
    return c.body(Buffer.from(item.cms), 200, {
      'content-type': 'application/pkcs7-mime; smime-type=signed-data',
      'content-disposition': `attachment; filename="${item.id}.p7s"`,
    });
  });

  // A filed return checked again now: after a move, OCSP says the signing certificate is revoked.
  app.post('/returns/:id/verify', async (c) => {
    const item = owned(c);
    if (!item) return refuse(c, refusal('NOT_FOUND'));
    const verified = await verifySignedReturn(statusDeps, item.cms);
    if (!verified.ok) {
      shown(verified.refusal);
      return sendPage(c, receiptPage(ctx(c), item, { refusal: verified.refusal }), statusOf(verified.refusal));
    }
    return sendPage(c, receiptPage(ctx(c), { ...item, checkedAt: verified.value.status.checkedAt }));
  });

  return app;
}
