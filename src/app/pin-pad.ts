import type { Actor } from '../domain/actor.js';
import { SLOT_SPECS, type PinSlot } from '../domain/pin-slot.js';
import { procedurePath, type ProcedurePath } from '../domain/procedure.js';
import type { CounterDeps, ProcedureRecord } from './counter-ports.js';
import { applyStep, auditEntry, withProcedure } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';
import { resetProcedurePins } from './reset-procedure-pins.js';
import { loadHolder } from './load-holder.js';
import { validateNewPin } from '../domain/weak-pin.js';

export const PIN_PAD_MINUTES = 15;

/**
 * Weak PINs refused (while checking or on 設定する) after which a pad closes. A weak-PIN answer names
 * the rule that matched, and one rule is "four digits in a row of the holder's My Number": an uncapped pad would let
 * whoever holds it read the My Number four digits at a time. Ten is more than a holder choosing four PINs needs;
 * staff open a new pad (an audited step) if it closes.
 */
export const PIN_PAD_MAX_REFUSALS = 10;

/**
 * What became of a procedure's newest pad, for the console: staff see why the holder's screen closed (its 15
 * minutes ran out, or it closed after PIN_PAD_MAX_REFUSALS weak PINs) and that a new pad is the way on.
 */
export type PinPadState = Readonly<{ state: 'open' | 'used' | 'expired' | 'closed_weak_pins'; expiresAt: Date; refusals: number }>;

export function pinPadState(pad: { expiresAt: Date; usedAt: Date | null; refusals: number }, now: Date): PinPadState {
  const state = pad.usedAt ? 'used' : pad.refusals >= PIN_PAD_MAX_REFUSALS ? 'closed_weak_pins' : pad.expiresAt.getTime() <= now.getTime() ? 'expired' : 'open';
  return { state, expiresAt: pad.expiresAt, refusals: pad.refusals };
}

/**
 * Opens the customer-facing PIN pad for the holder (DOMAIN.md §4: staff never see the new PINs). The token is
 * shown once, as the pad's address; only its hash is kept, and it works once, for 15 minutes. Opened again while
 * the procedure awaits the PINs (the pad expired, was lost, or closed after too many refused PINs), it replaces the
 * old one, whose address stops working.
 */
export function openPinPad(deps: CounterDeps, actor: Actor, procedureId: string): Promise<Outcome<{ record: ProcedureRecord; token: string; expiresAt: Date }>> {
  return withProcedure(deps, actor, procedureId, async (ctx) => {
    const stepped = await applyStep(ctx, { type: 'open_pin_pad' });
    if (!stepped.ok) return stepped;
    const token = deps.counterSecrets.newToken();
    const expiresAt = new Date(ctx.now.getTime() + PIN_PAD_MINUTES * 60_000);
    await ctx.stores.pinPads.closeOpen(procedureId, ctx.now);
    await ctx.stores.pinPads.create({ tokenHash: deps.counterSecrets.hashToken(token), procedureId, now: ctx.now, expiresAt });
    return ok({ record: stepped.value, token, expiresAt });
  });
}

/**
 * `path`: on `same_day` the holder types PINs they choose now; on `letter` the proxy types the PINs the holder wrote
 * in the concealed area of the sealed answer.
 */
export type PinPadView = Readonly<{ slots: ReadonlyArray<{ slot: PinSlot; nameJa: string; nameEn: string; digitsOnly: boolean }>; holderName: string; path: ProcedurePath; expiresAt?: Date }>;

/** What the PIN pad shows: the slots to set and the holder's name, nothing else. */
export async function viewPinPad(deps: CounterDeps, token: string): Promise<Outcome<PinPadView>> {
  const now = deps.clock();
  return deps.counter.read(async (stores) => {
    const procedureId = await stores.pinPads.find(deps.counterSecrets.hashToken(token), now);
    const record = procedureId ? await stores.procedures.get(procedureId) : null;
    if (!record || record.procedure.state !== 'awaiting_pins') return fail('PIN_PAD_EXPIRED');
    const resident = await stores.residents.findById(record.procedure.residentId);
    return ok({
      holderName: resident?.name ?? '',
      path: procedurePath(record.procedure),
      slots: record.procedure.slots.map((slot) => ({ slot, nameJa: SLOT_SPECS[slot].nameJa, nameEn: SLOT_SPECS[slot].nameEn, digitsOnly: slot !== 'sign' })),
    });
  });
}

/** The holder types the new PINs; they are reset atomically with the procedure's completion. */
export async function submitPinPad(deps: CounterDeps, token: string, pins: Readonly<Partial<Record<PinSlot, string>>>): Promise<Outcome<{ procedureId: string }>> {
  const now = deps.clock();
  const tokenHash = deps.counterSecrets.hashToken(token);
  const procedureId = await deps.counter.read((stores) => stores.pinPads.find(tokenHash, now));
  if (!procedureId) return fail('PIN_PAD_EXPIRED');
  const record = await deps.counter.read((stores) => stores.procedures.get(procedureId));
  if (!record) return fail('PIN_PAD_EXPIRED');
  const result = await withProcedure(deps, padActor(record), procedureId, async (ctx) => {
    // With the procedure row locked, the token is read again: a submission that waited on another one finds the
    // token used (or expired meanwhile), and is told so, not that the procedure moved on.
    if (!(await ctx.stores.pinPads.find(tokenHash, now))) return fail('PIN_PAD_EXPIRED');
    // A weak PIN writes nothing and leaves the pad usable, so the holder can choose again (up to PIN_PAD_MAX_REFUSALS).
    const reset = await resetProcedurePins(deps, ctx, pins);
    if (!reset.ok) return reset;
    // The procedure row is locked, so a second submission waits here and then finds the token used.
    if (!(await ctx.stores.pinPads.markUsed(tokenHash, now))) throw new Error('PIN pad token used concurrently');
    return reset;
  });
  if (result.ok) return ok({ procedureId });
  return isWeakPinAnswer(result.code) ? countRefusal(deps, tokenHash, now, result) : result;
}

// Only weak-PIN answers say something about the holder (which rule matched); a malformed PIN says nothing and is not counted.
const isWeakPinAnswer = (code: string) => code === 'PIN_WEAK';

/**
 * Counts a weak PIN refused on the pad; the refusal that reaches the cap answers PIN_PAD_EXPIRED (the pad is closed)
 * and is written to the audit log (`procedure.pin_pad_closed`), in the pad's name, so a pad used to probe the My
 * Number shows there.
 */
async function countRefusal<T>(deps: CounterDeps, tokenHash: Uint8Array, now: Date, refusal: Outcome<T>): Promise<Outcome<T>> {
  const counted = await deps.counter.run(async (stores) => {
    const result = await stores.pinPads.recordRefusal(tokenHash, now, PIN_PAD_MAX_REFUSALS);
    if (!result?.closed) return result;
    const record = await stores.procedures.get(result.procedureId);
    if (record) {
      const { procedure } = record;
      const target = { type: 'procedure', id: procedure.id, municipalityCode: procedure.municipalityCode };
      await stores.audit.append(auditEntry(padActor(record), now, 'procedure.pin_pad_closed', target, { reason: 'weak_pins', refusals: result.refusals, state: procedure.state }));
    }
    return result;
  });
  return !counted || counted.closed ? fail('PIN_PAD_EXPIRED') : refusal;
}

/** The pad acts for the clerk who last moved the procedure (who opened the pad); the audit names the pad as the channel. */
function padActor(record: ProcedureRecord): Actor {
  const lastStep = record.procedure.history.at(-1);
  return { id: lastStep?.by ?? record.procedure.openedBy, label: 'PIN pad', role: 'clerk', municipalityCode: record.procedure.municipalityCode };
}

/**
 * Checks one new PIN as the holder enters it, so a weak one is refused at once rather than after 設定する. Uses the
 * holder's birth date and My Number on the server (the pad never sees them); writes nothing, spends nothing.
 */
export async function checkPinPadPin(deps: CounterDeps, token: string, slot: PinSlot, pin: string): Promise<Outcome<{ slot: PinSlot }>> {
  const now = deps.clock();
  const tokenHash = deps.counterSecrets.hashToken(token);
  const result = await deps.counter.read(async (stores): Promise<Outcome<{ slot: PinSlot }>> => {
    const procedureId = await stores.pinPads.find(tokenHash, now);
    const record = procedureId ? await stores.procedures.get(procedureId) : null;
    if (!record || record.procedure.state !== 'awaiting_pins') return fail('PIN_PAD_EXPIRED');
    if (!record.procedure.slots.includes(slot)) return fail('INVALID_REQUEST', { field: 'slot' });
    const holder = await loadHolder(deps.vault, stores.residents, record.procedure.residentId);
    if (!holder) return fail('PIN_PAD_EXPIRED');
    const checked = validateNewPin(slot, pin, holder.pinContext);
    if (checked.kind === 'format') return fail('PIN_FORMAT', { slot, reason: checked.reason, triesSpent: 0 });
    if (checked.kind === 'weak') return fail('PIN_WEAK', { slot, rule: checked.rule });
    return ok({ slot });
  });
  if (result.ok || !isWeakPinAnswer(result.code)) return result;
  return countRefusal(deps, tokenHash, now, result);
}
