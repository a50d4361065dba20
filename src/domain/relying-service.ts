// Relying services: the OIDC clients a national admin registers (issue #9). Pure validation of what is registered.

/** Scopes a relying service may be allowed to ask for. `openid` is always included. */
export const SERVICE_SCOPES = ['openid', 'jpki_sign_attributes', 'kagiya_card', 'kagiya_card_manage', 'kagiya_resident_record'] as const;
export type ServiceScope = (typeof SERVICE_SCOPES)[number];

export type RelyingServiceInput = Readonly<{
  clientId: string;
  nameJa: string;
  nameEn: string;
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  scopes: readonly string[];
}>;

export type RelyingService = RelyingServiceInput &
  Readonly<{ createdAt: Date; createdBy: string; updatedAt: Date; disabledAt: Date | null }>;

export type ServiceProblem = Readonly<{ field: string; reason: string }>;

const CLIENT_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * A redirect URI is an absolute http(s) URL without a fragment (RFC 6749 §3.1.2). Plain http is accepted only for
 * loopback hosts, as for native and development clients (RFC 8252 §7.3); anything public must use https.
 */
export function redirectUriProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'NOT_A_URL';
  }
  if (url.hash || value.includes('#')) return 'FRAGMENT';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  return 'HTTPS_REQUIRED';
}

export function validateRelyingService(input: RelyingServiceInput): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  if (!CLIENT_ID.test(input.clientId)) problems.push({ field: 'clientId', reason: 'FORMAT' });
  for (const field of ['nameJa', 'nameEn'] as const) {
    const name = input[field].trim();
    if (name.length === 0 || name.length > 80) problems.push({ field, reason: 'LENGTH' });
  }
  if (input.redirectUris.length === 0 || input.redirectUris.length > 10) problems.push({ field: 'redirectUris', reason: 'COUNT' });
  input.redirectUris.forEach((uri, i) => {
    const reason = redirectUriProblem(uri);
    if (reason) problems.push({ field: `redirectUris.${i}`, reason });
  });
  if (input.postLogoutRedirectUris.length > 10) problems.push({ field: 'postLogoutRedirectUris', reason: 'COUNT' });
  input.postLogoutRedirectUris.forEach((uri, i) => {
    const reason = redirectUriProblem(uri);
    if (reason) problems.push({ field: `postLogoutRedirectUris.${i}`, reason });
  });
  input.scopes.forEach((scope, i) => {
    if (!(SERVICE_SCOPES as readonly string[]).includes(scope)) problems.push({ field: `scopes.${i}`, reason: 'UNKNOWN_SCOPE' });
  });
  return problems;
}

/** The scopes as stored: `openid` first, no duplicates, in the fixed order. */
export function normalizeScopes(scopes: readonly string[]): ServiceScope[] {
  return SERVICE_SCOPES.filter((s) => s === 'openid' || scopes.includes(s));
}
