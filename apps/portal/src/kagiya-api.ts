import type { CardReadiness, HolderClientReports, KioskResetReservation, KioskResetReservationRequest, HolderCard, HolderEvents, HolderPinChange, HolderPinChanged, KagiyaError, KagiyaErrorBody, ReportedLost } from '../../shared/kagiya-api-types.js';

// Kagiya's holder resource (/api/v1/me), reached with the access token Kagiya issued to the portal for it.
// Types are Kagiya's OpenAPI document's, generated (apps/shared/kagiya-api-types.ts); see docs/decisions.md.

export type { CardReadiness, CertStatus, HolderCard, KioskResetReservation, SlotStatus } from '../../shared/kagiya-api-types.js';

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
  /** `auth`: the access token of the login, or the card key for the card routes (no login needed). */
  async function call<T>(method: string, path: string, auth: string | { cardKey: string }, body?: unknown): Promise<Answer<T>> {
    let res: Response;
    const credential: Record<string, string> = typeof auth === 'string' ? { authorization: `Bearer ${auth}` } : { 'x-card-key': auth.cardKey, 'x-kagiya-service': 'portal' };
    try {
      res = await fetch(`${issuer}${path}`, {
        method,
        headers: { ...credential, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
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
    health: (token: string, on: string | null) => call<CardReadiness>('GET', `/api/v1/me/card/health${on ? `?on=${encodeURIComponent(on)}` : ''}`, token),
    reserveKioskReset: (card: { cardId: string; cardKey: string }, body: KioskResetReservationRequest) =>
      call<KioskResetReservation>('POST', `/api/v1/cards/${encodeURIComponent(card.cardId)}/kiosk-reset/reservations`, { cardKey: card.cardKey }, body),
  };
}

export type KagiyaApi = ReturnType<typeof kagiyaApi>;
