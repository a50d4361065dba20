import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { staffSignIn, staffSignOut } from '../../../app/staff-sign-in.js';
import { errorResponses } from '../schemas.js';
import { errorJson, resolveActor, SESSION_COOKIE, type Env } from '../http-context.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const StaffView = z.object({ id: z.string(), name: z.string(), role: z.string(), municipalityCode: z.string().nullable() }).openapi('Staff');
const tag = ['Staff sign-in'];

export function registerStaffRoutes(app: OpenAPIHono<Env>) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/staff/session',
      tags: tag,
      summary: 'Sign in to the counter console with password and TOTP; sets an HttpOnly session cookie',
      request: {
        body: {
          required: true,
          content: { 'application/json': { schema: z.object({ loginId: z.string().min(1).max(64), password: z.string().min(1).max(256), totp: z.string().max(10) }).openapi('StaffSignIn') } },
        },
      },
      responses: { 200: json(z.object({ staff: StaffView, expiresAt: z.string() }), 'Signed in'), ...errorResponses(400, 401, 429) },
    }),
    async (c) => {
      const outcome = await staffSignIn(c.var.deps, c.req.valid('json'));
      if (!outcome.ok) return errorJson(c, outcome.code, outcome.details);
      const { sessionToken, actor, expiresAt } = outcome.value;
      setCookie(c, SESSION_COOKIE, sessionToken, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure: new URL(c.req.url).protocol === 'https:',
        expires: expiresAt,
      });
      return c.json({ staff: { id: actor.id, name: actor.label, role: actor.role, municipalityCode: actor.municipalityCode }, expiresAt: expiresAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/staff/session',
      tags: tag,
      summary: 'Sign out',
      responses: { 204: { description: 'Signed out' } },
    }),
    async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (token && token.length <= 128) await staffSignOut(c.var.deps, token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/staff/me',
      tags: tag,
      summary: 'Who is signed in',
      responses: { 200: json(z.object({ staff: StaffView }), 'The signed-in staff member'), ...errorResponses(401) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      return c.json({ staff: { id: actor.id, name: actor.label, role: actor.role, municipalityCode: actor.municipalityCode } }, 200);
    },
  );
}
