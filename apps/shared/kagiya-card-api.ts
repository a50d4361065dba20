// The one Kagiya API call a relying service makes besides OIDC: asking the card to sign
// (POST /api/v1/cards/{id}/sign). The card's password goes through Kagiya's shared PIN path; the service
// states who it is, through what and where, so the holder can see later who spent which try.

import type { CardFile } from './card-file.js';
import type { CardSignAnswer, CardSignRequest } from './kagiya-api-types.js';
import { refusal, refusalFromKagiya, type Refusal } from './refusal.js';

export type CallContext = Readonly<{ service: string; channel: string; terminal?: string }>;

export type CardSignature = Readonly<{ signature: Uint8Array; certificate: Uint8Array; algorithm: 'ECDSA-P256' | 'RSA-2048' }>;

export type SignResult = { ok: true; value: CardSignature } | { ok: false; refusal: Refusal };

export async function signWithCard(input: {
  kagiyaUrl: string;
  fetch?: typeof fetch;
  card: CardFile;
  password: string;
  digest: Uint8Array;
  context: CallContext;
  /** Only after the person ticked "use the last try" (issue #11); never on a retry of our own. */
  confirmLastTry?: boolean;
}): Promise<SignResult> {
  const doFetch = input.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(new URL(`/api/v1/cards/${encodeURIComponent(input.card.cardId)}/sign`, input.kagiyaUrl), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-card-key': input.card.cardKey,
        'x-kagiya-service': input.context.service,
        'x-kagiya-channel': input.context.channel,
        ...(input.context.terminal ? { 'x-kagiya-terminal': input.context.terminal } : {}),
      },
      body: JSON.stringify({
        pin: input.password,
        digest: Buffer.from(input.digest).toString('base64'),
        ...(input.confirmLastTry === true ? { confirmLastTry: true } : {}),
      } satisfies CardSignRequest),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) return { ok: false, refusal: refusalFromKagiya(body) };
  // Kagiya's answer as its OpenAPI document states it, still checked: a body that is not one is an outage.
  const v = body as Partial<CardSignAnswer>;
  if (typeof v.signature !== 'string' || typeof v.certificate !== 'string' || (v.algorithm !== 'ECDSA-P256' && v.algorithm !== 'RSA-2048')) {
    return { ok: false, refusal: refusal('KAGIYA_UNREACHABLE') };
  }
  return {
    ok: true,
    value: { signature: Buffer.from(v.signature, 'base64'), certificate: Buffer.from(v.certificate, 'base64'), algorithm: v.algorithm },
  };
}
