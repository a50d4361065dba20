import type { Actor } from '../domain/actor.js';
import { cardState } from '../domain/card.js';
import type { CounterDeps, ProcedureRecord } from './counter-ports.js';
import { applyStep, withProcedure } from './counter-step.js';
import { fail, type Outcome } from './outcome.js';

/**
 * The card is presented at the counter: the card file must be the resident's own, usable, and hold every slot
 * to re-set. A revoked or expired card cannot be re-set; it is replaced.
 */
export function presentCard(
  deps: CounterDeps,
  actor: Actor,
  procedureId: string,
  input: { cardId: string; cardKey: string },
): Promise<Outcome<ProcedureRecord>> {
  return withProcedure(deps, actor, procedureId, async (ctx) => {
    const card = await ctx.stores.cards.findCardByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
    if (!card) return fail('CARD_REJECTED');
    // The clerk holds the card: saying it is another resident's (never whose) lets them ask for the right one.
    if (card.residentId !== ctx.record.procedure.residentId) return fail('CARD_REJECTED', { reason: 'OTHER_HOLDER' });
    const state = cardState(card.status, card.expiresAt, ctx.now);
    if (state === 'revoked') return fail('CARD_REVOKED');
    if (state === 'expired') return fail('CARD_EXPIRED');
    if (state === 'suspended') return fail('CARD_SUSPENDED');
    const overview = await ctx.stores.cards.overview(card.id);
    const missing = ctx.record.procedure.slots.find((slot) => !overview?.slots[slot]);
    if (missing) return fail('PIN_SLOT_ABSENT', { slot: missing });
    return applyStep(ctx, { type: 'present_card' }, { cardId: card.id }, { cardId: card.id });
  });
}
