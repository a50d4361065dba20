import { loadHolder } from './load-holder.js';
import { fail, ok, type Outcome } from './outcome.js';
import { attemptPin, type CardAccess } from './pin-attempt.js';
import type { AppDeps, EventContext, Sex } from './ports.js';

export type CardAttributes = Readonly<{ myNumber: string; name: string; address: string; birthDate: string; sex: Sex }>;

/** Form auto-fill (DOMAIN.md §5): the `assist` PIN releases the My Number and the 4 basic attributes as text. */
export async function readCardAttributes(
  deps: AppDeps,
  input: CardAccess & { pin: string; context: EventContext; confirmLastTry?: boolean },
): Promise<Outcome<CardAttributes>> {
  const verified = await attemptPin(deps, { ...input, slot: 'assist', operation: 'read_attributes' });
  if (!verified.ok) return verified;
  const card = await deps.cards.findCard(input.cardId);
  const holder = card && (await loadHolder(deps.vault, deps.residents, card.residentId));
  if (!holder) return fail('CARD_REJECTED');
  const { resident, myNumber } = holder;
  return ok({ myNumber, name: resident.name, address: resident.address, birthDate: resident.birthDate, sex: resident.sex });
}
