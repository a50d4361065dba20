import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { completeKioskReset, findKioskReset } from '../../../app/complete-kiosk-reset.js';
import { reserveKioskReset } from '../../../app/reserve-kiosk-reset.js';
import { FACE_MATCH_RESULTS, KIOSK_RESET_SLOTS } from '../../../domain/kiosk-reset.js';
import { CONTEXT_HEADERS_DOC, errorJson, respond, withCard, type Env } from '../http-context.js';
import { CardIdParam, CardKeyHeader, ConfirmLastTry, errorResponses } from '../schemas.js';

// The kiosk reset (DOMAIN.md §4, issue 13 item 2): reserved by the holder through the portal (the card + the other
// certificate PIN + a face-match result), used once within 24 hours at a kiosk (06:30–23:00 JST). All three routes
// take the card key, as the other card routes do; a holder whose auth PIN is locked cannot log in anywhere.

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const Slot = z.enum(KIOSK_RESET_SLOTS);

const ReservationBody = z
  .object({
    slot: Slot.openapi({ description: 'the PIN to reset; the other certificate PIN is entered as `otherPin`' }),
    otherPin: z.string().max(256),
    confirmLastTry: ConfirmLastTry,
    faceMatch: z.enum(FACE_MATCH_RESULTS).openapi({ description: "the face match of the holder against the card's photo" }),
  })
  .openapi('KioskResetReservationRequest');
const ReservationResponse = z
  .object({ reservationId: z.string(), slot: Slot, verifiedSlot: Slot, expiresAt: z.string().datetime() })
  .openapi('KioskResetReservation');
const OpenReservation = z.object({ slot: Slot, expiresAt: z.string().datetime() }).openapi('KioskResetOpen');
const KioskResetDone = z.object({ slot: Slot, remaining: z.number().int() }).openapi('KioskResetDone');

export function registerKioskResetRoutes(app: OpenAPIHono<Env>) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/kiosk-reset/reservations',
      tags: ['Card (holder)'],
      summary: 'Reserve a kiosk reset of the sign or auth PIN: the card, the other certificate PIN (a real entry) and a face match',
      description:
        'No login is needed (a locked auth PIN cannot log in): the card key, the other PIN and the face match are the proof. ' +
        'Optional headers X-Kagiya-Service and X-Kagiya-Terminal are recorded; the channel is recorded as portal (X-Kagiya-Channel must not be sent).',
      request: { params: z.object({ cardId: CardIdParam }), headers: CardKeyHeader, body: body(ReservationBody) },
      responses: { 201: json(ReservationResponse, 'Reserved for 24 hours'), ...errorResponses(400, 401, 403, 409, 410, 423, 428) },
    }),
    async (c) =>
      withCard(c, c.req.valid('param').cardId, async (access, context) => {
        if (context.channel !== null) return errorJson(c, 'INVALID_REQUEST', { field: 'x-kagiya-channel' });
        const { slot, otherPin, faceMatch, confirmLastTry } = c.req.valid('json');
        const outcome = await reserveKioskReset(c.var.deps, { ...access, slot, otherPin, faceMatch, confirmLastTry, context: { ...context, channel: 'portal' } });
        return respond(c, outcome, (v) => ({ ...v, expiresAt: v.expiresAt.toISOString() }), 201);
      }),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/cards/{cardId}/kiosk-reset',
      tags: ['Card (holder)'],
      summary: "At the kiosk: the card's open reservation (which PIN, until when); spends no try",
      request: { params: z.object({ cardId: CardIdParam }), headers: CardKeyHeader },
      responses: { 200: json(OpenReservation, 'Open reservation'), ...errorResponses(401, 403, 404, 409, 410) },
    }),
    async (c) =>
      withCard(c, c.req.valid('param').cardId, async (access) => {
        c.header('Cache-Control', 'no-store');
        return respond(c, await findKioskReset(c.var.deps, access), (v) => ({ slot: v.slot, expiresAt: v.expiresAt.toISOString() }));
      }),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/kiosk-reset',
      tags: ['Card (holder)'],
      summary: 'At the kiosk: set the new PIN of the reserved slot; the counter is restored with it in one step',
      description: `${CONTEXT_HEADERS_DOC} The channel is recorded as kiosk.`,
      request: { params: z.object({ cardId: CardIdParam }), headers: CardKeyHeader, body: body(z.object({ newPin: z.string().max(256) }).openapi('KioskResetRequest')) },
      responses: { 200: json(KioskResetDone, 'New PIN set'), ...errorResponses(400, 401, 403, 404, 409, 410) },
    }),
    async (c) =>
      withCard(c, c.req.valid('param').cardId, async (access, context) => {
        if (context.channel !== null && context.channel !== 'kiosk') return errorJson(c, 'INVALID_REQUEST', { field: 'x-kagiya-channel' });
        const outcome = await completeKioskReset(c.var.deps, { ...access, newPin: c.req.valid('json').newPin, context: { ...context, channel: 'kiosk' } });
        return respond(c, outcome, (v) => v);
      }),
  );
}
