import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { OidcRuntime } from '../../oidc/oidc-runtime.js';
import { errorJson, type Env } from '../http-context.js';
import { errorResponses } from '../schemas.js';
import { holder } from './me-routes.js';

// Where the holder's notifications go (issue 11 item 4): read with kagiya_card, set or remove with kagiya_card_manage.

const security = [{ holderToken: [] as string[] }];
const tag = ['Holder (OIDC access token)'];
const ContactEmail = z.object({ email: z.string().email().max(254).nullable() }).openapi('HolderContactEmail', { description: 'null: no notifications by e-mail' });

export function registerMeContactRoutes(app: OpenAPIHono<Env>, runtime: OidcRuntime) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/me/contact-email',
      tags: tag,
      security,
      summary: 'The e-mail address notifications go to (locks, resets, suspension, new services, certificate expiry)',
      responses: { 200: { description: 'The address', content: { 'application/json': { schema: ContactEmail } } }, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const h = await holder(c, runtime, 'kagiya_card');
      if (h instanceof Response) return h;
      c.header('Cache-Control', 'no-store');
      const email = await c.var.deps.contactEmails.get(h.cardId);
      if (email === undefined) return errorJson(c, 'NOT_FOUND', { resource: 'card' });
      return c.json({ email }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/me/contact-email',
      tags: tag,
      security,
      summary: 'Set (or, with null, remove) the address notifications go to',
      request: { body: { required: true, content: { 'application/json': { schema: ContactEmail } } } },
      responses: { 200: { description: 'Saved', content: { 'application/json': { schema: ContactEmail } } }, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const h = await holder(c, runtime, 'kagiya_card_manage');
      if (h instanceof Response) return h;
      const { email } = c.req.valid('json');
      const normalised = email === null ? null : email.trim();
      if (!(await c.var.deps.contactEmails.set(h.cardId, normalised, c.var.deps.clock()))) return errorJson(c, 'NOT_FOUND', { resource: 'card' });
      return c.json({ email: normalised }, 200);
    },
  );
}
