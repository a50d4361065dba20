// "Who spent my tries": the attempt history read from Kagiya, grouped the way a person asks about it.

import type { CardEvent as KagiyaCardEvent } from '../../shared/kagiya-api-types.js';

/**
 * An attempt as Kagiya's OpenAPI document states it (GET /api/v1/me/events). Kagiya no longer answers
 * `pending` (migration 0003 settled those as `incorrect`); the portal still counts one as a spent try.
 */
export type CardEvent = Omit<KagiyaCardEvent, 'result'> & Readonly<{ result: KagiyaCardEvent['result'] | 'pending' }>;

/** Results that spent a try. A pending attempt was interrupted after its try was spent: it stays spent. */
const SPENT = new Set(['incorrect', 'pending']);
/** Operations that write a PIN and restore its counter (Kagiya's event vocabulary). */
const PIN_WRITES = new Set(['issue', 'pin_set', 'counter_reset', 'kiosk_reset']);

/**
 * The failed attempts on `slot` since its last success or reset (events newest first): these are the tries that
 * are gone now. A success, or a new PIN set at the counter or online, restores the counter.
 */
export function failuresSinceLastSuccess(events: readonly CardEvent[], slot: string): CardEvent[] {
  const failures: CardEvent[] = [];
  for (const e of events) {
    if (e.slot !== slot) continue;
    if (e.result === 'success' || (e.result === 'done' && PIN_WRITES.has(e.operation))) break;
    if (SPENT.has(e.result)) failures.push(e);
  }
  return failures;
}

/** Attempts that reached a PIN, counted by service and channel: where tries were used. */
export function attemptsBySource(events: readonly CardEvent[]): { service: string | null; channel: string | null; attempts: number; failures: number }[] {
  const rows = new Map<string, { service: string | null; channel: string | null; attempts: number; failures: number }>();
  for (const e of events) {
    if (e.slot === null) continue;
    const key = `${e.service ?? ''}\u0000${e.channel ?? ''}`;
    const row = rows.get(key) ?? { service: e.service, channel: e.channel, attempts: 0, failures: 0 };
    row.attempts += 1;
    if (SPENT.has(e.result)) row.failures += 1;
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.failures - a.failures || b.attempts - a.attempts);
}
