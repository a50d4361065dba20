import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cardClientReports, lockDashboard, mismatchRates, summariseDashboard } from '../../../app/client-report-views.js';
import type { ReportSource } from '../../../app/client-report-ports.js';
import { submitClientReport } from '../../../app/submit-client-report.js';
import { CLIENT_CAUSES, SHOWN_CODES } from '../../../domain/client-report.js';
import { PIN_SLOTS } from '../../../domain/pin-slot.js';
import type { OidcRuntime } from '../../oidc/oidc-runtime.js';
import { ClientReportsSummarySchema } from '../counter-schemas.js';
import { clientReportsView } from '../counter-views.js';
import { CHANNELS, errorJson, resolveActor, respond, type Env } from '../http-context.js';
import { errorResponses } from '../schemas.js';
import { holder } from './me-routes.js';

// Client reports (issue 11): what a client showed a person when it refused them, sent by the client; set beside the
// card's record in the counter's diagnosis, the holder's portal, the national admin's per-app rates and the lock
// dashboard. A report never changes a counter and records no card event.

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const LABEL = /^[\p{L}\p{N} ._:@/()+-]{1,64}$/u;
const Label = z.string().regex(LABEL);
const DetailValue = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);

const ClientReportBody = z
  .object({
    cardId: z.string().uuid().nullable().optional().openapi({ description: 'Required with X-Card-Key; taken from the token with a holder access token; optional for a relying-party token' }),
    shownCode: z.enum(SHOWN_CODES as [string, ...string[]]).openapi({ description: "The code the client displayed (one of Kagiya's error codes), or OTHER for words of its own" }),
    app: Label.openapi({ description: 'The app or service that showed it', example: 'MynaApp' }),
    appVersion: z.string().regex(/^[0-9A-Za-z._+-]{1,32}$/).openapi({ example: '1.4.2' }),
    channel: z.enum(CHANNELS).nullable().optional(),
    service: Label.nullable().optional(),
    terminal: Label.nullable().optional(),
    slot: z.enum(PIN_SLOTS).nullable().optional().openapi({ description: 'The PIN the refusal was about, when the client knows it' }),
    clientCause: z.enum(CLIENT_CAUSES).nullable().optional().openapi({ description: 'What the client itself knows went wrong (a failed NFC read, a network error…)' }),
    detail: z
      .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/), DetailValue)
      .refine((d) => Object.keys(d).length <= 10, { message: 'at most 10 keys' })
      .nullable()
      .optional(),
  })
  .strict()
  .openapi('ClientReportRequest');

const RangeQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(60) });

/**
 * Who sends the report. X-Card-Key with the card's id (the card itself), or `Authorization: Bearer` with a
 * relying-party token (role relying_party) or a holder's access token for /api/v1/me (which names the card).
 */
async function reportSource(c: Context<Env>, runtime: OidcRuntime, bodyCardId: string | null): Promise<{ source: ReportSource; cardId: string | null } | Response> {
  const deps = c.var.deps;
  const cardKey = c.req.header('x-card-key');
  if (cardKey !== undefined) {
    if (!bodyCardId || cardKey.length === 0 || cardKey.length > 128) return errorJson(c, 'CARD_REJECTED');
    const card = await deps.cards.findCardByKey(bodyCardId, deps.secrets.hashCardKey(cardKey));
    if (!card) return errorJson(c, 'CARD_REJECTED');
    return { source: { kind: 'card_key', id: card.id }, cardId: card.id };
  }
  const match = /^Bearer\s+(\S{16,512})$/i.exec(c.req.header('authorization') ?? '');
  if (!match) return errorJson(c, 'UNAUTHENTICATED');
  const actor = match[1]!.length <= 256 ? await deps.authenticate(match[1]!) : null;
  if (actor) {
    // Staff do not report what a client showed; only registered relying parties do.
    if (actor.role !== 'relying_party') return errorJson(c, 'FORBIDDEN');
    if (bodyCardId !== null && !(await deps.cards.findCard(bodyCardId))) return errorJson(c, 'NOT_FOUND', { resource: 'card' });
    return { source: { kind: 'relying_party', id: actor.id }, cardId: bodyCardId };
  }
  // A holder's access token for /api/v1/me of any scope: the service the holder logged in to reports about that card.
  const token = await runtime.verifyAccessToken(match[1]!);
  if (!token) {
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    return errorJson(c, 'UNAUTHENTICATED');
  }
  if (bodyCardId !== null && bodyCardId !== token.cardId) return errorJson(c, 'INVALID_REQUEST', { field: 'cardId' });
  return { source: { kind: 'holder_token', id: token.clientId }, cardId: token.cardId };
}

export function registerClientReportRoutes(app: OpenAPIHono<Env>, runtime: OidcRuntime) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/client-reports',
      tags: ['Client reports'],
      summary: 'Report what the client showed a person when it refused them (changes no counter)',
      description:
        'Authenticate with X-Card-Key and the cardId in the body, or `Authorization: Bearer` with a relying-party token or a holder access token for /api/v1/me. Limited per card and per source: over the limit 429 CLIENT_REPORT_RATE_LIMITED.',
      security: [{ bearer: [] as string[] }, { holderToken: [] as string[] }, {}],
      request: { body: { required: true, content: { 'application/json': { schema: ClientReportBody } } } },
      responses: { 202: json(z.object({ received: z.literal(true) }).openapi('ClientReportReceived'), 'Stored'), ...errorResponses(400, 401, 403, 404, 413, 429) },
    }),
    (async (c: Context<Env>) => {
      const b = (c.req as unknown as { valid(t: 'json'): z.infer<typeof ClientReportBody> }).valid('json');
      const who = await reportSource(c, runtime, b.cardId ?? null);
      if (who instanceof Response) return who;
      const outcome = await submitClientReport(c.var.deps, who.source, {
        cardId: who.cardId,
        shownCode: b.shownCode as (typeof SHOWN_CODES)[number],
        app: b.app,
        appVersion: b.appVersion,
        channel: b.channel ?? null,
        service: b.service ?? null,
        terminal: b.terminal ?? null,
        slot: b.slot ?? null,
        clientCause: b.clientCause ?? null,
        detail: b.detail ?? null,
      });
      if (!outcome.ok && outcome.code === 'CLIENT_REPORT_RATE_LIMITED') c.header('Retry-After', String(outcome.details.retryAfterSeconds));
      return respond(c, outcome, (v) => v, 202 as 200);
    }) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me/client-reports',
      tags: ['Holder (OIDC access token)'],
      security: [{ holderToken: [] as string[] }],
      summary: "What apps reported showing the holder, beside the card's record, and the mismatch in one sentence",
      responses: { 200: json(ClientReportsSummarySchema, 'Client reports'), ...errorResponses(401, 403) },
    }),
    (async (c: Context<Env>) => {
      const h = await holder(c, runtime, 'kagiya_card');
      if (h instanceof Response) return h;
      c.header('Cache-Control', 'no-store');
      const history = await c.var.deps.cards.listEvents(h.cardId, { limit: 2000 });
      const reports = await cardClientReports(c.var.deps, h.cardId, history);
      return c.json(clientReportsView(reports, history));
    }) as never,
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/client-reports/mismatch-rates',
      tags: ['Client reports'],
      security: [{ bearer: [] as string[] }, { cookie: [] as string[] }],
      summary: 'Mismatch rate per app and version, nationwide (national admin only)',
      request: { query: RangeQuery },
      responses: {
        200: json(
          z
            .object({
              from: z.string(),
              to: z.string(),
              rows: z.array(z.object({ app: z.string(), appVersion: z.string(), agrees: z.number().int(), mismatch: z.number().int(), outage: z.number().int(), unverifiable: z.number().int(), checked: z.number().int(), mismatchRate: z.number().nullable() })),
            })
            .openapi('ClientMismatchRates'),
          'Rates',
        ),
        ...errorResponses(400, 401, 403),
      },
    }),
    (async (c: Context<Env>) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      const { days } = (c.req as unknown as { valid(t: 'query'): z.infer<typeof RangeQuery> }).valid('query');
      return respond(c, await mismatchRates(c.var.deps, actor, { days }), (v) => ({
        from: v.from.toISOString(),
        to: v.to.toISOString(),
        // The rate is over the reports that could be checked: our outages and the unverifiable are left out.
        rows: v.rows.map((r) => ({ ...r, checked: r.agrees + r.mismatch, mismatchRate: r.agrees + r.mismatch === 0 ? null : r.mismatch / (r.agrees + r.mismatch) })),
      }));
    }) as never,
  );

  const CauseCounts = z.object({ real_lock: z.number().int(), client_mismatch: z.number().int(), certificate: z.number().int(), risk_hold: z.number().int(), outage: z.number().int() });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/counter/dashboard/locks',
      tags: ['Counter (staff)'],
      security: [{ bearer: [] as string[] }, { cookie: [] as string[] }],
      summary: 'Lock incidents per day by cause, service and channel; unlocks by channel and municipality',
      request: { query: RangeQuery.extend({ municipality: z.string().regex(/^\d{6}$/).optional() }) },
      responses: {
        200: json(
          z
            .object({
              from: z.string(),
              to: z.string(),
              municipalityCode: z.string().nullable(),
              days: z.array(z.string()),
              byDay: z.array(CauseCounts.extend({ day: z.string() })),
              byService: z.array(CauseCounts.extend({ service: z.string().nullable() })),
              byChannel: z.array(CauseCounts.extend({ channel: z.string().nullable() })),
              unlocksByDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
              unlocksByChannel: z.array(z.object({ channel: z.string().nullable(), count: z.number().int() })),
              unlocksByMunicipality: z.array(z.object({ municipalityCode: z.string(), nameJa: z.string(), nameEn: z.string(), count: z.number().int() })),
            })
            .openapi('LockDashboard'),
          'Dashboard',
        ),
        ...errorResponses(400, 401, 403),
      },
    }),
    (async (c: Context<Env>) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      const { days, municipality } = (c.req as unknown as { valid(t: 'query'): { days: number; municipality?: string } }).valid('query');
      const outcome = await lockDashboard(c.var.deps, actor, { days, municipalityCode: municipality });
      if (!outcome.ok) return respond(c, outcome, (v) => v);
      const names = new Map((await c.var.deps.listMunicipalities()).map((m) => [m.code, m]));
      const s = summariseDashboard(outcome.value);
      return c.json({
        from: outcome.value.from.toISOString(),
        to: outcome.value.to.toISOString(),
        municipalityCode: outcome.value.municipalityCode,
        ...s,
        unlocksByMunicipality: s.unlocksByMunicipality.map((u) => ({ ...u, nameJa: names.get(u.municipalityCode)?.nameJa ?? u.municipalityCode, nameEn: names.get(u.municipalityCode)?.nameEn ?? u.municipalityCode })),
      });
    }) as never,
  );
}
