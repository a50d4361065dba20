import type { PinSlot } from '../domain/pin-slot.js';
import { validateNewPin } from '../domain/weak-pin.js';
import type { CounterDeps, ProcedureRecord } from './counter-ports.js';
import { applyStep, type StepContext } from './counter-step.js';
import { loadHolder } from './load-holder.js';
import { fail, type Outcome } from './outcome.js';

/**
 * Unlocking is re-setting (DOMAIN.md §4): every slot of the procedure gets its new PIN and a full counter, and
 * the procedure completes, in the caller's transaction. A weak or malformed PIN refuses the whole step and
 * names the slot and rule; the old value is allowed. Only the customer PIN pad calls this (src/app/pin-pad.ts):
 * staff never set a holder's PIN, and the domain refuses a `complete` not entered on the pad.
 */
export async function resetProcedurePins(
  deps: CounterDeps,
  ctx: StepContext,
  pins: Readonly<Partial<Record<PinSlot, string>>>,
): Promise<Outcome<ProcedureRecord>> {
  const { record, now, actor, stores } = ctx;
  const { procedure, cardId } = record;
  if (procedure.state !== 'awaiting_pins' || !cardId) return fail('PROCEDURE_INVALID_TRANSITION', { state: procedure.state, step: 'complete' });
  const holder = await loadHolder(deps.vault, stores.residents, procedure.residentId);
  if (!holder) return fail('NOT_FOUND', { resource: 'resident' });
  const hashed: { slot: PinSlot; pinHash: Uint8Array }[] = [];
  for (const slot of procedure.slots) {
    const raw = pins[slot];
    if (raw === undefined) return fail('INVALID_REQUEST', { field: `pins.${slot}`, reason: 'required' });
    const checked = validateNewPin(slot, raw, holder.pinContext);
    if (checked.kind === 'format') return fail('PIN_FORMAT', { slot, reason: checked.reason, triesSpent: 0 });
    if (checked.kind === 'weak') return fail('PIN_WEAK', { slot, rule: checked.rule });
    hashed.push({ slot, pinHash: deps.pinHasher.hash(cardId, slot, checked.pin) });
  }
  const extra = Object.keys(pins).filter((slot) => !procedure.slots.includes(slot as PinSlot));
  if (extra.length > 0) return fail('INVALID_REQUEST', { field: 'pins', reason: `not in this procedure: ${extra.join(', ')}` });

  const completed = await applyStep(ctx, { type: 'complete', enteredOn: 'pin_pad' }, {}, { cardId, channel: 'pin_pad' });
  if (!completed.ok) return completed;
  await stores.resets.resetPins({
    cardId,
    pins: hashed,
    now,
    procedureId: procedure.id,
    context: { channel: 'counter', service: `procedure:${procedure.applicantType}`, terminal: 'pin_pad', actor: actor.id },
  });
  return completed;
}
