import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authenticateCard } from '../../../app/authenticate-card.js';
import { changePin } from '../../../app/change-pin.js';
import { getCardStatus, type CardStatusView } from '../../../app/get-card-status.js';
import { listCardEvents } from '../../../app/list-card-events.js';
import { readCardAttributes } from '../../../app/read-card-attributes.js';
import { signDigest } from '../../../app/sign-digest.js';
import { verifyPin } from '../../../app/verify-pin.js';
import type { CardEvent } from '../../../app/ports.js';
import { cardAccess, CONTEXT_HEADERS_DOC, errorJson, respond, withCard, type Env } from '../http-context.js';
import {
  CardEventSchema,
  CardIdParam,
  CARD_KEY_PARAMETER,
  CardStatusResponse,
  ConfirmLastTry,
  errorResponses,
  PinBody,
  SignatureResponse,
  SlotParam,
  VerifyResponse,
} from '../schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

export function renderStatus(v: CardStatusView) {
  const slot = (s: CardStatusView['pins']['auth']) => (s ? { remaining: s.remaining, max: s.max, locked: s.locked, lockedAt: iso(s.lockedAt) } : null);
  const cert = (c: CardStatusView['certificates']['auth']) => ({ ...c, notAfter: iso(c.notAfter), statusChangedAt: iso(c.statusChangedAt) });
  return {
    cardId: v.cardId,
    status: v.status,
    issuedAt: v.issuedAt.toISOString(),
    expiresAt: v.expiresAt.toISOString(),
    pins: { auth: slot(v.pins.auth), sign: slot(v.pins.sign), assist: slot(v.pins.assist), juki: slot(v.pins.juki) },
    certificates: { auth: cert(v.certificates.auth), sign: cert(v.certificates.sign) },
  };
}

const renderSignature = (v: { signature: Uint8Array; certificate: Uint8Array; algorithm: string }) => ({
  signature: b64(v.signature),
  certificate: b64(v.certificate),
  algorithm: v.algorithm,
});
const renderEvent = (e: CardEvent) => ({ ...e, occurredAt: e.occurredAt.toISOString() });
const cardParams = z.object({ cardId: CardIdParam });
const slotParams = z.object({ cardId: CardIdParam, slot: SlotParam });
const tag = ['Card (holder)'];

export function registerCardRoutes(app: OpenAPIHono<Env>) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cards/{cardId}/status',
      tags: tag,
      summary: 'Every slot, certificate and the card state; spends no try',
      parameters: [CARD_KEY_PARAMETER],
      request: { params: cardParams },
      responses: { 200: json(CardStatusResponse, 'Card status'), ...errorResponses(401) },
    }),
    async (c) => {
      const access = cardAccess(c, c.req.valid('param').cardId);
      if (!access) return errorJson(c, 'CARD_REJECTED');
      return respond(c, await getCardStatus(c.var.deps, access), renderStatus);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/pins/{slot}/verify',
      tags: tag,
      summary: 'Verify a PIN (compared and counted in one statement; a match restores the tries)',
      description: CONTEXT_HEADERS_DOC,
      parameters: [CARD_KEY_PARAMETER],
      request: { params: slotParams, body: body(PinBody) },
      responses: { 200: json(VerifyResponse, 'Correct PIN; tries restored'), ...errorResponses(400, 401, 403, 409, 410, 423, 428, 429) },
    }),
    async (c) => {
      const { cardId, slot } = c.req.valid('param');
      return withCard(c, cardId, async (access, context) => {
        const { pin, confirmLastTry } = c.req.valid('json');
        const outcome = await verifyPin(c.var.deps, { ...access, slot, pin, confirmLastTry, context });
        return respond(c, outcome, (v) => v);
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/pins/{slot}/change',
      tags: tag,
      summary: 'Change a PIN knowing the current one (counts as a verify; a weak new PIN spends nothing)',
      description: CONTEXT_HEADERS_DOC,
      parameters: [CARD_KEY_PARAMETER],
      request: {
        params: slotParams,
        body: body(z.object({ currentPin: z.string().max(256), newPin: z.string().max(256), confirmLastTry: ConfirmLastTry }).openapi('PinChange')),
      },
      responses: { 200: json(VerifyResponse, 'PIN changed'), ...errorResponses(400, 401, 403, 409, 410, 423, 428, 429) },
    }),
    async (c) => {
      const { cardId, slot } = c.req.valid('param');
      return withCard(c, cardId, async (access, context) => {
        const { currentPin, newPin, confirmLastTry } = c.req.valid('json');
        return respond(c, await changePin(c.var.deps, { ...access, slot, currentPin, newPin, confirmLastTry, context }), (v) => v);
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/authenticate',
      tags: tag,
      summary: 'Verify the auth PIN, then sign the challenge with the authentication key',
      description: CONTEXT_HEADERS_DOC,
      parameters: [CARD_KEY_PARAMETER],
      request: {
        params: cardParams,
        body: body(z.object({ pin: z.string().max(256), challenge: z.string().max(2048).openapi({ description: 'base64, 16–1024 bytes' }), confirmLastTry: ConfirmLastTry }).openapi('AuthenticateRequest')),
      },
      responses: { 200: json(SignatureResponse, 'Signed challenge and certificate'), ...errorResponses(400, 401, 403, 409, 410, 423, 428, 429) },
    }),
    async (c) => {
      return withCard(c, c.req.valid('param').cardId, async (access, context) => {
        const { pin, challenge, confirmLastTry } = c.req.valid('json');
        const outcome = await authenticateCard(c.var.deps, { ...access, pin, challenge: Buffer.from(challenge, 'base64'), confirmLastTry, context });
        return respond(c, outcome, (v) => ({ signature: b64(v.signature), certificate: b64(v.certificate), algorithm: v.algorithm }));
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/sign',
      tags: tag,
      summary: 'Verify the signing password, then sign a SHA-256 digest with the signing key',
      description: CONTEXT_HEADERS_DOC,
      parameters: [CARD_KEY_PARAMETER],
      request: {
        params: cardParams,
        body: body(z.object({ pin: z.string().max(256), digest: z.string().max(128).openapi({ description: 'SHA-256 digest, base64 (32 bytes)' }), confirmLastTry: ConfirmLastTry }).openapi('SignRequest')),
      },
      responses: { 200: json(SignatureResponse, 'Signature and certificate'), ...errorResponses(400, 401, 403, 409, 410, 423, 428, 429) },
    }),
    async (c) => {
      return withCard(c, c.req.valid('param').cardId, async (access, context) => {
        const { pin, digest, confirmLastTry } = c.req.valid('json');
        const outcome = await signDigest(c.var.deps, { ...access, pin, digest: Buffer.from(digest, 'base64'), confirmLastTry, context });
        return respond(c, outcome, (v) => ({ signature: b64(v.signature), certificate: b64(v.certificate), algorithm: v.algorithm }));
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/attributes',
      tags: tag,
      summary: 'Verify the assist PIN, then read the My Number and the 4 basic attributes',
      description: CONTEXT_HEADERS_DOC,
      parameters: [CARD_KEY_PARAMETER],
      request: { params: cardParams, body: body(PinBody) },
      responses: {
        200: json(
          z.object({ myNumber: z.string(), name: z.string(), address: z.string(), birthDate: z.string(), sex: z.enum(['male', 'female', 'other']) }).openapi('CardAttributes'),
          'Attributes as text',
        ),
        ...errorResponses(400, 401, 403, 410, 423, 428, 429),
      },
    }),
    async (c) => {
      return withCard(c, c.req.valid('param').cardId, async (access, context) => {
        c.header('Cache-Control', 'no-store');
        const { pin, confirmLastTry } = c.req.valid('json');
        return respond(c, await readCardAttributes(c.var.deps, { ...access, pin, confirmLastTry, context }), (v) => v);
      });
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cards/{cardId}/events',
      tags: tag,
      summary: 'Who spent which try, when, through what, with what result (newest first)',
      parameters: [CARD_KEY_PARAMETER],
      request: {
        params: cardParams,
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: z.coerce.number().int().optional() }),
      },
      responses: { 200: json(z.object({ events: z.array(CardEventSchema) }), 'Events'), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const access = cardAccess(c, c.req.valid('param').cardId);
      if (!access) return errorJson(c, 'CARD_REJECTED');
      const { limit, before } = c.req.valid('query');
      const outcome = await listCardEvents(c.var.deps, { ...access, limit, ...(before !== undefined ? { beforeId: before } : {}) });
      return respond(c, outcome, (v) => ({ events: v.events.map(renderEvent) }));
    },
  );
}
