import { checkServiceHours } from '../domain/kiosk-hours.js';
import { kioskResetRefusal, reservationVerdict, type KioskResetSlot } from '../domain/kiosk-reset.js';
import { validateNewPin } from '../domain/weak-pin.js';
import type { KioskResetDeps } from './kiosk-reset-ports.js';
import { loadHolder } from './load-holder.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { CardAccess } from './pin-attempt.js';
import type { CardOverview, EventContext } from './ports.js';

// At the kiosk (DOMAIN.md §4): the card in hand and an open reservation made within the last 24 hours; the kiosk
// asks for no old PIN. Open 06:30–23:00 JST.

export type OpenKioskReset = Readonly<{ slot: KioskResetSlot; expiresAt: Date }>;

function hoursRefusal(deps: KioskResetDeps): Outcome<never> | null {
  if (deps.kioskHours === 'always') return null;
  const v = checkServiceHours(deps.clock());
  return v.open ? null : fail('KIOSK_OUTSIDE_HOURS', { opensAt: v.opensAt, closesAt: v.closesAt });
}

type Checked = { overview: CardOverview; open: OpenKioskReset & { id: string } };

/** Hours, card, reservation and card conditions, in that order; nothing here spends a try or writes. */
async function check(deps: KioskResetDeps, access: CardAccess): Promise<Outcome<Checked>> {
  const closed = hoursRefusal(deps);
  if (closed) return closed;
  const overview = await deps.cards.overviewByKey(access.cardId, deps.secrets.hashCardKey(access.cardKey));
  if (!overview) return fail('CARD_REJECTED');
  const now = deps.clock();
  const verdict = reservationVerdict(await deps.atomically((tx) => tx.kioskResets.latest(access.cardId)), now);
  if (verdict.kind === 'refused') return fail(verdict.code, { triesSpent: 0 });
  const slot = verdict.reservation.slot;
  const refused = kioskResetRefusal({ status: overview.card.status, expiresAt: overview.card.expiresAt, slots: overview.slots, certificates: overview.certificates }, slot, now);
  if (refused) {
    const { code, ...details } = refused;
    return fail(code, { ...details, triesSpent: 0 });
  }
  return ok({ overview, open: { id: verdict.reservation.id, slot, expiresAt: verdict.reservation.expiresAt } });
}

/** What the kiosk shows before asking for the new PIN: which PIN is reserved and until when. */
export async function findKioskReset(deps: KioskResetDeps, access: CardAccess): Promise<Outcome<OpenKioskReset>> {
  const checked = await check(deps, access);
  if (!checked.ok) return checked;
  return ok({ slot: checked.value.open.slot, expiresAt: checked.value.open.expiresAt });
}

/**
 * Sets the new PIN of the reserved slot. Weak-PIN rules apply before anything is written; then, in one transaction,
 * the reservation row is locked and re-checked, marked used, and the slot re-set with its counter restored (the
 * card store's one-step re-set) with the `kiosk_reset` event, plus the audit entry.
 */
export async function completeKioskReset(
  deps: KioskResetDeps,
  input: CardAccess & { newPin: string; context: EventContext },
): Promise<Outcome<{ slot: KioskResetSlot; remaining: number }>> {
  const checked = await check(deps, input);
  if (!checked.ok) return checked;
  const { overview, open } = checked.value;
  const holder = await loadHolder(deps.vault, deps.residents, overview.card.residentId);
  if (!holder) return fail('CARD_REJECTED');
  const next = validateNewPin(open.slot, input.newPin, holder.pinContext);
  if (next.kind === 'format') return fail('PIN_FORMAT', { slot: open.slot, reason: next.reason, triesSpent: 0, field: 'newPin' });
  if (next.kind === 'weak') return fail('PIN_WEAK', { slot: open.slot, rule: next.rule, triesSpent: 0 });
  const pinHash = deps.pinHasher.hash(input.cardId, open.slot, next.pin);

  const done = await deps.atomically(async (tx): Promise<Outcome<{ slot: KioskResetSlot; remaining: number }>> => {
    const now = tx.clock();
    const verdict = reservationVerdict(await tx.kioskResets.latest(input.cardId, { forUpdate: true }), now);
    if (verdict.kind === 'refused') return fail(verdict.code, { triesSpent: 0 });
    // A newer reservation (another slot) replaced the one checked above: start again at the kiosk.
    if (verdict.reservation.id !== open.id) return fail('KIOSK_RESET_USED', { triesSpent: 0 });
    if (!(await tx.kioskResets.markUsed({ id: open.id, now, terminal: input.context.terminal }))) return fail('KIOSK_RESET_USED', { triesSpent: 0 });
    await tx.cards.setPin({
      cardId: input.cardId,
      slot: open.slot,
      pinHash,
      now,
      event: {
        cardId: input.cardId,
        occurredAt: now,
        operation: 'kiosk_reset',
        slot: open.slot,
        result: 'success',
        code: null,
        context: { ...input.context, actor: 'holder' },
        detail: { reservationId: open.id },
      },
    });
    await tx.audit({
      actor: { id: 'holder', role: 'holder' },
      action: 'card.kiosk_reset',
      target: { type: 'card', id: input.cardId, municipalityCode: holder.resident.municipalityCode },
      detail: { slot: open.slot, reservationId: open.id, terminal: input.context.terminal, via: input.context.service },
    });
    return ok({ slot: open.slot, remaining: overview.slots[open.slot]?.max ?? 0 });
  });
  return done;
}
