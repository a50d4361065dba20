// The kiosk's half of the PIN reset (DOMAIN.md §4): the card in hand and the reservation made in the portal within
// the last 24 hours; the new PIN is set through Kagiya's card API (GET/POST /api/v1/cards/{id}/kiosk-reset), which
// records the kiosk as channel and its terminal id.

import type { CardFile } from '../shared/card-file.js';
import type { KioskResetDone, KioskResetOpen } from '../shared/kagiya-api-types.js';
import { refusal, refusalFromKagiya, type Refusal } from '../shared/refusal.js';

export type KioskResetCall = Readonly<{ kagiyaUrl: string; card: CardFile; terminal: string; fetch?: typeof fetch }>;
type Answer<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

async function call<T>(input: KioskResetCall, method: 'GET' | 'POST', body?: unknown): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await (input.fetch ?? fetch)(new URL(`/api/v1/cards/${encodeURIComponent(input.card.cardId)}/kiosk-reset`, input.kagiyaUrl), {
      method,
      headers: {
        accept: 'application/json',
        'x-card-key': input.card.cardKey,
        'x-kagiya-service': 'konbini-certificates',
        'x-kagiya-channel': 'kiosk',
        'x-kagiya-terminal': input.terminal,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) return { ok: false, refusal: refusalFromKagiya(json) };
  const v = json as Partial<KioskResetOpen>;
  if (v?.slot !== 'sign' && v?.slot !== 'auth') return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
  return { ok: true, value: json as T };
}

export const findReservation = (input: KioskResetCall) => call<KioskResetOpen>(input, 'GET');
export const setNewPin = (input: KioskResetCall, newPin: string) => call<KioskResetDone>(input, 'POST', { newPin });
