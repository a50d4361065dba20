import type { HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type Provider from 'oidc-provider';
import type { EventContext } from '../../app/ports.js';
import type { ErrorCode } from '../../domain/errors.js';
import { HTTP_STATUS, pickLang, type Lang } from '../http/error-response.js';
import { CHANNELS, errorJson, type Env } from '../http/http-context.js';
import { loginWithCard, parseCardFile } from './card-login.js';
import { consentPage, expiredPage, loginPage, type ServiceNames } from './login-pages.js';
import type { OidcRuntime } from './oidc-runtime.js';
import { PAGE_HEADERS } from './page-layout.js';
import { refusalView, type Guidance } from './refusal-view.js';

// The provider's interaction screens (login with the card, consent), served by Hono beside oidc-provider.
// oidc-provider finds the interaction from its own cookie on the Node request; the uid in the path must match it.

const LABEL = /^[\p{L}\p{N} ._:@/-]{1,64}$/u;

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const bindings = (c: Context) => c.env as HttpBindings;

function langFor(c: Context, details: Details | null, form?: Record<string, unknown>): Lang {
  const chosen = (form?.lang as string | undefined) ?? c.req.query('lang');
  if (chosen === 'en' || chosen === 'ja') return chosen;
  const uiLocales = String(details?.params.ui_locales ?? '').trim();
  if (uiLocales) return uiLocales.toLowerCase().startsWith('en') ? 'en' : 'ja';
  return pickLang(c.req.header('accept-language'), undefined);
}

/** Channel and terminal from the authorization request's extra params; service is always the client. */
function eventContextOf(details: Details): EventContext {
  const channel = String(details.params.kagiya_channel ?? '');
  const terminal = String(details.params.kagiya_terminal ?? '');
  return {
    channel: (CHANNELS as readonly string[]).includes(channel) ? channel : null,
    service: String(details.params.client_id),
    terminal: LABEL.test(terminal) ? terminal : null,
    actor: null,
  };
}

export function registerInteractionRoutes(app: Hono<Env>, runtime: OidcRuntime) {
  const provider = () => {
    if (!runtime.provider) throw new Error('identity provider not started');
    return runtime.provider;
  };

  async function details(c: Context, uid: string): Promise<Details | null> {
    try {
      const d = await provider().interactionDetails(bindings(c).incoming, bindings(c).outgoing);
      return d.uid === uid ? d : null;
    } catch (error) {
      if ((error as { name?: string }).name === 'SessionNotFound') return null;
      throw error;
    }
  }

  async function serviceNames(clientId: string): Promise<ServiceNames> {
    const s = await runtime.clients.find(clientId);
    return s ? { nameJa: s.nameJa, nameEn: s.nameEn } : { nameJa: clientId, nameEn: clientId };
  }

  const wantsSign = (d: Details) => String(d.params.scope ?? '').split(' ').includes('jpki_sign_attributes');
  const page = async (c: Context, body: Promise<unknown> | unknown, status = 200) =>
    c.html(String(await body), status as 200, PAGE_HEADERS);

  async function guidanceFor(c: Context<Env>, cardId: string, cardKey: string): Promise<Guidance | null> {
    const deps = c.var.deps;
    const card = await deps.cards.findCardByKey(cardId, deps.secrets.hashCardKey(cardKey));
    const resident = card && (await deps.residents.findById(card.residentId));
    const m = resident && (await deps.municipalityName(resident.municipalityCode));
    return resident && m ? { code: resident.municipalityCode, nameJa: m.nameJa, nameEn: m.nameEn } : null;
  }

  // The login pages work only beside a running provider on a Node request (startServer does both); an app answering
  // without one (a bare in-process app) says so as our fault, never a crash.
  app.use('/oidc/interaction/*', async (c, next) => {
    if (!runtime.provider || !bindings(c)?.incoming) return errorJson(c, 'SERVICE_UNAVAILABLE');
    return next();
  });

  app.get('/oidc/interaction/:uid', async (c) => {
    const d = await details(c, c.req.param('uid'));
    if (!d) return page(c, expiredPage(langFor(c, null)), 400);
    const lang = langFor(c, d);
    const service = await serviceNames(String(d.params.client_id));
    if (d.prompt.name === 'login') return page(c, loginPage({ lang, uid: d.uid, service, wantSign: wantsSign(d), refusal: null, cardJson: '' }));
    return page(c, consentPage({ lang, uid: d.uid, service, scopes: requestedScopes(d) }));
  });

  app.post('/oidc/interaction/:uid/login', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.text('too large', 413) }), async (c) => {
    const d = await details(c, c.req.param('uid'));
    const form = await c.req.parseBody();
    if (!d || d.prompt.name !== 'login') return page(c, expiredPage(langFor(c, d, form)), 400);
    const lang = langFor(c, d, form);
    const service = await serviceNames(String(d.params.client_id));
    const wantSign = wantsSign(d);
    const file = form.cardFile;
    const fileText = file instanceof File && file.size > 0 && file.size <= 4096 ? await file.text() : '';
    const pasted = typeof form.cardJson === 'string' ? form.cardJson.trim() : '';
    const card = parseCardFile(fileText.trim() || pasted);
    const refuse = async (code: ErrorCode, detail: Readonly<Record<string, unknown>>, guidance: Guidance | null) => {
      // The last-try guard (issue #11): the page asks, and only a ticked answer lets the next entry spend the last try.
      const confirmSlot = code === 'LAST_TRY_CONFIRMATION_REQUIRED' && (detail.slot === 'auth' || detail.slot === 'sign') ? detail.slot : null;
      return page(c, loginPage({ lang, uid: d.uid, service, wantSign, refusal: refusalView(lang, code, detail, guidance), cardJson: card ? pasted || fileText.trim() : pasted.slice(0, 4096), confirmSlot }), HTTP_STATUS[code]);
    };
    if (!card) return refuse('INVALID_REQUEST', { field: 'cardFile' }, null);
    const authPin = typeof form.authPin === 'string' ? form.authPin : '';
    const signPin = wantSign ? (typeof form.signPin === 'string' ? form.signPin : '') : null;
    const confirmed = form.confirmLastTry;
    const confirmLastTry = { auth: confirmed === 'auth', sign: confirmed === 'sign' };
    try {
      const outcome = await loginWithCard(c.var.deps, { card, authPin, signPin, context: eventContextOf(d), confirmLastTry });
      if (!outcome.ok) return refuse(outcome.code, outcome.details, await guidanceFor(c, card.cardId, card.cardKey));
      const amr = wantSign ? ['sc', 'pin', 'hwk', 'sign'] : ['sc', 'pin', 'hwk'];
      const returnTo = await provider().interactionResult(bindings(c).incoming, bindings(c).outgoing, {
        login: { accountId: outcome.value.cardId, acr: outcome.value.acr, amr, remember: false },
      }, { mergeWithLastSubmission: false });
      return c.redirect(returnTo, 303);
    } catch {
      // Our own outage (the database gone, say): fail closed and say it is ours, never a lock (DOMAIN.md §3).
      return refuse('SERVICE_BUSY', {}, null);
    }
  });

  app.post('/oidc/interaction/:uid/consent', async (c) => {
    const d = await details(c, c.req.param('uid'));
    const form = await c.req.parseBody();
    if (!d || d.prompt.name !== 'consent' || !d.session) return page(c, expiredPage(langFor(c, d, form)), 400);
    const { incoming, outgoing } = bindings(c);
    if (form.decision !== 'allow') {
      const returnTo = await provider().interactionResult(incoming, outgoing, { error: 'access_denied', error_description: 'the card holder did not consent' }, { mergeWithLastSubmission: false });
      return c.redirect(returnTo, 303);
    }
    const p = provider();
    const missing = d.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    const grant = d.grantId ? await p.Grant.find(d.grantId) : new p.Grant({ accountId: d.session.accountId, clientId: String(d.params.client_id) });
    if (!grant) return page(c, expiredPage(langFor(c, d, form)), 400);
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    const returnTo = await p.interactionResult(incoming, outgoing, { consent: d.grantId ? {} : { grantId } });
    return c.redirect(returnTo, 303);
  });

  app.get('/oidc/interaction/:uid/abort', async (c) => {
    const d = await details(c, c.req.param('uid'));
    if (!d) return page(c, expiredPage(langFor(c, null)), 400);
    const returnTo = await provider().interactionResult(bindings(c).incoming, bindings(c).outgoing, { error: 'access_denied', error_description: 'the card holder cancelled the login' }, { mergeWithLastSubmission: false });
    return c.redirect(returnTo, 303);
  });
}

/** The scopes the consent screen lists: what is asked and not yet granted, OIDC and resource scopes alike. */
function requestedScopes(d: Details): string[] {
  const missing = d.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  const scopes = new Set<string>(missing.missingOIDCScope ?? []);
  for (const list of Object.values(missing.missingResourceScopes ?? {})) for (const s of list) scopes.add(s);
  return [...scopes];
}
