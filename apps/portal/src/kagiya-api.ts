import type { HolderClientReports, HolderCard, HolderEvents, HolderPinChange, HolderPinChanged, KagiyaError, KagiyaErrorBody, ReportedLost } from '../../shared/kagiya-api-types.js';

// Kagiya's holder resource (/api/v1/me), reached with the access token Kagiya issued to the portal for it.
// Types are Kagiya's OpenAPI document's, generated (apps/shared/kagiya-api-types.ts); see docs/decisions.md.

export type { CertStatus, HolderCard, SlotStatus } from '../../shared/kagiya-api-types.js';

/** Kagiya's refusal, as its API states it: one code, details, and the message in both languages. */
export type Refusal = KagiyaError;

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; refusal: Refusal };

const OUTAGE: Refusal = {
  code: 'SERVICE_BUSY',
  message: '鍵屋に接続できませんでした。こちら側の問題であり、暗証番号のロックではありません。しばらくしてからもう一度お試しください。',
  messages: {
    ja: '鍵屋に接続できませんでした。こちら側の問題であり、暗証番号のロックではありません。しばらくしてからもう一度お試しください。',
    en: 'Kagiya could not be reached. This is a problem on our side, not a PIN lock. Please try again later.',
  },
};

export function kagiyaApi(issuer: string) {
  async function call<T>(method: string, path: string, token: string, body?: unknown): Promise<Answer<T>> {
    let res: Response;
    try {
      res = await fetch(`${issuer}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch {
      return { ok: false, status: 503, refusal: OUTAGE };
    }
    const json = (await res.json().catch(() => null)) as Partial<KagiyaErrorBody> | null;
    if (res.ok && json) return { ok: true, value: json as T };
    return { ok: false, status: res.status, refusal: json?.error ?? OUTAGE };
  }
  return {
    card: (token: string) => call<HolderCard>('GET', '/api/v1/me/card', token),
    events: (token: string) => call<HolderEvents>('GET', '/api/v1/me/events?limit=200', token),
    changePin: (token: string, slot: string, body: HolderPinChange) =>
      call<HolderPinChanged>('POST', `/api/v1/me/pins/${encodeURIComponent(slot)}/change`, token, body),
    reportLost: (token: string) => call<ReportedLost>('POST', '/api/v1/me/report-lost', token),
    clientReports: (token: string) => call<HolderClientReports>('GET', '/api/v1/me/client-reports', token),
  };
}

export type KagiyaApi = ReturnType<typeof kagiyaApi>;
