import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { listRelyingServices, registerRelyingService, rotateRelyingServiceSecret, setRelyingServiceEnabled } from '../../../app/relying-services.js';
import { SERVICE_SCOPES, type RelyingService } from '../../../domain/relying-service.js';
import type { OidcSystem } from '../../oidc/oidc-system.js';
import { errorJson, resolveActor, respond, type Env } from '../http-context.js';
import { errorResponses } from '../schemas.js';

// Relying services (OIDC clients of Kagiya's provider), registered by a national admin; every change audited.

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const security = [{ bearer: [] as string[] }];
const tag = ['Relying services (national admin)'];

const ServiceSchema = z
  .object({
    clientId: z.string(),
    nameJa: z.string(),
    nameEn: z.string(),
    redirectUris: z.array(z.string()),
    postLogoutRedirectUris: z.array(z.string()),
    scopes: z.array(z.string()),
    createdAt: z.string().datetime(),
    createdBy: z.string(),
    updatedAt: z.string().datetime(),
    disabledAt: z.string().datetime().nullable(),
  })
  .openapi('RelyingService');

const NewService = z
  .object({
    clientId: z.string().max(63).openapi({ description: 'lower-case letters, digits and hyphens; also the service recorded on attempts' }),
    nameJa: z.string().max(80),
    nameEn: z.string().max(80),
    redirectUris: z.array(z.string().max(500)).max(10),
    postLogoutRedirectUris: z.array(z.string().max(500)).max(10).default([]),
    scopes: z.array(z.enum(SERVICE_SCOPES)).max(SERVICE_SCOPES.length).default(['openid']),
  })
  .openapi('NewRelyingService');

const render = (s: RelyingService) => ({
  ...s,
  redirectUris: [...s.redirectUris],
  postLogoutRedirectUris: [...s.postLogoutRedirectUris],
  scopes: [...s.scopes],
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
  disabledAt: s.disabledAt ? s.disabledAt.toISOString() : null,
});
const clientParam = z.object({ clientId: z.string().max(63).openapi({ param: { name: 'clientId', in: 'path' } }) });

export function registerRelyingServiceRoutes(app: OpenAPIHono<Env>, oidc: OidcSystem) {
  const deps = oidc.relyingServiceDeps;

  app.openapi(
    createRoute({ method: 'get', path: '/api/v1/oidc/clients', tags: tag, security, summary: 'List relying services', responses: { 200: json(z.object({ clients: z.array(ServiceSchema) }), 'Services'), ...errorResponses(401, 403) } }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      return respond(c, await listRelyingServices(deps, actor), (v) => ({ clients: v.map(render) }));
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/oidc/clients',
      tags: tag,
      security,
      summary: 'Register a relying service; the client secret is shown once',
      request: { body: body(NewService) },
      responses: { 201: json(z.object({ client: ServiceSchema, clientSecret: z.string() }), 'Registered'), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      c.header('Cache-Control', 'no-store');
      return respond(c, await registerRelyingService(deps, actor, c.req.valid('json')), (v) => ({ client: render(v.service), clientSecret: v.clientSecret }), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/oidc/clients/{clientId}/state',
      tags: tag,
      security,
      summary: "Stop or restart a relying service's logins (with a reason, audited)",
      request: { params: clientParam, body: body(z.object({ enabled: z.boolean(), reason: z.string().min(1).max(200) })) },
      responses: { 200: json(ServiceSchema, 'Updated'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      const { enabled, reason } = c.req.valid('json');
      return respond(c, await setRelyingServiceEnabled(deps, actor, { clientId: c.req.valid('param').clientId, enabled, reason }), render);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/oidc/clients/{clientId}/secret',
      tags: tag,
      security,
      summary: 'Issue a new client secret (the old one stops working); shown once',
      request: { params: clientParam, body: body(z.object({ reason: z.string().min(1).max(200) })) },
      responses: { 200: json(z.object({ clientId: z.string(), clientSecret: z.string() }), 'New secret'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const actor = await resolveActor(c);
      if (!actor) return errorJson(c, 'UNAUTHENTICATED');
      c.header('Cache-Control', 'no-store');
      return respond(c, await rotateRelyingServiceSecret(deps, actor, { clientId: c.req.valid('param').clientId, reason: c.req.valid('json').reason }), (v) => v);
    },
  );
}
