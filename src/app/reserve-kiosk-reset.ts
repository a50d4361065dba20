import { kioskResetRefusal, otherCertificateSlot, RESERVATION_VALID_MS, type FaceMatchResult, type KioskResetSlot } from '../domain/kiosk-reset.js';
import type { KioskResetDeps } from './kiosk-reset-ports.js';
import { fail, ok, type Outcome } from './outcome.js';
import { attemptPin, type CardAccess } from './pin-attempt.js';
import type { EventContext } from './ports.js';

export type KioskResetReservation = Readonly<{ reservationId: string; slot: KioskResetSlot; verifiedSlot: KioskResetSlot; expiresAt: Date }>;

/**
 * Reserves a kiosk reset of `slot` (DOMAIN.md §4): with the card, the other certificate's PIN and a face match.
 * Everything that can be refused without a PIN is refused first, spending nothing (card, certificates, both PINs
 * locked, face match). The other PIN is then a real entry through the one PIN-entry statement: a wrong one spends
 * a try there, as anywhere. Only a right one records the reservation (24 hours) and its `kiosk_reset_reserved` event.
 */
export async function reserveKioskReset(
  deps: KioskResetDeps,
  input: CardAccess & { slot: KioskResetSlot; otherPin: string; faceMatch: FaceMatchResult; context: EventContext; confirmLastTry?: boolean },
): Promise<Outcome<KioskResetReservation>> {
  const overview = await deps.cards.overviewByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
  if (!overview) return fail('CARD_REJECTED');
  const card = { status: overview.card.status, expiresAt: overview.card.expiresAt, slots: overview.slots, certificates: overview.certificates };
  const refused = kioskResetRefusal(card, input.slot, deps.clock(), input.faceMatch);
  if (refused) {
    const { code, ...details } = refused;
    return fail(code, { ...details, triesSpent: 0 });
  }

  const verifiedSlot = otherCertificateSlot(input.slot);
  const verified = await attemptPin(deps, { cardId: input.cardId, cardKey: input.cardKey, slot: verifiedSlot, pin: input.otherPin, operation: 'verify', context: input.context, confirmLastTry: input.confirmLastTry === true });
  if (!verified.ok) return verified;

  const now = deps.clock();
  const reservation = { reservationId: deps.secrets.newId(), slot: input.slot, verifiedSlot, expiresAt: new Date(now.getTime() + RESERVATION_VALID_MS) };
  const resident = await deps.residents.findById(overview.card.residentId);
  await deps.atomically(async (tx) => {
    await tx.kioskResets.insert({ id: reservation.reservationId, cardId: input.cardId, slot: input.slot, verifiedSlot, service: input.context.service, createdAt: now, expiresAt: reservation.expiresAt });
    await tx.cards.recordEvent({
      cardId: input.cardId,
      occurredAt: now,
      operation: 'kiosk_reset_reserved',
      slot: input.slot,
      result: 'success',
      code: null,
      context: { ...input.context, actor: 'holder' },
      detail: { reservationId: reservation.reservationId, verifiedSlot, expiresAt: reservation.expiresAt.toISOString(), faceMatch: input.faceMatch },
    });
    await tx.audit({
      actor: { id: 'holder', role: 'holder' },
      action: 'card.kiosk_reset_reserved',
      target: { type: 'card', id: input.cardId, municipalityCode: resident?.municipalityCode ?? null },
      detail: { slot: input.slot, verifiedSlot, reservationId: reservation.reservationId, via: input.context.service },
    });
  });
  return ok(reservation);
}
