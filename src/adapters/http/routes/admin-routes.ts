import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { restoreCard, revokeCard, suspendCard } from '../../../app/change-card-status.js';
import { createResident } from '../../../app/create-resident.js';
import { issueCard } from '../../../app/issue-card.js';
import { moveResident } from '../../../app/move-resident.js';
import type { Actor } from '../../../domain/actor.js';
import { REVOCATION_CAUSES, type RevocationCause } from '../../../domain/revocation.js';
import { CARD_KEY_ALGORITHMS } from '../../../app/ports.js';
import { CalendarDate, CardIdParam, errorResponses } from '../schemas.js';
import { errorJson, eventContext, resolveActor, respond, type Env } from '../http-context.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const security = [{ bearer: [] as string[] }];
const tag = ['Administration (staff token)'];

const actorOf = (c: Context<Env>): Promise<Actor | null> => resolveActor(c);

const NewResidentBody = z
  .object({
    municipalityCode: z.string().regex(/^\d{6}$/),
    name: z.string().min(1).max(100),
    nameKana: z.string().min(1).max(100),
    birthDate: CalendarDate,
    sex: z.enum(['male', 'female', 'other']),
    address: z.string().min(1).max(300),
    myNumber: z.string().max(32).openapi({ description: '12 digits with a valid check digit; stored encrypted, never returned in full' }),
    adultWard: z.boolean().optional(),
  })
  .openapi('NewResident');

const IssueCardBody = z
  .object({
    residentId: z.string().uuid(),
    pins: z.object({
      auth: z.string().max(64),
      sign: z.string().max(64).optional().openapi({ description: 'Omit for under-15s and adult wards' }),
      assist: z.string().max(64),
      juki: z.string().max(64),
    }),
    keyAlgorithm: z
      .enum(CARD_KEY_ALGORITHMS)
      .optional()
      .openapi({ description: "Key algorithm of this card's two key pairs; default is the server setting. A card that goes to a reader (OpenSC's JPKI driver) needs RSA-2048, like the real card." }),
  })
  .openapi('IssueCard');

const CardFile = z.object({ cardId: z.string(), cardKey: z.string() }).openapi('CardFile', { description: 'Shown once; only a hash of the key is kept' });
const ReasonBody = z.object({ reason: z.string().min(1).max(200) });
const RevokeBody = ReasonBody.extend({
  cause: z.enum(REVOCATION_CAUSES).optional().openapi({
    description: 'Why the card is revoked; published to relying services as the CRL/OCSP reason (lost → keyCompromise, returned or death → cessationOfOperation, reissued → superseded; otherwise no reason)',
  }),
});
const CardStateResponse = z.object({ cardId: z.string(), status: z.enum(['active', 'suspended', 'revoked']) });

export function registerAdminRoutes(app: OpenAPIHono<Env>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/residents',
      tags: tag,
      security,
      summary: 'Register a resident',
      request: { body: body(NewResidentBody) },
      responses: { 201: json(z.object({ id: z.string() }), 'Registered'), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const actor = await actorOf(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      return respond(c, await createResident(c.var.deps, actor, c.req.valid('json')), (v) => v, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/residents/{residentId}/move',
      tags: tag,
      security,
      summary: "Record a change of address: the signing certificate is revoked, the authentication certificate kept",
      request: {
        params: z.object({ residentId: z.string().uuid() }),
        body: body(z.object({ address: z.string().min(1).max(300), municipalityCode: z.string().regex(/^\d{6}$/) })),
      },
      responses: { 200: json(z.object({ residentId: z.string(), revokedSigningCertificates: z.number().int() }), 'Moved'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const actor = await actorOf(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      const context = eventContext(c) ?? { channel: null, service: null, terminal: null, actor: null };
      const { residentId } = c.req.valid('param');
      return respond(c, await moveResident(c.var.deps, actor, { residentId, ...c.req.valid('json') }, context), (v) => v);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards',
      tags: tag,
      security,
      summary: 'Issue a card: four PINs, two key pairs and certificates; returns the card file once',
      request: { body: body(IssueCardBody) },
      responses: { 201: json(CardFile, 'The card file'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const actor = await actorOf(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      const context = { channel: 'counter', service: 'card-issuance', terminal: c.req.header('x-kagiya-terminal') ?? null, actor: null };
      c.header('Cache-Control', 'no-store');
      return respond(c, await issueCard(c.var.deps, actor, c.req.valid('json'), context), (v) => v, 201);
    },
  );

  const statusRoutes = [
    ['suspend', suspendCard, 'Suspend a card reported lost (一時保留); reversible'],
    ['restore', restoreCard, 'Lift a suspension'],
    ['revoke', revokeCard, 'Revoke a card and its certificates for good'],
  ] as const;
  for (const [action, useCase, summary] of statusRoutes) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/cards/{cardId}/${action}`,
        tags: tag,
        security,
        summary,
        request: { params: z.object({ cardId: CardIdParam }), body: body(action === 'revoke' ? RevokeBody : ReasonBody) },
        responses: { 200: json(CardStateResponse, 'New state'), ...errorResponses(400, 401, 403, 404, 409) },
      }),
      async (c) => {
        const actor = await actorOf(c);
        if (!actor) return errorJson(c, 'UNAUTHENTICATED');
        const { cardId } = c.req.valid('param');
        if (!/^[0-9a-f-]{36}$/i.test(cardId)) return errorJson(c, 'NOT_FOUND', { resource: 'card' });
        const context = eventContext(c) ?? { channel: null, service: null, terminal: null, actor: null };
        const { reason, cause } = c.req.valid('json') as { reason: string; cause?: RevocationCause };
        const input = { cardId: cardId.toLowerCase(), reason, ...(action === 'revoke' && cause ? { cause } : {}) };
        return respond(c, await useCase(c.var.deps, actor, input, context), (v) => v);
      },
    );
  }
}
