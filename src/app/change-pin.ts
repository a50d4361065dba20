import type { PinSlot } from '../domain/pin-slot.js';
import { validateNewPin } from '../domain/weak-pin.js';
import { loadHolder } from './load-holder.js';
import { fail, ok, type Outcome } from './outcome.js';
import { attemptPin, type CardAccess } from './pin-attempt.js';
import type { AppDeps, EventContext } from './ports.js';

/**
 * Online change (DOMAIN.md §4): the current PIN must be known and the slot not locked. The new value is
 * checked first, so a weak or malformed new PIN spends no try; the current PIN then counts as a verify.
 */
export async function changePin(
  deps: AppDeps,
  input: CardAccess & { slot: PinSlot; currentPin: string; newPin: string; context: EventContext; confirmLastTry?: boolean },
): Promise<Outcome<{ slot: PinSlot; remaining: number }>> {
  const card = await deps.cards.findCardByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
  if (!card) return fail('CARD_REJECTED');
  const holder = await loadHolder(deps.vault, deps.residents, card.residentId);
  if (!holder) return fail('CARD_REJECTED');
  const next = validateNewPin(input.slot, input.newPin, holder.pinContext);
  if (next.kind === 'format') return fail('PIN_FORMAT', { slot: input.slot, reason: next.reason, triesSpent: 0, field: 'newPin' });
  if (next.kind === 'weak') return fail('PIN_WEAK', { slot: input.slot, rule: next.rule, triesSpent: 0 });

  const verified = await attemptPin(deps, { ...input, pin: input.currentPin, operation: 'change_pin' });
  if (!verified.ok) return verified;
  const now = deps.clock();
  await deps.cards.setPin({
    cardId: input.cardId,
    slot: input.slot,
    pinHash: deps.pinHasher.hash(input.cardId, input.slot, next.pin),
    now,
    event: { cardId: input.cardId, occurredAt: now, operation: 'pin_set', slot: input.slot, result: 'done', code: null, context: input.context },
  });
  const overview = await deps.cards.overview(input.cardId);
  return ok({ slot: input.slot, remaining: overview?.slots[input.slot]?.remaining ?? 0 });
}
