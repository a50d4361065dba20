import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createStaff } from '../../../app/create-staff.js';
import { createApiToken } from '../../../app/create-api-token.js';
import { getMunicipalPolicy, updateMunicipalPolicy } from '../../../app/municipal-policies.js';
import { STAFF_ROLES } from '../../../domain/actor.js';
import { APPLICANT_TYPES } from '../../../domain/municipal-policy.js';
import { renderGuidancePage } from '../guidance-page.js';
import { errorJson, resolveActor, respond, type Env } from '../http-context.js';
import { MunicipalitySchema, MunicipalPolicySchema } from '../counter-schemas.js';
import { errorResponses } from '../schemas.js';

const Obj = z.object({}).passthrough();
const Bilingual = z.object({ ja: z.string().min(1).max(2000), en: z.string().min(1).max(2000) });
const Rule = z.object({ cardRequired: z.boolean(), alternatives: z.array(z.object({ a: z.number().int().min(0).max(3), b: z.number().int().min(0).max(3) })).min(1).max(5) });
const PolicyBody = z
  .object({
    documents: z.object(Object.fromEntries(APPLICANT_TYPES.map((t) => [t, Rule])) as Record<(typeof APPLICANT_TYPES)[number], typeof Rule>),
    legalProxy: z.object({ proofOfAuthorityRequired: z.boolean(), sameDayWithoutPhotoId: z.boolean(), holderMustAttend: z.boolean() }),
    inquiryDeadlineDays: z.number().int(),
    counterHours: z.array(z.object({ days: Bilingual, open: z.string().max(5), close: z.string().max(5) })).max(10),
    phone: z.string().max(30).nullable(),
    notes: Bilingual.openapi({ description: 'For staff: research behind the policy; never shown on the public guidance page' }),
    publicNotes: Bilingual.optional().openapi({ description: 'For residents: shown on the public guidance page' }),
  })
  .openapi('MunicipalPolicyInput');
const valid = (c: Context<Env>, target: 'json' | 'param') => (c.req as unknown as { valid(t: string): any }).valid(target);

export function registerPolicyRoutes(app: OpenAPIHono<Env>) {
  const codeParams = z.object({ code: z.string().regex(/^\d{6}$/) });

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/municipalities', tags: ['Municipalities (public)'], summary: 'Municipalities served', responses: { 200: { description: 'List', content: { 'application/json': { schema: z.object({ municipalities: z.array(MunicipalitySchema) }) } } } } }),
    (async (c: Context<Env>) => {
      const list = await c.var.deps.listMunicipalities();
      return c.json({ municipalities: list.map((m) => ({ ...m, guidanceUrl: `/guidance/${m.code}` })) }, 200);
    }) as never,
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/municipalities/{code}/policy', tags: ['Municipalities (public)'], summary: 'The policy in force: documents per applicant type, deadlines, hours', request: { params: codeParams }, responses: { 200: { description: 'Policy', content: { 'application/json': { schema: MunicipalPolicySchema } } }, ...errorResponses(404) } }),
    (async (c: Context<Env>) => respond(c, await getMunicipalPolicy(c.var.deps, valid(c, 'param').code), (p) => p)) as never,
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/municipalities/{code}/policy',
      tags: ['Municipalities (public)'],
      security: [{ bearer: [] }, { cookie: [] }],
      summary: 'Publish a new version of the policy (municipal or national admin; audited)',
      request: { params: codeParams, body: { required: true, content: { 'application/json': { schema: z.object({ policy: PolicyBody, reason: z.string().min(1).max(300) }) } } } },
      responses: { 200: { description: 'New version', content: { 'application/json': { schema: MunicipalPolicySchema } } }, ...errorResponses(400, 401, 403) },
    }),
    (async (c: Context<Env>) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      const { policy, reason } = valid(c, 'json');
      return respond(c, await updateMunicipalPolicy(c.var.deps, actor, { policy: { ...policy, municipalityCode: valid(c, 'param').code }, reason }), (p) => p);
    }) as never,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/staff',
      tags: ['Staff sign-in'],
      security: [{ bearer: [] }, { cookie: [] }],
      summary: 'Create a staff account (admins); the TOTP secret is returned once',
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ loginId: z.string().regex(/^[a-z0-9._-]{3,40}$/), name: z.string().min(1).max(100), role: z.enum(STAFF_ROLES as [string, ...string[]]), municipalityCode: z.string().regex(/^\d{6}$/).nullable(), password: z.string().max(256) }) } } } },
      responses: { 201: { description: 'Created', content: { 'application/json': { schema: Obj } } }, ...errorResponses(400, 401, 403, 409) },
    }),
    (async (c: Context<Env>) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      c.header('Cache-Control', 'no-store');
      return respond(c, await createStaff(c.var.deps, actor, valid(c, 'json')), (v) => v, 201);
    }) as never,
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/api-tokens',
      tags: ['Staff sign-in'],
      security: [{ bearer: [] }, { cookie: [] }],
      summary: 'Create a bearer token for an integration (admins); shown once',
      request: { body: { required: true, content: { 'application/json': { schema: z.object({ label: z.string().min(1).max(100), role: z.enum(STAFF_ROLES as [string, ...string[]]), municipalityCode: z.string().regex(/^\d{6}$/).nullable() }) } } } },
      responses: { 201: { description: 'Created', content: { 'application/json': { schema: Obj } } }, ...errorResponses(400, 401, 403) },
    }),
    (async (c: Context<Env>) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      c.header('Cache-Control', 'no-store');
      return respond(c, await createApiToken(c.var.deps, actor, valid(c, 'json')), (v) => v, 201);
    }) as never,
  );

  // The public guidance page, HTML, Japanese by default (?lang=en).
  app.get('/guidance/:code', async (c) => {
    const code = c.req.param('code');
    const lang = c.req.query('lang') === 'en' ? 'en' : 'ja';
    const [municipality, policy] = await Promise.all([c.var.deps.municipalityName(code), getMunicipalPolicy(c.var.deps, code)]);
    if (!municipality || !policy.ok) return errorJson(c, 'NOT_FOUND', { resource: 'municipality' });
    return c.html(renderGuidancePage({ code, ...municipality }, policy.value, lang));
  });
}
