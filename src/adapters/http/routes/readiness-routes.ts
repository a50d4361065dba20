import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { checkHolderReadiness, checkReadinessWithCard, type ReadinessReport } from '../../../app/check-card-readiness.js';
import { READINESS_SERVICES } from '../../../domain/card-readiness.js';
import { PIN_SLOTS } from '../../../domain/pin-slot.js';
import type { OidcRuntime } from '../../oidc/oidc-runtime.js';
import { cardAccess, errorJson, respond, type Env } from '../http-context.js';
import { CalendarDate, CardIdParam, CardKeyHeader, errorResponses } from '../schemas.js';
import { holder } from './me-routes.js';

// The readiness check that spends nothing (issue 11 item 2): is the card ready for e-Tax filing, the kiosk and the
// portal, now or on a date (`?on=2027-03-15`), and what to do about each problem.

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const Words = z.object({ ja: z.string(), en: z.string() });
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const ReadinessResponse = z
  .object({
    cardId: z.string(),
    on: z.string().openapi({ description: 'the JST calendar date judged' }),
    evaluatedAt: z.string().datetime(),
    ready: z.boolean(),
    services: z.array(z.object({ service: z.enum(READINESS_SERVICES), ready: z.boolean(), name: Words })),
    problems: z.array(
      z.object({
        code: z.string(),
        severity: z.enum(['blocker', 'warning']),
        slot: z.enum(PIN_SLOTS).nullable(),
        certificate: z.enum(['auth', 'sign']).nullable(),
        affects: z.array(z.enum(READINESS_SERVICES)),
        remaining: z.number().int().optional(),
        max: z.number().int().optional(),
        dueAt: z.string().datetime().optional(),
        daysLeft: z.number().int().optional(),
        procedureState: z.string().optional(),
        message: Words,
        action: Words,
      }),
    ),
    card: z.object({ status: z.enum(['active', 'suspended', 'revoked', 'expired']), expiresAt: z.string().datetime() }),
    pins: z.record(z.enum(PIN_SLOTS), z.object({ remaining: z.number().int(), max: z.number().int(), locked: z.boolean() }).nullable()),
    certificates: z.record(z.enum(['auth', 'sign']), z.object({ status: z.enum(['valid', 'suspended', 'revoked', 'expired', 'absent']), notAfter: z.string().datetime().nullable() })),
    openProcedures: z.array(z.object({ id: z.string(), applicantType: z.string(), state: z.string(), deadline: z.string().datetime().nullable(), slots: z.array(z.enum(PIN_SLOTS)), openedAt: z.string().datetime() })),
    municipality: z.object({ code: z.string(), nameJa: z.string(), nameEn: z.string() }),
    guidanceUrl: z.string().openapi({ description: "the municipality's public guidance page on Kagiya's origin" }),
  })
  .openapi('CardReadiness');

export function renderReadiness(r: ReadinessReport) {
  return {
    ...r,
    evaluatedAt: r.evaluatedAt.toISOString(),
    problems: r.problems.map((p) => ({ ...p, affects: [...p.affects], ...(p.dueAt ? { dueAt: p.dueAt.toISOString() } : {}) })),
    card: { status: r.card.status, expiresAt: r.card.expiresAt.toISOString() },
    certificates: { auth: { ...r.certificates.auth, notAfter: iso(r.certificates.auth.notAfter) }, sign: { ...r.certificates.sign, notAfter: iso(r.certificates.sign.notAfter) } },
    openProcedures: r.openProcedures.map((p) => ({ ...p, slots: [...p.slots], deadline: iso(p.deadline), openedAt: p.openedAt.toISOString() })),
  };
}

const OnQuery = z.object({
  on: CalendarDate.optional().openapi({ description: 'judge the card as of 00:00 JST of this date (today or later); default: now' }),
});

export function registerReadinessRoutes(app: OpenAPIHono<Env>, runtime: OidcRuntime) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cards/{cardId}/health',
      tags: ['Card (holder)'],
      summary: 'Is the card ready for e-Tax filing, the kiosk and the portal (now or on a date)? Spends no try',
      request: { params: z.object({ cardId: CardIdParam }), headers: CardKeyHeader, query: OnQuery },
      responses: { 200: json(ReadinessResponse, 'Readiness'), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const access = cardAccess(c, c.req.valid('param').cardId);
      if (!access) return errorJson(c, 'CARD_REJECTED');
      c.header('Cache-Control', 'no-store');
      return respond(c, await checkReadinessWithCard(c.var.deps, { ...access, on: c.req.valid('query').on }), renderReadiness);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me/card/health',
      tags: ['Holder (OIDC access token)'],
      security: [{ holderToken: [] }],
      summary: "The logged-in holder's readiness check (now or on a date); spends no try",
      request: { query: OnQuery },
      responses: { 200: json(ReadinessResponse, 'Readiness'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const h = await holder(c, runtime, 'kagiya_card');
      if (h instanceof Response) return h;
      c.header('Cache-Control', 'no-store');
      return respond(c, await checkHolderReadiness(c.var.deps, { cardId: h.cardId, on: c.req.valid('query').on }), renderReadiness);
    },
  );
}
