import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { closeReaderSession, openReaderSession, resetReaderSession } from '../../../app/reader/reader-session.js';
import { transmitApdu } from '../../../app/reader/transmit-apdu.js';
import { fromHex, toHex } from '../../../domain/apdu/command-apdu.js';
import { cardAccess, errorJson, respond, type Env } from '../http-context.js';
import { CardIdParam, CardKeyHeader, errorResponses } from '../schemas.js';

// The card on a reader (`kagiya reader`): a reader session is one insertion of the card into a reader. Kagiya
// runs the card — files, PIN checks through the shared attemptPin path, the security state, the private keys —
// and the reader only carries APDU bytes between PC/SC and here.

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const tag = ['Card on a reader (holder)'];
const LABEL = /^[\p{L}\p{N} ._:@/-]{1,64}$/u;

const TextSchema = z.object({ ja: z.string(), en: z.string() }).openapi('ReaderText');
const SessionParams = z.object({ cardId: CardIdParam, sessionId: z.string().uuid().openapi({ param: { name: 'sessionId', in: 'path' } }) });

const OpenBody = z
  .object({
    terminal: z.string().regex(LABEL).openapi({ description: 'The reader, recorded as the terminal of every PIN entry through it', example: 'vpcd@127.0.0.1:35963' }),
    blockedStatusWord: z
      .enum(['6983', '6984'])
      .optional()
      .openapi({ description: 'Status word of a VERIFY on a blocked PIN. 6983 (default): OpenSC reports CKR_PIN_LOCKED; 6984: what jpki/myna expects, a general error in OpenSC' }),
  })
  .openapi('ReaderSessionOpen');

const Opened = z
  .object({
    sessionId: z.string().uuid(),
    atr: z.string().openapi({ description: 'ATR the reader presents, hex' }),
    keyAlgorithm: z.string().openapi({ description: "The card's key algorithm; OpenSC's JPKI driver signs only with RSA-2048" }),
    blockedStatusWord: z.enum(['6983', '6984']),
    idleSeconds: z.number().int().openapi({ description: 'Verified PINs are forgotten after this long without a command' }),
  })
  .openapi('ReaderSession');

const Exchange = z
  .object({
    response: z.string().openapi({ description: 'Response APDU, hex: data followed by SW1 SW2' }),
    trace: z
      .object({
        command: z.string().openapi({ description: 'The command, hex, with PIN bytes masked' }),
        does: TextSchema,
        sw: z.string(),
        dataLength: z.number().int(),
        means: TextSchema,
        why: TextSchema.nullable(),
      })
      .openapi('ApduTrace', { description: 'The exchange decoded for developers; never holds PINs, keys or personal data' }),
    notes: z.array(TextSchema),
  })
  .openapi('ApduExchange');

const SessionRef = z.object({ sessionId: z.string().uuid() }).openapi('ReaderSessionRef');

export function registerReaderRoutes(app: OpenAPIHono<Env>) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/reader-sessions',
      tags: tag,
      summary: 'Insert the card into a reader: a new card session, nothing selected, no PIN verified',
      request: { params: z.object({ cardId: CardIdParam }), headers: CardKeyHeader, body: body(OpenBody) },
      responses: { 201: json(Opened, 'Card session opened'), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const access = cardAccess(c, c.req.valid('param').cardId);
      if (!access) return errorJson(c, 'CARD_REJECTED');
      const { terminal, blockedStatusWord } = c.req.valid('json');
      return respond(c, await openReaderSession(c.var.deps, { ...access, terminal, ...(blockedStatusWord ? { blockedStatusWord } : {}) }), (v) => v, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/reader-sessions/{sessionId}/apdu',
      tags: tag,
      summary: 'Send one command APDU to the card; a VERIFY goes through the shared PIN-entry path (channel ic-reader)',
      request: {
        params: SessionParams,
        headers: CardKeyHeader,
        body: body(z.object({ command: z.string().min(8).max(522).regex(/^[0-9A-Fa-f]+$/).openapi({ description: 'Command APDU, hex, short form' }) }).openapi('ApduCommand')),
      },
      responses: { 200: json(Exchange, 'The response APDU and its decoding'), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { cardId, sessionId } = c.req.valid('param');
      const access = cardAccess(c, cardId);
      if (!access) return errorJson(c, 'CARD_REJECTED');
      const command = fromHex(c.req.valid('json').command);
      if (!command) return errorJson(c, 'INVALID_REQUEST', { field: 'command' });
      c.header('Cache-Control', 'no-store');
      return respond(c, await transmitApdu(c.var.deps, { ...access, sessionId, command }), (v) => ({ response: toHex(v.response), trace: v.trace, notes: v.notes }));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/cards/{cardId}/reader-sessions/{sessionId}/reset',
      tags: tag,
      summary: 'Power the card off and on or reset it: selection and verified PINs are cleared',
      request: { params: SessionParams, headers: CardKeyHeader },
      responses: { 200: json(SessionRef, 'Card reset'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { cardId, sessionId } = c.req.valid('param');
      const access = cardAccess(c, cardId);
      if (!access) return errorJson(c, 'CARD_REJECTED');
      return respond(c, await resetReaderSession(c.var.deps, { ...access, sessionId }), (v) => v);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/cards/{cardId}/reader-sessions/{sessionId}',
      tags: tag,
      summary: 'Remove the card from the reader: the card session and its security state end',
      request: { params: SessionParams, headers: CardKeyHeader },
      responses: { 200: json(SessionRef, 'Card removed'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { cardId, sessionId } = c.req.valid('param');
      const access = cardAccess(c, cardId);
      if (!access) return errorJson(c, 'CARD_REJECTED');
      return respond(c, await closeReaderSession(c.var.deps, { ...access, sessionId }), (v) => v);
    },
  );
}
