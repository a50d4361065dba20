import type Provider from 'oidc-provider';
import type { ClientStore } from './client-store.js';

/**
 * The provider as the HTTP layer sees it. The issuer is Kagiya's public origin, known once the server listens, so
 * the provider is created then (`enable`); until that moment OIDC paths answer "service busy".
 */
export type OidcRuntime = {
  provider: Provider | null;
  readonly clients: ClientStore;
  /** The holder's card behind an access token for /api/v1/me, with the token's client and scopes; null if none. */
  verifyAccessToken(token: string): Promise<{ cardId: string; clientId: string; scopes: string[] } | null>;
};
