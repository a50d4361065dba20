import type { Context } from 'hono';
import type { ErrorCode } from '../../domain/errors.js';
import type { Outcome } from '../../app/outcome.js';
import type { EventContext } from '../../app/ports.js';
import type { CounterDeps } from '../../app/counter-ports.js';
import type { ReaderDeps } from '../../app/reader/reader-ports.js';
import type { KioskResetDeps, ReadinessDeps } from '../../app/kiosk-reset-ports.js';
import type { Actor } from '../../domain/actor.js';
import type { ApiTokenIssuer } from '../../app/create-api-token.js';
import { getCookie } from 'hono/cookie';
import type { CertificateStatusServices } from './routes/pki-routes.js';
import { errorBody, HTTP_STATUS, pickLang } from './error-response.js';
import type { MassJobStore } from '../../app/mass-card-status.js';
import type { NotificationStore } from '../db/notification-store.js';
import type { ContactEmailStore } from '../db/contact-email-store.js';
import { clientAddress, DEFAULT_TRUSTED_PROXIES } from './client-address.js';

export type HttpDeps = CounterDeps &
  Pick<ReaderDeps, 'readerSessions' | 'readerIdleSeconds'> &
  Readonly<{
    /** Resolves a bearer token to the staff or integration acting, or null. */
    authenticate(token: string): Promise<Actor | null>;
    /** Resolves a console session cookie to the staff member signed in, or null. */
    authenticateSession(token: string): Promise<Actor | null>;
    apiTokens: ApiTokenIssuer;
    /** CA certificates, CRLs and the OCSP responder for relying services (routes/pki-routes.ts). */
    certificateStatusServices: CertificateStatusServices;
    /** Whether the database answers (within a short timeout) and every migration is applied; never throws. */
    readiness(): Promise<Readiness>;
    /** Front ends whose X-Forwarded-For is believed (client-address.ts). */
    trustedProxies: readonly string[];
    /** Mass suspension and restore jobs (issue 13 item 3). */
    massJobs: MassJobStore;
    wakeMassJobs(jobId: string): Promise<void>;
    /** The development mailbox (/dev/mailbox); null in any configuration that is not demo data without SMTP. */
    mailbox: NotificationStore | null;
    /** The holder's notification address (/api/v1/me/contact-email). */
    contactEmails: ContactEmailStore;
  }> &
  Pick<ReadinessDeps, 'openProcedures'> &
  Pick<KioskResetDeps, 'kioskHours'>;

export type Readiness = Readonly<{ database: 'up' | 'read-only' | 'unreachable'; migrations: 'applied' | 'pending' | 'unknown' }>;

export const SESSION_COOKIE = 'kagiya_session';

/**
 * The acting staff member or integration: a bearer token (integrations, API) or the console's session
 * cookie (HttpOnly, SameSite=Strict, so no other site can ride on it).
 */
export async function resolveActor(c: Context<Env>): Promise<Actor | null> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S{16,256})$/i.exec(header);
  if (match) return c.var.deps.authenticate(match[1]!);
  if (header) return null;
  const session = getCookie(c, SESSION_COOKIE);
  return session && session.length <= 128 ? c.var.deps.authenticateSession(session) : null;
}

export type Env = { Variables: { deps: HttpDeps } };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const CHANNELS = ['smartphone', 'pc', 'kiosk', 'counter', 'clinic', 'ic-reader', 'other'] as const;
const LABEL = /^[\p{L}\p{N} ._:@/-]{1,64}$/u;

export function langOf(c: Context) {
  return pickLang(c.req.header('accept-language'), c.req.query('lang'));
}

// Typed `any` so one helper can answer any route; the OpenAPI document states each route's shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyResponse = any;

export function errorJson(c: Context, code: ErrorCode, details: Readonly<Record<string, unknown>> = {}): AnyResponse {
  return c.json(errorBody(code, details, langOf(c)), HTTP_STATUS[code]);
}

/** Sends a use case's outcome: the value through `render`, a failure through the one status table. */
export function respond<T>(c: Context, outcome: Outcome<T>, render: (value: T) => unknown, status: 200 | 201 = 200): AnyResponse {
  if (!outcome.ok) return errorJson(c, outcome.code, outcome.details);
  return c.json(render(outcome.value) as object, status);
}

/**
 * The card's identity as presented: a malformed id or a missing key is answered exactly as an unknown card
 * with a wrong key would be (CARD_REJECTED), so nothing distinguishes the cases.
 */
export function cardAccess(c: Context, cardId: string): { cardId: string; cardKey: string } | null {
  const cardKey = c.req.header('x-card-key') ?? '';
  if (!UUID.test(cardId) || cardKey.length === 0 || cardKey.length > 128) return null;
  return { cardId: cardId.toLowerCase(), cardKey };
}

/**
 * Runs a card operation with the card as presented and the caller's context; a malformed card or context is
 * answered before anything is looked up, so it spends nothing.
 */
export async function withCard(
  c: Context,
  cardId: string,
  run: (access: { cardId: string; cardKey: string }, context: EventContext) => Promise<AnyResponse>,
): Promise<AnyResponse> {
  const access = cardAccess(c, cardId);
  if (!access) return errorJson(c, 'CARD_REJECTED');
  const context = eventContext(c);
  if (!context) return errorJson(c, 'INVALID_REQUEST', { field: 'headers' });
  return run(access, context);
}

/** Channel, service and terminal as the caller states them, recorded with every attempt. */
export function eventContext(c: Context): EventContext | null {
  const channel = c.req.header('x-kagiya-channel') ?? null;
  const service = c.req.header('x-kagiya-service') ?? null;
  const terminal = c.req.header('x-kagiya-terminal') ?? null;
  if (channel !== null && !(CHANNELS as readonly string[]).includes(channel)) return null;
  if (service !== null && !LABEL.test(service)) return null;
  if (terminal !== null && !LABEL.test(terminal)) return null;
  const deps = c.var?.deps as HttpDeps | undefined;
  return { channel, service, terminal, actor: null, address: clientAddress(c, deps?.trustedProxies ?? DEFAULT_TRUSTED_PROXIES) };
}

export const CONTEXT_HEADERS_DOC =
  'Optional headers recorded with the attempt: X-Kagiya-Channel (' + CHANNELS.join(', ') + '), X-Kagiya-Service, X-Kagiya-Terminal.';
