import { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { errorJson, type Env, type HttpDeps } from './http-context.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerCardRoutes } from './routes/card-routes.js';
import { registerStaffRoutes } from './routes/staff-routes.js';
import { registerCounterRoutes } from './routes/counter-routes.js';
import { registerPolicyRoutes } from './routes/policy-routes.js';

export function createApp(deps: HttpDeps, logger: Logger) {
  const app = new OpenAPIHono<Env>({
    // Bad input is refused before any use case runs, so it spends nothing. Only paths are echoed back:
    // values may be PINs or My Numbers.
    defaultHook: (result, c) => {
      if (!result.success) {
        const fields = result.error.issues.map((i) => i.path.join('.'));
        return errorJson(c, 'INVALID_REQUEST', { fields });
      }
      return undefined;
    },
  });

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });

  registerCardRoutes(app);
  registerAdminRoutes(app);
  registerStaffRoutes(app);
  registerCounterRoutes(app);
  registerPolicyRoutes(app);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Kagiya API',
      version: '0.1.0',
      description: 'Cards, four PIN slots with retry counters, certificates. Errors are { error: { code, message, messages } }.',
    },
  });

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.notFound((c) => errorJson(c, 'NOT_FOUND'));
  app.onError((error, c) => {
    // Fail closed: an unexpected fault (the database unreachable, say) accepts nothing and is reported as
    // our fault, never as a lock (DOMAIN.md §3 SERVICE_BUSY).
    logger.error({ err: { message: error.message, name: error.name }, path: c.req.path }, 'request failed');
    return errorJson(c, 'SERVICE_BUSY');
  });
  return app;
}
