import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { HTTPException } from 'hono/http-exception';
import { classifyDbFault } from '../db/db-faults.js';
import { edgeGuard, logClientMistake } from './edge-guard.js';
import { errorPage, landingPage, wantsHtml } from './public-pages.js';
import { errorJson, type Env, type HttpDeps } from './http-context.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerCardRoutes } from './routes/card-routes.js';
import { registerStaffRoutes } from './routes/staff-routes.js';
import { registerCounterRoutes } from './routes/counter-routes.js';
import { registerPolicyRoutes } from './routes/policy-routes.js';
import { registerPkiRoutes } from './routes/pki-routes.js';
import { registerMeRoutes } from './routes/me-routes.js';
import { registerResidentRecordRoutes } from './routes/resident-record-routes.js';
import { registerRelyingServiceRoutes } from './routes/relying-service-routes.js';
import { registerInteractionRoutes } from '../oidc/interaction-routes.js';
import type { OidcSystem } from '../oidc/oidc-system.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerReaderRoutes } from './routes/reader-routes.js';
import { registerMassJobRoutes } from './routes/mass-job-routes.js';
import { registerMeContactRoutes } from './routes/me-contact-routes.js';
import { registerMailboxPage } from './mailbox-page.js';
import { registerClientReportRoutes } from './routes/client-report-routes.js';
import { registerReadinessRoutes } from './routes/readiness-routes.js';
import { registerKioskResetRoutes } from './routes/kiosk-reset-routes.js';
import { registerRiskRoutes } from './routes/risk-routes.js';

export function createApp(deps: HttpDeps, logger: Logger, oidc: OidcSystem) {
  const app = new OpenAPIHono<Env>({
    // Bad input is refused before any use case runs, so it spends nothing. Only paths are echoed back:
    // values may be PINs or My Numbers.
    defaultHook: (result, c) => {
      if (!result.success) {
        const fields = [...new Set(result.error.issues.map((i) => i.path.join('.') || result.target))];
        logClientMistake(logger, c, 'INVALID_REQUEST', { field: fields[0], fields });
        return errorJson(c, 'INVALID_REQUEST', { field: fields[0], fields });
      }
      return undefined;
    },
  });

  app.use('*', edgeGuard(logger));
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });

  registerCardRoutes(app);
  registerAdminRoutes(app);
  registerStaffRoutes(app);
  registerCounterRoutes(app);
  registerPolicyRoutes(app);
  registerPkiRoutes(app, deps.certificateStatusServices);
  registerRelyingServiceRoutes(app, oidc);
  registerMeRoutes(app, oidc);
  registerMeContactRoutes(app, oidc);
  registerReadinessRoutes(app, oidc);
  registerKioskResetRoutes(app);
  registerResidentRecordRoutes(app, oidc);
  registerInteractionRoutes(app, oidc);
  registerHealthRoutes(app);
  registerReaderRoutes(app);
  registerMassJobRoutes(app);
  registerClientReportRoutes(app, oidc);
  registerRiskRoutes(app);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Kagiya API',
      version: '0.1.0',
      description: 'Cards, four PIN slots with retry counters, certificates. Errors are { error: { code, message, messages } }.',
    },
  });

  registerCounterConsole(app);
  registerMailboxPage(app);

  app.get('/', async (c) => (wantsHtml(c) ? landingPage(c, await deps.listMunicipalities()) : c.json({ name: 'Kagiya', console: '/counter/', openapi: '/api/openapi.json', guidance: '/guidance/{code}', readyz: '/readyz' })));
  app.notFound((c) => (wantsHtml(c) ? errorPage(c, 'NOT_FOUND') : errorJson(c, 'NOT_FOUND')));
  app.onError((error, c) => {
    // A request the framework itself refused (a body a route needs but did not get, say): the caller's mistake.
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : error.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_REQUEST';
      const details = code === 'INVALID_REQUEST' ? { field: 'body' } : {};
      logClientMistake(logger, c, code, details);
      return errorJson(c, code, details);
    }
    // Fail closed: a fault accepts nothing and is reported as our fault, never as a lock (DOMAIN.md §3).
    // The database unreachable (a terminated backend, a restart) is SERVICE_UNAVAILABLE, an overloaded one
    // SERVICE_BUSY; anything else is a defect of ours (INTERNAL). Each is logged at error level: none is the caller's.
    const fault = classifyDbFault(error);
    const code = fault === 'unavailable' ? 'SERVICE_UNAVAILABLE' : fault === 'busy' ? 'SERVICE_BUSY' : 'INTERNAL';
    logger.error({ err: { message: error.message, name: error.name }, code, method: c.req.method, path: safePath(c.req.path) }, 'request failed');
    if (code !== 'INTERNAL') c.header('Retry-After', '5');
    return errorJson(c, code);
  });
  return app;
}

/** A path for the log: never a credential (the PIN pad's address is its one-time credential), never unbounded. */
export function safePath(path: string): string {
  const redacted = path.replace(/\/pinpad\/[^/]+/, '/pinpad/…');
  return redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted;
}

// The counter console (web/, a React app built to web/dist by `npm run build:web`, which `npm start` runs first).
// Resolved from this file, not the working directory.
const CONSOLE_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
const CONSOLE_INDEX = join(CONSOLE_DIR, 'index.html');

// The console's page: never cached (a new build must show at once), no referrer (the PIN pad's address is its
// one-time credential), no framing, and only its own scripts.
const CONSOLE_PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>窓口コンソールが未ビルドです / Counter console not built</title>
<style>body{font-family:system-ui,'Hiragino Sans','Noto Sans JP',sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.7;color:#1b2533}code{background:#eef2f6;padding:.1em .4em;border-radius:4px}</style>
</head><body>
<h1>窓口コンソールはまだビルドされていません</h1>
<p>リポジトリのフォルダで <code>npm run build:web</code> を実行してから、このページを再読み込みしてください（<code>npm start</code> は起動前に自動でビルドします）。</p>
<h1 lang="en">The counter console has not been built</h1>
<p lang="en">Run <code>npm run build:web</code> in the repository folder, then reload this page (<code>npm start</code> builds it before starting).</p>
</body></html>`;

function registerCounterConsole(app: OpenAPIHono<Env>) {
  app.get('/counter', (c) => c.redirect('/counter/', 301));
  // Built files. The request path is checked by serveStatic (no '..', no '%') before it is mapped into the folder.
  app.use(
    '/counter/*',
    serveStatic({
      rewriteRequestPath: (path) => join(CONSOLE_DIR, path.slice('/counter'.length)),
      onFound: (path, c) => {
        if (path.endsWith('index.html')) {
          for (const [name, value] of Object.entries(CONSOLE_PAGE_HEADERS)) c.header(name, value);
        } else {
          // Hashed file names under assets/ never change; anything else is checked on each use.
          c.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
          c.header('X-Content-Type-Options', 'nosniff');
        }
      },
    }),
  );
  // Client routes (/counter/cards/…, /counter/pinpad/…) are the same page; a missing build says what to do.
  app.get('/counter/*', (c) => {
    if (c.req.path.startsWith('/counter/assets/')) return errorJson(c, 'NOT_FOUND');
    if (!existsSync(CONSOLE_INDEX)) return c.html(NOT_BUILT_PAGE, 503, { 'Cache-Control': 'no-store', 'Retry-After': '30' });
    return c.body(readFileSync(CONSOLE_INDEX), 200, CONSOLE_PAGE_HEADERS);
  });
}
