import { createHmac } from 'node:crypto';
import Provider, { errors, interactionPolicy, type AccountClaims, type AdapterPayload, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AppDeps } from '../../app/ports.js';
import type { OidcDb } from '../db/oidc-schema.js';
import { accountClaims } from './account-claims.js';
import { ACR_CARD, ACR_CARD_SIGN } from './card-login.js';
import type { ClientStore } from './client-store.js';
import { kyselyAdapterFactory } from './kysely-adapter.js';
import type { OidcSecrets } from './oidc-secrets.js';
import { logoutPage, logoutSuccessPage, providerErrorPage } from './provider-pages.js';

// Kagiya's OpenID Connect provider (issue #9, DESIGN.md "Identity provider"), built on panva's oidc-provider: code
// flow with PKCE only, pairwise subjects per client, consent, RP-initiated logout; every model in our database.

export const OIDC_PREFIX = '/oidc';
export const INTERACTION_PREFIX = `${OIDC_PREFIX}/interaction`;
export const ME_RESOURCE_PATH = '/api/v1/me';
/** Resource-server scopes: the holder's own card through /api/v1/me (docs/decisions.md). */
export const CARD_SCOPES = ['kagiya_card', 'kagiya_card_manage', 'kagiya_resident_record'] as const;

export type OidcOptions = Readonly<{
  issuer: string;
  db: OidcDb;
  deps: AppDeps;
  clients: ClientStore;
  secrets: OidcSecrets;
}>;

const scopesOf = (ctx: KoaContextWithOIDC) => String(ctx.oidc.params?.scope ?? '').split(' ');

/**
 * Every authorization asks for the card again, as the real card does for each service: a session cookie alone never
 * logs a resident in to a service. The signing scope also needs the signing password proven in that same login.
 */
function policy() {
  const base = interactionPolicy.base();
  const login = base.get('login')!;
  login.checks.add(
    new interactionPolicy.Check('card_each_time', 'the card and its PIN are presented for every authorization', (ctx) =>
      ctx.oidc.result?.login ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT,
    ),
  );
  login.checks.add(
    new interactionPolicy.Check('sign_certificate_required', 'the signing scope needs the signing password', (ctx) =>
      scopesOf(ctx).includes('jpki_sign_attributes') && ctx.oidc.session?.acr !== ACR_CARD_SIGN
        ? interactionPolicy.Check.REQUEST_PROMPT
        : interactionPolicy.Check.NO_NEED_TO_PROMPT,
    ),
  );
  return base;
}

export function createOidcProvider(options: OidcOptions): Provider {
  const { issuer, db, deps, clients, secrets } = options;
  const meResource = `${issuer}${ME_RESOURCE_PATH}`;
  const Storage = kyselyAdapterFactory(db, deps.clock);

  // Clients come from the registry a national admin keeps (oidc_clients), never from a static list.
  class Adapter extends Storage {
    override async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.model !== 'Client') return super.find(id);
      const found = await clients.activeWithSecret(id);
      if (!found) return undefined;
      const { service, secret } = found;
      return {
        client_id: service.clientId,
        client_secret: secret,
        client_name: service.nameJa,
        redirect_uris: [...service.redirectUris],
        post_logout_redirect_uris: [...service.postLogoutRedirectUris],
        scope: service.scopes.join(' '),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        subject_type: 'pairwise',
        id_token_signed_response_alg: 'RS256',
      } as AdapterPayload;
    }
  }

  const configuration: Configuration = {
    adapter: Adapter,
    clients: [],
    jwks: { keys: secrets.signingKeys as never },
    cookies: { keys: secrets.cookieKeys, long: { signed: true }, short: { signed: true } },
    // The card scopes are listed too: a client's registered scope may only name scopes the provider knows. They
    // release no claims; access tokens carry them only for the /api/v1/me resource.
    scopes: ['openid', 'jpki_sign_attributes', ...CARD_SCOPES],
    claims: {
      openid: ['sub'],
      // The four attributes of the signing certificate (DOMAIN.md §2), released only with its consent scope.
      jpki_sign_attributes: ['name', 'address', 'birthdate', 'sex'],
    },
    // Claims of a granted scope go into the ID token too: relying services need not call userinfo.
    conformIdTokenClaims: false,
    acrValues: [ACR_CARD, ACR_CARD_SIGN],
    extraParams: ['kagiya_channel', 'kagiya_terminal'],
    subjectTypes: ['pairwise'],
    // Services cannot correlate a resident: the subject is an HMAC of the account under a secret salt, per sector
    // (the client's redirect host), so two services see two unrelated values (OIDC Core §8.1).
    pairwiseIdentifier: (_ctx, accountId, client) =>
      createHmac('sha256', secrets.pairwiseSalt).update(`${client.sectorIdentifier}\u0000${accountId}`).digest('base64url'),
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
    },
    pkce: { required: () => true },
    responseTypes: ['code'],
    routes: {
      authorization: `${OIDC_PREFIX}/auth`,
      token: `${OIDC_PREFIX}/token`,
      userinfo: `${OIDC_PREFIX}/me`,
      jwks: `${OIDC_PREFIX}/jwks`,
      end_session: `${OIDC_PREFIX}/session/end`,
      revocation: `${OIDC_PREFIX}/token/revocation`,
      introspection: `${OIDC_PREFIX}/token/introspection`,
      pushed_authorization_request: `${OIDC_PREFIX}/request`,
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PREFIX}/${interaction.uid}`, policy: policy() },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutPage, postLogoutSuccessSource: logoutSuccessPage },
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx) => (scopesOf(ctx).some((s) => (CARD_SCOPES as readonly string[]).includes(s)) ? meResource : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => {
          const allowed = String(client.scope ?? '').split(' ').filter((s) => (CARD_SCOPES as readonly string[]).includes(s));
          if (resource !== meResource || allowed.length === 0) throw new errors.InvalidTarget();
          return { scope: allowed.join(' '), audience: meResource, accessTokenFormat: 'opaque', accessTokenTTL: 600 };
        },
      },
    },
    async findAccount(_ctx, accountId) {
      // The account is the card (docs/decisions.md): one that is revoked or unknown has no account any more.
      const card = await deps.cards.findCard(accountId);
      if (!card || card.status === 'revoked') return undefined;
      return { accountId, claims: async (_use, scope) => (await accountClaims(deps, accountId, scope)) as AccountClaims };
    },
    clientBasedCORS: () => false,
    renderError: providerErrorPage,
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 3600,
      Grant: 30 * 24 * 3600,
      RefreshToken: 3600,
      ClientCredentials: 600,
      DeviceCode: 600,
      BackchannelAuthenticationRequest: 600,
    },
    enableHttpPostMethods: false,
  };
  const provider = new Provider(issuer, configuration);
  if (new URL(issuer).protocol === 'https:') provider.proxy = true;
  return provider;
}
