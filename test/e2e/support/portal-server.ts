import { createServer } from 'node:net';
import { startPortal } from '../../../apps/portal/src/server.js';
import { startOidcServer } from '../../support/oidc-server.js';
import { POSTGRES_ENABLED } from '../../support/test-db.js';

/** A free port chosen by the OS, for a relying service whose redirect URI must be registered before it starts. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Kagiya with its provider, and the resident portal registered as its `portal` client, both on real sockets. */
export async function startPortalStack() {
  const kagiya = await startOidcServer(POSTGRES_ENABLED ? 'postgres' : 'pglite');
  const port = await freePort();
  const client = await kagiya.registerClient('portal', `http://127.0.0.1:${port}`, ['openid', 'kagiya_card', 'kagiya_card_manage']);
  const portal = await startPortal({ port, host: '127.0.0.1', issuer: kagiya.issuer, clientId: client.clientId, clientSecret: client.clientSecret });
  return {
    kagiya,
    portal,
    async close() {
      await portal.close();
      await kagiya.close();
    },
  };
}

export type PortalStack = Awaited<ReturnType<typeof startPortalStack>>;
