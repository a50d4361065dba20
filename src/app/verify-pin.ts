import type { PinSlot } from '../domain/pin-slot.js';
import { attemptPin, type CardAccess } from './pin-attempt.js';
import type { Outcome } from './outcome.js';
import type { AppDeps, EventContext } from './ports.js';

/** Checks a PIN and nothing more; the answer is the tries left (restored to max on a match). */
export async function verifyPin(
  deps: AppDeps,
  input: CardAccess & { slot: PinSlot; pin: string; context: EventContext; confirmLastTry?: boolean },
): Promise<Outcome<{ slot: PinSlot; remaining: number }>> {
  const result = await attemptPin(deps, { ...input, operation: 'verify' });
  return result.ok ? { ok: true, value: { slot: result.value.slot, remaining: result.value.remaining } } : result;
}
