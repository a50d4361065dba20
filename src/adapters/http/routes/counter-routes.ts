import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { checkProcedureDocuments } from '../../../app/check-procedure-documents.js';
import { getProcedure, listProcedures, searchResidents } from '../../../app/counter-queries.js';
import { diagnoseCard } from '../../../app/diagnose-card.js';
import { cancelProcedure, refuseStaffPinEntry, issueInquiryLetter, letterPdf, listLetters, markLetter, verifyLetterAnswer } from '../../../app/inquiry-letters.js';
import { openCounterProcedure } from '../../../app/open-counter-procedure.js';
import { checkPinPadPin, openPinPad, submitPinPad, viewPinPad } from '../../../app/pin-pad.js';
import { presentCard } from '../../../app/present-card.js';
import { listAudit, verifyAuditChain, verifyCardEventChain } from '../../../app/list-audit.js';
import type { Actor } from '../../../domain/actor.js';
import { DOCUMENT_KINDS } from '../../../domain/identity-document.js';
import { APPLICANT_TYPES } from '../../../domain/municipal-policy.js';
import { PIN_SLOTS } from '../../../domain/pin-slot.js';
import { diagnosisView, letterView, procedureView, residentView } from '../counter-views.js';
import { errorJson, resolveActor, respond, type Env } from '../http-context.js';
import { DiagnosisSchema, LetterIssuedSchema, LetterSchema, PinPadOpenedSchema, PinPadViewSchema, ProcedureSchema, ResidentHitSchema } from '../counter-schemas.js';
import { errorResponses } from '../schemas.js';

const Obj = z.object({}).passthrough();
const ok = (description: string, schema: z.ZodType = Obj, status: 200 | 201 = 200) => ({
  [status]: { description, content: { 'application/json': { schema } } },
  ...errorResponses(400, 401, 403, 404, 409, 410),
});
const Residents = z.object({ residents: z.array(ResidentHitSchema) });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { cookie: [] }];
const counterTag = ['Counter (staff)'];
const UUID = z.string().uuid();
const Pins = z.object(Object.fromEntries(PIN_SLOTS.map((s) => [s, z.string().max(64).optional()])) as Record<(typeof PIN_SLOTS)[number], z.ZodOptional<z.ZodString>>);
const Presented = z.array(z.enum(DOCUMENT_KINDS)).max(10);

/** Staff routes answer 401 without a session or token, before anything else is looked at. */
function staffHandler(handler: (c: Context<Env>, actor: Actor) => Promise<Response>) {
  return async (c: Context<Env>) => {
    const actor = await resolveActor(c);
    if (!actor) return errorJson(c, 'UNAUTHENTICATED');
    return handler(c, actor);
  };
}

// c.req.valid() is typed per route; the handlers below read it through this one cast.
const valid = (c: Context<Env>, target: 'json' | 'query' | 'param') => (c.req as unknown as { valid(t: string): any }).valid(target);

/** Checks of new PINs per PIN pad (four slots, a few tries each); the pad itself works 15 minutes, once. */
const MAX_PAD_CHECKS = 16;

export function registerCounterRoutes(app: OpenAPIHono<Env>) {
  const padChecks = new Map<string, number>();
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookie', { type: 'apiKey', in: 'cookie', name: 'kagiya_session' });
  const procedurePath = (suffix = '') => `/api/v1/counter/procedures/{procedureId}${suffix}`;
  const procParams = z.object({ procedureId: UUID });
  const reg = (config: Parameters<typeof createRoute>[0], handler: (c: Context<Env>, actor: Actor) => Promise<Response>) =>
    app.openapi(createRoute({ tags: counterTag, security, ...config }), staffHandler(handler) as never);

  reg(
    { method: 'get', path: '/api/v1/counter/residents', summary: 'Search residents of your municipality by name or kana', request: { query: z.object({ q: z.string().min(1).max(50) }) }, responses: ok('Residents', Residents) },
    async (c, actor) => respond(c, await searchResidents(c.var.deps, actor, { query: valid(c, 'query').q }), (hits) => ({ residents: hits.map((h) => ({ ...residentView(h), cards: h.cards.map((k) => ({ ...k, expiresAt: k.expiresAt.toISOString() })) })) })),
  );
  reg(
    { method: 'post', path: '/api/v1/counter/residents/search', summary: 'Find a resident by My Number (sent in the body, never in a URL)', request: { body: body(z.object({ myNumber: z.string().max(32) })) }, responses: ok('Residents', Residents) },
    async (c, actor) => respond(c, await searchResidents(c.var.deps, actor, { myNumber: valid(c, 'json').myNumber }), (hits) => ({ residents: hits.map((h) => ({ ...residentView(h), cards: h.cards.map((k) => ({ ...k, expiresAt: k.expiresAt.toISOString() })) })) })),
  );
  reg(
    { method: 'get', path: '/api/v1/counter/cards/{cardId}/diagnosis', summary: 'Why can this person not log in: every slot, certificate, attempt, and a verdict', request: { params: z.object({ cardId: UUID }) }, responses: ok('Diagnosis', DiagnosisSchema) },
    async (c, actor) => respond(c, await diagnoseCard(c.var.deps, actor, valid(c, 'param').cardId), diagnosisView),
  );
  reg(
    { method: 'get', path: '/api/v1/counter/procedures', summary: 'Procedures of your municipality (open ones by default)', request: { query: z.object({ open: z.enum(['true', 'false']).default('true') }) }, responses: ok('Procedures', z.object({ procedures: z.array(ProcedureSchema) })) },
    async (c, actor) => respond(c, await listProcedures(c.var.deps, actor, { open: valid(c, 'query').open === 'true' }), (records) => ({ procedures: records.map((r) => procedureView(r)) })),
  );
  reg(
    {
      method: 'post',
      path: '/api/v1/counter/procedures',
      summary: 'Open a PIN re-setting procedure (holder, legal proxy or voluntary proxy)',
      request: { body: body(z.object({ residentId: UUID, applicantType: z.enum(APPLICANT_TYPES), slots: z.array(z.enum(PIN_SLOTS)).min(1).max(4), proxyName: z.string().min(1).max(100).optional() })) },
      responses: ok('Opened', ProcedureSchema, 201),
    },
    async (c, actor) => {
      const b = valid(c, 'json');
      return respond(c, await openCounterProcedure(c.var.deps, actor, { ...b, proxyName: b.proxyName ?? null }), (r) => procedureView(r), 201);
    },
  );
  reg(
    { method: 'get', path: procedurePath(), summary: 'One procedure with its letter and resident', request: { params: procParams }, responses: ok('Procedure', ProcedureSchema) },
    async (c, actor) => respond(c, await getProcedure(c.var.deps, actor, valid(c, 'param').procedureId), (v) => procedureView(v.record, { letter: v.letter, resident: v.resident, pinPad: v.pinPad })),
  );
  reg(
    { method: 'post', path: procedurePath('/documents'), summary: 'Record the ID documents checked (kinds only) against the municipal policy', request: { params: procParams, body: body(z.object({ presented: Presented, holderPresent: z.boolean() })) }, responses: ok('Documents accepted', ProcedureSchema) },
    async (c, actor) => respond(c, await checkProcedureDocuments(c.var.deps, actor, valid(c, 'param').procedureId, valid(c, 'json')), (r) => procedureView(r)),
  );
  reg(
    { method: 'post', path: procedurePath('/card'), summary: 'The card is presented (card file)', request: { params: procParams, body: body(z.object({ cardId: UUID, cardKey: z.string().min(1).max(128) })) }, responses: ok('Card accepted', ProcedureSchema) },
    async (c, actor) => respond(c, await presentCard(c.var.deps, actor, valid(c, 'param').procedureId, valid(c, 'json')), (r) => procedureView(r)),
  );
  reg(
    { method: 'post', path: procedurePath('/pin-pad'), summary: 'Open the customer-facing PIN pad (one use, 15 minutes, closed after 10 weak PINs); opened again while the PINs are awaited, it replaces the old pad', request: { params: procParams }, responses: ok('PIN pad opened', PinPadOpenedSchema) },
    async (c, actor) =>
      respond(c, await openPinPad(c.var.deps, actor, valid(c, 'param').procedureId), (v) => ({ procedure: procedureView(v.record), pinPadUrl: `/counter/pinpad/${v.token}`, expiresAt: v.expiresAt.toISOString() })),
  );
  reg(
    { method: 'post', path: procedurePath('/letter'), summary: 'Issue the inquiry letter (照会書兼回答書) and queue it for mailing', request: { params: procParams }, responses: ok('Letter issued', LetterIssuedSchema) },
    async (c, actor) => respond(c, await issueInquiryLetter(c.var.deps, actor, valid(c, 'param').procedureId), (v) => ({ procedure: procedureView(v.record), letter: letterView(v.letter) })),
  );
  reg(
    { method: 'post', path: procedurePath('/answer'), summary: "Visit 2: the answer's one-time code and the proxy's ID", request: { params: procParams, body: body(z.object({ code: z.string().min(1).max(20), presented: Presented })) }, responses: ok('Answer verified', ProcedureSchema) },
    async (c, actor) => respond(c, await verifyLetterAnswer(c.var.deps, actor, valid(c, 'param').procedureId, valid(c, 'json')), (r) => procedureView(r)),
  );
  reg(
    {
      method: 'post',
      path: procedurePath('/complete'),
      summary: 'Refused: staff never set PINs (403 PIN_PAD_REQUIRED). The holder, or the proxy with the sealed answer, types them at the PIN pad',
      deprecated: true,
      request: { params: procParams },
      responses: { ...errorResponses(401, 403, 404) },
    },
    // The body (PINs typed by staff) is never parsed, let alone checked: nothing about it may depend on its content.
    async (c, actor) => respond(c, await refuseStaffPinEntry(c.var.deps, actor, valid(c, 'param').procedureId), (r) => procedureView(r)),
  );
  reg(
    { method: 'post', path: procedurePath('/cancel'), summary: 'Cancel a procedure', request: { params: procParams, body: body(z.object({ reason: z.string().min(1).max(200) })) }, responses: ok('Cancelled', ProcedureSchema) },
    async (c, actor) => respond(c, await cancelProcedure(c.var.deps, actor, valid(c, 'param').procedureId, valid(c, 'json').reason), (r) => procedureView(r)),
  );
  reg(
    { method: 'get', path: '/api/v1/counter/letters', summary: 'Inquiry letters of your municipality', request: { query: z.object({ status: z.string().max(80).optional() }) }, responses: ok('Letters', z.object({ letters: z.array(LetterSchema) })) },
    async (c, actor) => {
      const statuses = (valid(c, 'query').status ?? '').split(',').filter(Boolean);
      return respond(c, await listLetters(c.var.deps, actor, statuses), (letters) => ({ letters: letters.map(letterView) }));
    },
  );
  reg(
    { method: 'get', path: '/api/v1/counter/letters/{letterId}/pdf', summary: 'The letter as PDF', request: { params: z.object({ letterId: UUID }) }, responses: { 200: { description: 'PDF', content: { 'application/pdf': { schema: z.string() } } }, ...errorResponses(401, 404) } },
    async (c, actor) => {
      const outcome = await letterPdf(c.var.deps, actor, valid(c, 'param').letterId);
      if (!outcome.ok) return errorJson(c, outcome.code, outcome.details);
      return new Response(Buffer.from(outcome.value.pdf), {
        headers: { 'content-type': 'application/pdf', 'content-disposition': `inline; filename="${outcome.value.referenceNumber}.pdf"`, 'cache-control': 'no-store' },
      });
    },
  );
  for (const status of ['mailed', 'undeliverable'] as const) {
    reg(
      { method: 'post', path: `/api/v1/counter/letters/{letterId}/${status}`, summary: status === 'mailed' ? 'The letter was posted' : 'The letter came back undeliverable (ends the procedure)', request: { params: z.object({ letterId: UUID }) }, responses: ok('Letter updated', LetterSchema) },
      async (c, actor) => respond(c, await markLetter(c.var.deps, actor, valid(c, 'param').letterId, status), letterView),
    );
  }
  reg(
    { method: 'get', path: '/api/v1/audit', summary: 'Audit trail of your municipality, with the hash chain checked', request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), before: z.coerce.number().int().optional(), target: z.string().max(64).optional() }) }, responses: ok('Audit entries') },
    async (c, actor) => {
      const q = valid(c, 'query');
      return respond(c, await listAudit(c.var.deps, actor, { limit: q.limit, ...(q.before !== undefined ? { beforeSeq: q.before } : {}), ...(q.target ? { targetId: q.target } : {}) }), (v) => ({
        entries: v.entries.map((e) => ({ ...e, occurredAt: e.occurredAt.toISOString() })),
      }));
    },
  );
  reg(
    { method: 'get', path: '/api/v1/audit/verify', summary: 'Re-check the whole hash chain (national admin, auditor)', responses: ok('Chain check') },
    async (c, actor) => respond(c, await verifyAuditChain(c.var.deps, actor), (v) => v),
  );
  reg(
    { method: 'get', path: '/api/v1/audit/card-events/verify', summary: "Re-check every card's event hash chain (national admin, auditor)", responses: ok('Chain check') },
    async (c, actor) => respond(c, await verifyCardEventChain(c.var.deps, actor), (v) => v),
  );

  // The customer-facing PIN pad: no staff login; the one-time token is the credential.
  const padTag = ['PIN pad (customer-facing)'];
  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/pinpad/{token}', tags: padTag, summary: 'What the PIN pad asks for', request: { params: z.object({ token: z.string().min(20).max(64) }) }, responses: ok('PIN pad', PinPadViewSchema) }),
    (async (c: Context<Env>) => respond(c, await viewPinPad(c.var.deps, valid(c, 'param').token), (v) => v)) as never,
  );
  app.openapi(
    createRoute({ method: 'post', path: '/api/v1/pinpad/{token}', tags: padTag, summary: 'The holder sets the new PINs', request: { params: z.object({ token: z.string().min(20).max(64) }), body: body(z.object({ pins: Pins })) }, responses: ok('PINs set', z.object({ done: z.boolean() })) }),
    (async (c: Context<Env>) => respond(c, await submitPinPad(c.var.deps, valid(c, 'param').token, valid(c, 'json').pins), () => ({ done: true }))) as never,
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/pinpad/{token}/check',
      tags: padTag,
      summary: 'Check one new PIN as it is entered (weak or malformed is refused at once); writes nothing',
      request: { params: z.object({ token: z.string().min(20).max(64) }), body: body(z.object({ slot: z.enum(PIN_SLOTS), pin: z.string().max(64) })) },
      responses: ok('The PIN may be set'),
    }),
    (async (c: Context<Env>) => {
      const { slot, pin } = valid(c, 'json');
      const token: string = valid(c, 'param').token;
      // The weak-PIN rules involve the birth date and the My Number: unlimited checks would let whoever holds the
      // pad's address read the My Number out four digits at a time. A pad gets a few checks per PIN, no more;
      // past that, the PINs are still checked when they are set.
      const used = (padChecks.get(token) ?? 0) + 1;
      if (padChecks.size > 10_000) padChecks.clear();
      padChecks.set(token, used);
      if (used > MAX_PAD_CHECKS) return errorJson(c, 'INVALID_REQUEST', { field: 'pin', reason: 'TOO_MANY_CHECKS' });
      return respond(c, await checkPinPadPin(c.var.deps, token, slot, pin), (v) => ({ ok: true, slot: v.slot }));
    }) as never,
  );
}
