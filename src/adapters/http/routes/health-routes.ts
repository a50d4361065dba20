import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from '../http-context.js';

const tag = ['Health'];

const Readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({
      database: z.enum(['up', 'unreachable']),
      migrations: z.enum(['applied', 'pending', 'unknown']),
    }),
  })
  .openapi('Readiness');

const readyRoute = (path: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: tag,
    summary,
    responses: {
      200: { description: 'Ready to serve', content: { 'application/json': { schema: Readiness } } },
      503: { description: 'Not ready: the database does not answer or migrations are pending', content: { 'application/json': { schema: Readiness } } },
    },
  });

/**
 * For a load balancer or orchestrator: /livez says the process runs (restart it if not), /readyz says it can serve
 * (send it traffic if so): the database answers and every migration this code needs is applied. /healthz is
 * /readyz under its older name, so it no longer answers 200 while the database is gone.
 */
export function registerHealthRoutes(app: OpenAPIHono<Env>) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/livez',
      tags: tag,
      summary: 'The process is alive (no dependency is checked)',
      responses: { 200: { description: 'Alive', content: { 'application/json': { schema: z.object({ status: z.literal('live') }) } } } },
    }),
    (c) => c.json({ status: 'live' as const }, 200, { 'Cache-Control': 'no-store' }),
  );
  for (const [path, summary] of [
    ['/readyz', 'The server can serve: the database answers and migrations are applied'],
    ['/healthz', 'Same as /readyz (kept for existing monitors)'],
  ] as const) {
    app.openapi(readyRoute(path, summary), async (c) => {
      const r = await c.var.deps.readiness();
      const ready = r.database === 'up' && r.migrations === 'applied';
      return c.json({ status: ready ? ('ready' as const) : ('unavailable' as const), checks: r }, ready ? 200 : 503, { 'Cache-Control': 'no-store' });
    });
  }
}
