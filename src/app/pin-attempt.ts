import { gatePinEntry } from '../domain/card.js';
import type { ErrorCode } from '../domain/errors.js';
import { normalizePin } from '../domain/pin-format.js';
import type { PinSlot } from '../domain/pin-slot.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, EventContext } from './ports.js';

export type CardAccess = Readonly<{ cardId: string; cardKey: string }>;

/** A spent try still pending after this long is taken as interrupted (a crash, a lost reply): it stays spent. */
export const IN_FLIGHT_MS = 30_000;

export type PinAttemptInput = CardAccess &
  Readonly<{ slot: PinSlot; pin: string; operation: string; context: EventContext }>;

export type AcceptedPin = Readonly<{ slot: PinSlot; remaining: number; cardId: string; eventId: number }>;

/**
 * Every PIN entry, whatever operation it opens, goes through here: gate, format, spend, compare, finish.
 * The order is the rule (DOMAIN.md §1): a malformed PIN spends nothing; the try is spent and committed
 * before the compare; a locked slot answers the same whatever the PIN.
 */
export async function attemptPin(deps: AppDeps, input: PinAttemptInput): Promise<Outcome<AcceptedPin>> {
  const { cardId, slot, operation, context } = input;
  const normalized = normalizePin(slot, input.pin);
  const keyHash = deps.secrets.hashCardKey(input.cardKey);

  for (let round = 1; ; round += 1) {
    const now = deps.clock();
    const begun = await deps.cards.beginAttempt({ cardId, keyHash, slot, operation, context, now, spend: normalized.kind === 'ok' });
    if (!begun) return fail('CARD_REJECTED');

    const refuse = async (code: ErrorCode, details: Record<string, unknown>): Promise<Outcome<AcceptedPin>> => {
      await deps.cards.recordEvent({ cardId, occurredAt: now, operation, slot, result: 'refused', code, context, remainingAfter: begun.snapshot.slot?.remaining ?? null });
      return fail(code, details);
    };

    if (!begun.spent) {
      const refusal = gatePinEntry(begun.snapshot, slot, now);
      if (refusal !== 'PIN_LOCKED' && (refusal || normalized.kind === 'format')) {
        if (refusal) return refuse(refusal, { slot });
        return refuse('PIN_FORMAT', { slot, reason: normalized.kind === 'format' ? normalized.reason : 'EMPTY', triesSpent: 0 });
      }
      // No try could be spent. That is a lock only once every spent try has been compared: until then a match
      // may still restore them, and "locked" would be untrue (DOMAIN.md §3).
      const state = await deps.cards.lockState(cardId, slot, new Date(now.getTime() - IN_FLIGHT_MS));
      if (state.remaining > 0 || state.inFlight) {
        if (round < MAX_ROUNDS && normalized.kind === 'ok') {
          await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * round));
          continue;
        }
        return refuse('SERVICE_BUSY', { slot, reason: 'ATTEMPT_IN_PROGRESS', retryAfterSeconds: 1, triesSpent: 0 });
      }
      return refuse('PIN_LOCKED', { slot });
    }

    const { spent } = begun;
    const pin = normalized.kind === 'ok' ? normalized.pin : '';
    if (deps.pinHasher.matches(cardId, slot, pin, spent.pinHash)) {
      const remaining = await deps.cards.finishSuccess({ cardId, slot, seq: spent.seq, pinHash: spent.pinHash, eventId: spent.eventId, now });
      return ok({ slot, remaining, cardId, eventId: spent.eventId });
    }
    await deps.cards.finishFailure({ eventId: spent.eventId, remaining: spent.remaining });
    // The entry that spends the last try locks the slot; say so rather than "0 tries left".
    if (spent.remaining === 0) return fail('PIN_LOCKED', { slot, remaining: 0, lockedNow: true });
    return fail('PIN_INCORRECT', { slot, remaining: spent.remaining });
  }
}

const MAX_ROUNDS = 4;
const RETRY_DELAY_MS = 15;
