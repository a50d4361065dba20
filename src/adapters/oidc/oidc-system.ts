import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../app/ports.js';
import type { RelyingServiceDeps } from '../../app/relying-services.js';
import type { Db } from '../db/create-db.js';
import { oidcDb } from '../db/oidc-schema.js';
import { createSecretBox, deriveKey } from '../pki/secret-box.js';
import { createClientStore } from './client-store.js';
import { createOidcProvider, ME_RESOURCE_PATH } from './create-provider.js';
import { purgeExpiredModels } from './kysely-adapter.js';
import { loadOrCreateOidcSecrets } from './oidc-secrets.js';
import type { OidcRuntime } from './oidc-runtime.js';

export type OidcSystem = OidcRuntime & {
  readonly relyingServiceDeps: RelyingServiceDeps;
  /** Creates the provider for `issuer` (Kagiya's public origin); call once the server's address is known. */
  enable(issuer: string): Promise<void>;
};

export function createOidcSystem(db: Db, deps: AppDeps, masterKey: Uint8Array): OidcSystem {
  const odb = oidcDb(db);
  const box = createSecretBox(deriveKey(masterKey, 'oidc'));
  const clients = createClientStore(odb, box);
  let meResource = '';
  const runtime: OidcSystem = {
    provider: null,
    clients,
    relyingServiceDeps: { clock: deps.clock, audit: deps.audit, relyingServices: clients, newClientSecret: () => randomBytes(32).toString('base64url') },
    async enable(issuer) {
      const secrets = await loadOrCreateOidcSecrets(odb, box, deps.clock());
      await purgeExpiredModels(odb, deps.clock());
      meResource = `${issuer}${ME_RESOURCE_PATH}`;
      runtime.provider = createOidcProvider({ issuer, db: odb, deps, clients, secrets });
    },
    async verifyAccessToken(token) {
      const provider = runtime.provider;
      if (!provider || token.length > 512) return null;
      const found = await provider.AccessToken.find(token);
      if (!found || found.isExpired) return null;
      // The token must have been issued for this resource (RFC 8707 audience), to a client still enabled.
      const aud = [found.aud ?? []].flat();
      if (!aud.includes(meResource) || !found.clientId) return null;
      if (!(await clients.activeWithSecret(found.clientId))) return null;
      return { cardId: found.accountId, clientId: found.clientId, scopes: String(found.scope ?? '').split(' ').filter(Boolean) };
    },
  };
  return runtime;
}
