import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dismissServiceFlag, evaluateServicesNow, liftSourceBlock, listServiceFlags, listSourceBlocks } from '../../../app/risk-admin.js';
import type { ServiceFlag, SourceBlock } from '../../../app/risk-ports.js';
import { releaseHoldAtCounter } from '../../../app/release-risk-hold.js';
import type { Actor } from '../../../domain/actor.js';
import { riskRuleText } from '../../../domain/risk-text.js';
import { BilingualSchema } from '../counter-schemas.js';
import { errorJson, eventContext, resolveActor, respond, type Env } from '../http-context.js';
import { errorResponses } from '../schemas.js';

// Risk decisions (issue 13 item 1): the national admin sees blocked sources and flagged relying services; the counter
// releases a card's risk hold. README "Risk holds and source blocks".

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];
const riskTag = ['Risk (national admin)'];
const Iso = z.string().datetime();
const Figures = z.record(z.string(), z.unknown());
const Reason = z.string().trim().min(1).max(500);

const SourceBlockSchema = z
  .object({
    sourceKey: z.string().openapi({ description: 'ip:<address>, or terminal:<service>/<terminal> behind a trusted front end' }),
    rule: z.string(),
    figures: Figures,
    explanation: BilingualSchema,
    blockedAt: Iso,
    blockedUntil: Iso,
    active: z.boolean(),
    refused: z.number().int().openapi({ description: 'entries refused since the block (none reached a card)' }),
    liftedAt: Iso.nullable(),
    liftedBy: z.string().nullable(),
  })
  .openapi('SourceBlock');

const ServiceFlagSchema = z
  .object({
    id: z.string(),
    service: z.string(),
    rule: z.string(),
    figures: Figures,
    explanation: BilingualSchema,
    flaggedAt: Iso,
    updatedAt: Iso,
    dismissedAt: Iso.nullable(),
    dismissedBy: z.string().nullable(),
  })
  .openapi('ServiceFlag');

const blockView = (now: Date) => (b: SourceBlock) => ({
  sourceKey: b.sourceKey,
  rule: b.rule,
  figures: b.figures,
  explanation: riskRuleText(b.rule, b.figures),
  blockedAt: b.blockedAt.toISOString(),
  blockedUntil: b.blockedUntil.toISOString(),
  active: b.liftedAt === null && b.blockedUntil > now,
  refused: b.refused,
  liftedAt: b.liftedAt ? b.liftedAt.toISOString() : null,
  liftedBy: b.liftedBy,
});

const flagView = (f: ServiceFlag) => ({
  id: f.id,
  service: f.service,
  rule: f.rule,
  figures: f.figures,
  explanation: riskRuleText(f.rule, f.figures),
  flaggedAt: f.flaggedAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
  dismissedAt: f.dismissedAt ? f.dismissedAt.toISOString() : null,
  dismissedBy: f.dismissedBy,
});

const valid = (c: Context<Env>, target: 'json' | 'query' | 'param') => (c.req as unknown as { valid(t: string): any }).valid(target);

function staff(handler: (c: Context<Env>, actor: Actor) => Promise<Response>) {
  return async (c: Context<Env>) => {
    const actor = await resolveActor(c);
    if (!actor) return errorJson(c, 'UNAUTHENTICATED');
    return handler(c, actor);
  };
}

export function registerRiskRoutes(app: OpenAPIHono<Env>) {
  const reg = (config: Parameters<typeof createRoute>[0], handler: (c: Context<Env>, actor: Actor) => Promise<Response>) =>
    app.openapi(createRoute({ security, ...config }), staff(handler) as never);

  reg(
    { method: 'get', path: '/api/v1/risk/sources', tags: riskTag, summary: 'Blocked sources (active, and ended in the last day)', responses: { 200: json(z.object({ blocks: z.array(SourceBlockSchema) }), 'Blocks'), ...errorResponses(401, 403) } },
    async (c, actor) => respond(c, await listSourceBlocks(c.var.deps, actor), (blocks) => ({ blocks: blocks.map(blockView(c.var.deps.clock())) })),
  );
  reg(
    {
      method: 'post',
      path: '/api/v1/risk/sources/lift',
      tags: riskTag,
      summary: 'Lift a source block before it ends (audited)',
      request: { body: body(z.object({ sourceKey: z.string().min(3).max(200), reason: Reason })) },
      responses: { 200: json(z.object({ sourceKey: z.string() }), 'Lifted'), ...errorResponses(400, 401, 403, 404) },
    },
    async (c, actor) => respond(c, await liftSourceBlock(c.var.deps, actor, valid(c, 'json')), (v) => v),
  );
  reg(
    {
      method: 'get',
      path: '/api/v1/risk/services',
      tags: riskTag,
      summary: 'Relying services flagged for failing far above the norm, with their failure rate',
      request: { query: z.object({ dismissed: z.enum(['true', 'false']).default('false') }) },
      responses: { 200: json(z.object({ flags: z.array(ServiceFlagSchema) }), 'Flags'), ...errorResponses(400, 401, 403) },
    },
    async (c, actor) => respond(c, await listServiceFlags(c.var.deps, actor, { includeDismissed: valid(c, 'query').dismissed === 'true' }), (flags) => ({ flags: flags.map(flagView) })),
  );
  reg(
    {
      method: 'post',
      path: '/api/v1/risk/services/evaluate',
      tags: riskTag,
      summary: 'Evaluate the relying services now (it also runs on a short interval)',
      responses: { 200: json(z.object({ evaluated: z.number().int(), flagged: z.number().int(), open: z.number().int() }), 'Evaluated'), ...errorResponses(401, 403) },
    },
    async (c, actor) => respond(c, await evaluateServicesNow(c.var.deps, actor), (v) => v),
  );
  reg(
    {
      method: 'post',
      path: '/api/v1/risk/service-flags/{flagId}/dismiss',
      tags: riskTag,
      summary: 'Dismiss a flag after looking into it (audited)',
      request: { params: z.object({ flagId: z.string().uuid() }), body: body(z.object({ reason: Reason })) },
      responses: { 200: json(ServiceFlagSchema, 'Dismissed'), ...errorResponses(400, 401, 403, 404) },
    },
    async (c, actor) => respond(c, await dismissServiceFlag(c.var.deps, actor, { flagId: valid(c, 'param').flagId, reason: valid(c, 'json').reason }), flagView),
  );
  reg(
    {
      method: 'post',
      path: '/api/v1/counter/cards/{cardId}/risk-hold/release',
      tags: ['Counter (staff)'],
      summary: "Release a card's risk hold after confirming the holder (audited; not a PIN reset)",
      request: { params: z.object({ cardId: z.string().uuid() }), body: body(z.object({ reason: Reason })) },
      responses: { 200: json(z.object({ cardId: z.string(), holdId: z.string(), releasedAt: Iso }), 'Released'), ...errorResponses(400, 401, 403, 404, 409) },
    },
    async (c, actor) => {
      const context = eventContext(c) ?? { channel: 'counter', service: null, terminal: null, actor: null };
      return respond(c, await releaseHoldAtCounter(c.var.deps, actor, { cardId: valid(c, 'param').cardId, reason: valid(c, 'json').reason }, context), (v) => ({ ...v, releasedAt: v.releasedAt.toISOString() }));
    },
  );
}
