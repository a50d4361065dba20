import * as client from 'openid-client';

// The portal as an OpenID Connect client of Kagiya (openid-client): code flow with PKCE, state and nonce.

export const PORTAL_SCOPE = 'openid kagiya_card kagiya_card_manage';

export type Pending = Readonly<{ verifier: string; state: string; nonce: string }>;

export function relyingParty(options: { issuer: string; clientId: string; clientSecret: string }) {
  let config: Promise<client.Configuration> | null = null;
  // Discovered on first use, so the portal can start before Kagiya answers; a failed discovery is retried next time.
  const discovered = () => {
    config ??= client
      .discovery(new URL(options.issuer), options.clientId, options.clientSecret, undefined, {
        ...(new URL(options.issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        config = null;
        throw error;
      });
    return config;
  };

  return {
    async authorizationUrl(redirectUri: string, lang: string): Promise<{ url: URL; pending: Pending }> {
      const c = await discovered();
      const pending = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: PORTAL_SCOPE,
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
        ui_locales: lang,
        kagiya_channel: 'pc',
      });
      return { url, pending };
    },
    async finish(callbackUrl: URL, pending: Pending) {
      const c = await discovered();
      const tokens = await client.authorizationCodeGrant(c, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      return { accessToken: tokens.access_token, idToken: tokens.id_token!, sub: tokens.claims()!.sub, expiresAt: Date.now() + (tokens.expiresIn() ?? 600) * 1000 };
    },
    async logoutUrl(idToken: string, postLogoutRedirectUri: string, lang: string): Promise<URL> {
      const c = await discovered();
      return client.buildEndSessionUrl(c, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri, ui_locales: lang });
    },
  };
}
