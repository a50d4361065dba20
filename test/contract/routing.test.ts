import { RegExpRouter } from 'hono/router/reg-exp-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSystem, type TestSystem } from '../support/test-db.js';

// Hono's SmartRouter uses its RegExpRouter (one regular expression for all routes) unless a single route cannot be
// written into it; then every request, PIN entries included, is matched by the TrieRouter instead, which walked the
// whole tree and cost about 6 % of the server's CPU per verification (docs/decisions.md, "Routing on the RegExpRouter").
// A route with a parameter where another route has a fixed segment (`/risk/services/evaluate` beside
// `/risk/services/{flagId}/dismiss`) is such a route. This keeps every route the API has within what RegExpRouter takes.
describe('routing', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await createTestSystem('pglite');
  });
  afterAll(async () => system.dispose());

  it('every route fits the RegExpRouter, and the app routes with it', async () => {
    const routes = (system.app as unknown as { routes: { method: string; path: string }[] }).routes;
    expect(routes.length).toBeGreaterThan(100);
    const unsupported: string[] = [];
    const probe = new RegExpRouter<number>();
    for (const route of routes) {
      try {
        probe.add(route.method, route.path, 1);
      } catch {
        unsupported.push(`${route.method} ${route.path}`);
      }
    }
    expect(unsupported).toEqual([]);

    expect((await system.app.request('/healthz')).status).toBeLessThan(500);
    const router = (system.app as unknown as { router: { activeRouter: { name: string } } }).router;
    expect(router.activeRouter.name).toBe('RegExpRouter');
  });
});
