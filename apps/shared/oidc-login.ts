// The relying service's side of "log in with the card": OpenID Connect code flow with PKCE (RFC 7636) through
// openid-client, configured from the issuer's discovery document alone (issuer URL + client credentials).
// Kagiya's login page takes the card and the PIN; the service never sees either.

import * as oidc from 'openid-client';
import { refusal, type Refusal } from './refusal.js';

export type OidcSettings = Readonly<{
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
  /** Extra authorization parameters (contracts: kagiya_channel, kagiya_terminal). */
  extraParams?: Readonly<Record<string, string>>;
  /** Test hook and plain-http issuers (the demo runs on http://127.0.0.1). */
  fetch?: typeof fetch;
}>;

/** What the browser's session keeps between the redirect and the callback. */
export type PendingLogin = Readonly<{ state: string; nonce: string; codeVerifier: string; returnTo: string }>;

export type LoggedIn = Readonly<{ sub: string; idToken: string; accessToken: string; claims: Readonly<Record<string, unknown>> }>;

export type OidcLogin = ReturnType<typeof createOidcLogin>;

export function createOidcLogin(settings: OidcSettings) {
  let configuration: Promise<oidc.Configuration> | undefined;

  function config(): Promise<oidc.Configuration> {
    if (!configuration) {
      const options: oidc.DiscoveryRequestOptions = {
        ...(new URL(settings.issuer).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
        ...(settings.fetch ? { [oidc.customFetch]: settings.fetch as oidc.CustomFetch } : {}),
      };
      configuration = oidc.discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret), options);
      // An issuer that was down must be asked again next time, not remembered as down.
      configuration.catch(() => {
        configuration = undefined;
      });
    }
    return configuration;
  }

  return {
    async start(returnTo: string, extra: Readonly<Record<string, string>> = {}): Promise<{ ok: true; url: URL; pending: PendingLogin } | { ok: false; refusal: Refusal }> {
      let c: oidc.Configuration;
      try {
        c = await config();
      } catch {
        return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
      }
      const pending: PendingLogin = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), returnTo };
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: settings.redirectUri,
        scope: settings.scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        ...settings.extraParams,
        ...extra,
      });
      return { ok: true, url, pending };
    },

    async finish(currentUrl: URL, pending: PendingLogin): Promise<{ ok: true; value: LoggedIn } | { ok: false; refusal: Refusal }> {
      let c: oidc.Configuration;
      try {
        c = await config();
      } catch {
        return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
      }
      try {
        const tokens = await oidc.authorizationCodeGrant(c, currentUrl, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims || !tokens.id_token) return { ok: false, refusal: refusal('LOGIN_FAILED') };
        return { ok: true, value: { sub: claims.sub, idToken: tokens.id_token, accessToken: tokens.access_token, claims: { ...claims } } };
      } catch (error) {
        // The provider's own refusal (e.g. the resident cancelled) or a failed check (state, nonce, signature).
        const code = error instanceof oidc.AuthorizationResponseError ? error.error : 'invalid_response';
        return { ok: false, refusal: refusal('LOGIN_FAILED', { oidcError: code }) };
      }
    },

    async userinfo(accessToken: string, sub: string): Promise<{ ok: true; value: Readonly<Record<string, unknown>> } | { ok: false; refusal: Refusal }> {
      try {
        return { ok: true, value: { ...(await oidc.fetchUserInfo(await config(), accessToken, sub)) } };
      } catch {
        return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
      }
    },

    /** RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0), or null when the provider has none. */
    async logoutUrl(idToken: string, postLogoutRedirectUri: string): Promise<URL | null> {
      try {
        return oidc.buildEndSessionUrl(await config(), { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri });
      } catch {
        return null;
      }
    },
  };
}
