import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { OidcSystem } from '../oidc/oidc-system.js';
import { INTERACTION_PREFIX, OIDC_PREFIX } from '../oidc/create-provider.js';
import { MAX_HEADER_BYTES } from './body-limits.js';
import { answerClientError } from './http-server.js';

// One Node server for Kagiya: oidc-provider's own handler answers its protocol paths (discovery, authorization,
// token, JWKS, userinfo, logout); everything else — the API, the console, the login screens — is the Hono app.

function isProviderPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0]!;
  if (path === '/.well-known/openid-configuration') return true;
  return path.startsWith(`${OIDC_PREFIX}/`) && !path.startsWith(`${INTERACTION_PREFIX}/`);
}

/** What the server needs of the composed system: the Hono app and the identity provider to start. */
export type Servable = Readonly<{ app: { fetch: Parameters<typeof getRequestListener>[0] }; oidc: OidcSystem }>;

export type RunningServer = Readonly<{ url: string; port: number; server: Server; close(): Promise<void> }>;

/**
 * Listens, then starts the identity provider with `publicUrl` as its issuer — or, when none is given (tests on
 * port 0), with the address actually bound.
 */
export async function startServer(
  system: Servable,
  options: { port: number; host: string; publicUrl?: string | null; retry?: (step: () => Promise<void>) => Promise<void> },
): Promise<RunningServer> {
  const hono = getRequestListener(system.app.fetch);
  // The provider's Node handler, made once per provider instance (a restart of the provider makes a new one).
  let listener: { provider: object; handle: (req: IncomingMessage, res: ServerResponse) => void } | null = null;
  // The same limits as http-server.ts: large heads answered 431 in JSON, slow clients cut off.
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    const provider = system.oidc.provider;
    if (provider && isProviderPath(req.url)) {
      if (listener?.provider !== provider) listener = { provider, handle: provider.callback() };
      return listener.handle(req, res);
    }
    return void hono(req, res);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket as Socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // The provider's start reads and tidies its tables: the caller may retry it (a backend terminated at that moment).
  const retry = options.retry ?? ((step) => step());
  await retry(() => system.oidc.enable(url)).catch(async (error: unknown) => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  });
  return {
    url,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
