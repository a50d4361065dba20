// Request body limits per route (bytes). A body over its limit is answered 413 PAYLOAD_TOO_LARGE without reading
// past the limit. Each limit is a few times the largest honest body of its route.

type Limit = Readonly<{ method: string; path: RegExp; bytes: number; why: string }>;

const KIB = 1024;

export const DEFAULT_BODY_LIMIT = 16 * KIB;

const LIMITS: readonly Limit[] = [
  { method: 'POST', path: /^\/api\/v1\/staff\/session$/, bytes: 2 * KIB, why: 'login id, password and code; unauthenticated' },
  { method: 'POST', path: /^\/api\/v1\/cards\/[^/]+\/pins\/[^/]+\/[a-z-]+$/, bytes: 2 * KIB, why: 'one or two PINs' },
  { method: 'POST', path: /^\/api\/v1\/pinpad\/[^/]+(\/check)?$/, bytes: 2 * KIB, why: 'up to four PINs' },
  { method: 'POST', path: /^\/api\/v1\/cards\/[^/]+\/kiosk-reset$/, bytes: 2 * KIB, why: 'one new PIN' },
  { method: 'POST', path: /^\/api\/v1\/cards\/[^/]+\/kiosk-reset\/reservations$/, bytes: 2 * KIB, why: 'one PIN and a face-match result' },
  { method: 'POST', path: /^\/api\/v1\/cards\/[^/]+\/sign$/, bytes: 4 * KIB, why: 'a PIN and a base64 digest' },
  { method: 'POST', path: /^\/api\/v1\/client-reports$/, bytes: 4 * KIB, why: 'one report: a code, app, version, context and at most 10 short details' },
  { method: 'POST', path: /^\/oidc\/interaction\/[^/]+\/login$/, bytes: 64 * KIB, why: 'the card file (upload or paste) and two PINs, as a form' },
  { method: 'PUT', path: /^\/api\/v1\/municipalities\/[^/]+\/policy$/, bytes: 64 * KIB, why: 'a whole municipal policy' },
  { method: 'POST', path: /^\/api\/v1\/municipalities\/[^/]+\/policy$/, bytes: 64 * KIB, why: 'a whole municipal policy' },
];

export function bodyLimit(method: string, path: string): number {
  return LIMITS.find((l) => l.method === method && l.path.test(path))?.bytes ?? DEFAULT_BODY_LIMIT;
}

/** Largest request head (request line and headers) the server reads; a larger one is answered 431 in JSON. */
export const MAX_HEADER_BYTES = 16 * KIB;
