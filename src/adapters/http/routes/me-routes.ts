import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { changePin } from '../../../app/change-pin.js';
import { holderCardEvents, holderCardStatus, reportCardLost } from '../../../app/holder-card.js';
import type { CardEvent } from '../../../app/ports.js';
import type { OidcRuntime } from '../../oidc/oidc-runtime.js';
import { errorJson, respond, type Env } from '../http-context.js';
import { CardEventSchema, CardStatusResponse, ConfirmLastTry, errorResponses, SlotParam, VerifyResponse } from '../schemas.js';
import { renderStatus } from './card-routes.js';

// The holder's own card for a service the holder logged in to through Kagiya's provider (the resident portal):
// `Authorization: Bearer <access token>` issued for this resource (RFC 8707), scoped kagiya_card (read) or
// kagiya_card_manage (change a PIN, report the card lost). The token names the card; no card file is sent, except
// the card key to change a PIN, which needs the card in hand as on the real card.

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const security = [{ holderToken: [] as string[] }];
const tag = ['Holder (OIDC access token)'];

type Holder = { cardId: string; clientId: string; scopes: string[] };

export async function holder(c: Context<Env>, runtime: OidcRuntime, scope: string): Promise<Holder | Response> {
  const match = /^Bearer\s+(\S{16,512})$/i.exec(c.req.header('authorization') ?? '');
  const found = match ? await runtime.verifyAccessToken(match[1]!) : null;
  if (!found) {
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    return errorJson(c, 'UNAUTHENTICATED') as Response;
  }
  if (!found.scopes.includes(scope)) {
    c.header('WWW-Authenticate', `Bearer error="insufficient_scope", scope="${scope}"`);
    return errorJson(c, 'FORBIDDEN', { scope }) as Response;
  }
  return found;
}

const HolderCard = CardStatusResponse.extend({
  municipality: z.object({ code: z.string(), nameJa: z.string(), nameEn: z.string() }),
  guidanceUrl: z.string().openapi({ description: "the municipality's public guidance page on Kagiya's origin" }),
}).openapi('HolderCard');
const renderEvent = (e: CardEvent) => ({ ...e, occurredAt: e.occurredAt.toISOString() });

export function registerMeRoutes(app: OpenAPIHono<Env>, runtime: OidcRuntime) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'holderToken', { type: 'http', scheme: 'bearer', description: 'OIDC access token for the resource /api/v1/me' });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me/card',
      tags: tag,
      security,
      summary: "The logged-in holder's card: every slot, both certificates, the municipality (spends no try)",
      responses: { 200: json(HolderCard, 'Card status'), ...errorResponses(401, 403) },
    }),
    async (c) => {
      const h = await holder(c, runtime, 'kagiya_card');
      if (h instanceof Response) return h;
      c.header('Cache-Control', 'no-store');
      const outcome = await holderCardStatus(c.var.deps, h.cardId);
      const m = outcome.ok ? await c.var.deps.municipalityName(outcome.value.municipalityCode) : null;
      return respond(c, outcome, (v) => ({
        ...renderStatus(v),
        municipality: { code: v.municipalityCode, nameJa: m?.nameJa ?? v.municipalityCode, nameEn: m?.nameEn ?? v.municipalityCode },
        guidanceUrl: `/guidance/${v.municipalityCode}`,
      }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me/events',
      tags: tag,
      security,
      summary: 'Who spent my tries: every attempt with service, channel, terminal and result (newest first)',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }) },
      responses: { 200: json(z.object({ events: z.array(CardEventSchema) }), 'Events'), ...errorResponses(400, 401, 403) },
    }),
    async (c) => {
      const h = await holder(c, runtime, 'kagiya_card');
      if (h instanceof Response) return h;
      c.header('Cache-Control', 'no-store');
      return respond(c, await holderCardEvents(c.var.deps, h.cardId, c.req.valid('query').limit), (v) => ({ events: v.events.map(renderEvent) }));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/me/pins/{slot}/change',
      tags: tag,
      security,
      summary: 'Change a PIN knowing the current one; the card key proves the card is in hand (counts as a verify)',
      request: {
        params: z.object({ slot: SlotParam }),
        body: body(z.object({ cardKey: z.string().min(1).max(128), currentPin: z.string().max(256), newPin: z.string().max(256), confirmLastTry: ConfirmLastTry }).openapi('HolderPinChange')),
      },
      responses: { 200: json(VerifyResponse, 'PIN changed'), ...errorResponses(400, 401, 403, 409, 410, 423, 428) },
    }),
    async (c) => {
      const h = await holder(c, runtime, 'kagiya_card_manage');
      if (h instanceof Response) return h;
      const { cardKey, currentPin, newPin, confirmLastTry } = c.req.valid('json');
      const context = { channel: 'pc', service: h.clientId, terminal: null, actor: null };
      const outcome = await changePin(c.var.deps, { cardId: h.cardId, cardKey, slot: c.req.valid('param').slot, currentPin, newPin, confirmLastTry, context });
      return respond(c, outcome, (v) => v);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/me/report-lost',
      tags: tag,
      security,
      summary: 'Report the card lost: the card and its certificates are suspended (reversible at the counter)',
      responses: { 200: json(z.object({ cardId: z.string(), status: z.literal('suspended') }), 'Suspended'), ...errorResponses(401, 403, 409) },
    }),
    async (c) => {
      const h = await holder(c, runtime, 'kagiya_card_manage');
      if (h instanceof Response) return h;
      const context = { channel: 'pc', service: h.clientId, terminal: null, actor: null };
      return respond(c, await reportCardLost(c.var.deps, h.cardId, context), (v) => v);
    },
  );
}
