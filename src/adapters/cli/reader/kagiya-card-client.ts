import { fromHex } from '../../../domain/apdu/command-apdu.js';

// The reader's side of Kagiya's reader-session API (see /api/openapi.json, "Card on a reader"). The card key
// goes with every call; the reader keeps no PIN, no key and no security state.

export type Text = { ja: string; en: string };
export type TraceEntry = { command: string; does: Text; sw: string; dataLength: number; means: Text; why: Text | null };
export type Exchange = { response: Uint8Array; trace: TraceEntry; notes: Text[] };
export type OpenedSession = { sessionId: string; atr: string; keyAlgorithm: string; blockedStatusWord: string; idleSeconds: number };
export type CardFile = { cardId: string; cardKey: string };

const READER_VERSION = '0.1.0';

export class KagiyaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: Text | null,
  ) {
    super(`${status} ${code}`);
  }
}

export function createCardClient(baseUrl: string, card: CardFile) {
  const root = `${baseUrl.replace(/\/+$/, '')}/api/v1/cards/${encodeURIComponent(card.cardId)}/reader-sessions`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${root}${path}`, {
      method,
      headers: { 'x-card-key': card.cardKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(20_000),
    });
    const json = (await res.json().catch(() => null)) as Record<string, any> | null;
    if (!res.ok) throw new KagiyaHttpError(res.status, json?.error?.code ?? 'HTTP_ERROR', json?.error?.messages ?? null);
    return json ?? {};
  };
  return {
    async open(terminal: string, blockedStatusWord: string): Promise<OpenedSession> {
      return (await call('POST', '', { terminal, blockedStatusWord })) as OpenedSession;
    },
    async transmit(sessionId: string, command: Uint8Array): Promise<Exchange> {
      const r = await call('POST', `/${sessionId}/apdu`, { command: Buffer.from(command).toString('hex') });
      const response = fromHex(String(r.response ?? ''));
      if (!response || response.length < 2) throw new KagiyaHttpError(502, 'BAD_RESPONSE', null);
      return { response, trace: r.trace as TraceEntry, notes: (r.notes ?? []) as Text[] };
    },
    async reset(sessionId: string): Promise<void> {
      await call('POST', `/${sessionId}/reset`);
    },
    async close(sessionId: string): Promise<void> {
      await call('DELETE', `/${sessionId}`);
    },
    /**
     * Tells Kagiya what the reader answered when the card refused (issue 11: client reports), with the card's key.
     * Never awaited by an APDU: a report that fails is lost, never the answer.
     */
    async report(input: { shownCode: string; terminal: string; statusWord: string }): Promise<void> {
      await fetch(`${baseUrl.replace(/\/+$/, '')}/api/v1/client-reports`, {
        method: 'POST',
        headers: { 'x-card-key': card.cardKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          cardId: card.cardId,
          shownCode: input.shownCode,
          app: 'kagiya-reader',
          appVersion: READER_VERSION,
          channel: 'ic-reader',
          terminal: input.terminal.slice(0, 64),
          detail: { statusWord: input.statusWord },
        }),
        signal: AbortSignal.timeout(3_000),
      })
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    },
  };
}

export type CardClient = ReturnType<typeof createCardClient>;
