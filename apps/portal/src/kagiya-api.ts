import type { CardEvent } from './history.js';

// Kagiya's holder resource (/api/v1/me), reached with the access token Kagiya issued to the portal for it.
// Types follow Kagiya's OpenAPI document (HolderCard, CardEvent); see docs/decisions.md.

export type SlotStatus = Readonly<{ remaining: number; max: number; locked: boolean; lockedAt: string | null }>;
export type CertStatus = Readonly<{ status: string; notAfter: string | null; serialNumber: string | null; statusChangedAt: string | null; reason: string | null }>;
export type HolderCard = Readonly<{
  cardId: string;
  status: string;
  issuedAt: string;
  expiresAt: string;
  pins: Readonly<Record<'auth' | 'sign' | 'assist' | 'juki', SlotStatus | null>>;
  certificates: Readonly<Record<'auth' | 'sign', CertStatus>>;
  municipality: Readonly<{ code: string; nameJa: string; nameEn: string }>;
  guidanceUrl: string;
}>;

/** Kagiya's refusal, as its API states it: one code, details, and the message in both languages. */
export type Refusal = Readonly<{ code: string; messages: { ja: string; en: string }; slot?: string; remaining?: number; [k: string]: unknown }>;

export type Answer<T> = { ok: true; value: T } | { ok: false; status: number; refusal: Refusal };

const OUTAGE: Refusal = {
  code: 'SERVICE_BUSY',
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
    const json = (await res.json().catch(() => null)) as { error?: Refusal } | null;
    if (res.ok && json) return { ok: true, value: json as T };
    return { ok: false, status: res.status, refusal: json?.error ?? OUTAGE };
  }
  return {
    card: (token: string) => call<HolderCard>('GET', '/api/v1/me/card', token),
    events: (token: string) => call<{ events: CardEvent[] }>('GET', '/api/v1/me/events?limit=200', token),
    changePin: (token: string, slot: string, body: { cardKey: string; currentPin: string; newPin: string }) =>
      call<{ slot: string; remaining: number }>('POST', `/api/v1/me/pins/${encodeURIComponent(slot)}/change`, token, body),
    reportLost: (token: string) => call<{ status: string }>('POST', '/api/v1/me/report-lost', token),
  };
}

export type KagiyaApi = ReturnType<typeof kagiyaApi>;
