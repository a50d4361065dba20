import { registerRelyingService } from '../../src/app/relying-services.js';
import { startServer, type RunningServer } from '../../src/adapters/http/node-server.js';
import type { Actor } from '../../src/domain/actor.js';
import { api } from './api.js';
import { createTestSystem, type StoreKind } from './test-db.js';


const ADMIN: Actor = { id: 'test-admin', label: 'test admin', role: 'national_admin', municipalityCode: null };

export type TestClient = Readonly<{ clientId: string; clientSecret: string; redirectUri: string; postLogoutRedirectUri: string }>;

/** Kagiya with its identity provider on a real socket (port 0); the issuer is the address bound. */
export async function startOidcServer(store: StoreKind, options: { clock?: () => Date } = {}) {
  const system = await createTestSystem(store, options.clock ? { clock: options.clock } : {});
  const server: RunningServer = await startServer(system, { port: 0, host: '127.0.0.1' });
  return {
    system,
    server,
    issuer: server.url,
    http: api(system),
    /** Registers a relying service through the same use case the admin API uses. */
    async registerClient(clientId: string, redirectBase: string, scopes: string[] = ['openid']): Promise<TestClient> {
      const r = await registerRelyingService(system.oidc.relyingServiceDeps, ADMIN, {
        clientId,
        nameJa: `テスト ${clientId}`,
        nameEn: `Test ${clientId}`,
        redirectUris: [`${redirectBase}/callback`],
        postLogoutRedirectUris: [`${redirectBase}/`],
        scopes,
      });
      if (!r.ok) throw new Error(`register ${clientId}: ${r.code}`);
      return { clientId, clientSecret: r.value.clientSecret, redirectUri: `${redirectBase}/callback`, postLogoutRedirectUri: `${redirectBase}/` };
    },
    async close() {
      await server.close();
      await system.dispose();
    },
  };
}

export type OidcServer = Awaited<ReturnType<typeof startOidcServer>>;
