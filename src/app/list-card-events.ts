import { fail, ok, type Outcome } from './outcome.js';
import type { CardAccess } from './pin-attempt.js';
import type { AppDeps, CardEvent } from './ports.js';

/** Who spent which try, when, through what, with what result: the holder may always see it. */
export async function listCardEvents(
  deps: AppDeps,
  input: CardAccess & { limit: number; beforeId?: number },
): Promise<Outcome<{ events: CardEvent[] }>> {
  const card = await deps.cards.findCardByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
  if (!card) return fail('CARD_REJECTED');
  const events = await deps.cards.listEvents(card.id, {
    limit: input.limit,
    ...(input.beforeId !== undefined ? { beforeId: input.beforeId } : {}),
  });
  return ok({ events });
}
