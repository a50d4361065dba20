// The card file: the prototype's stand-in for holding the card (DESIGN.md), `{ "cardId": …, "cardKey": … }`.
// A resident pastes it or chooses the file; nothing here keeps or logs it.

import type { CardFile } from './kagiya-api-types.js';

export type { CardFile };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseCardFile(text: string): CardFile | null {
  if (text.length === 0 || text.length > 4096) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const { cardId, cardKey } = (value ?? {}) as Partial<Record<keyof CardFile, unknown>>;
  if (typeof cardId !== 'string' || !UUID.test(cardId)) return null;
  if (typeof cardKey !== 'string' || cardKey.length === 0 || cardKey.length > 128) return null;
  return { cardId: cardId.toLowerCase(), cardKey };
}
