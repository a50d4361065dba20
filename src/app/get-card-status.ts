import { cardState, certState, type CardState, type CertState } from '../domain/card.js';
import { PIN_SLOTS, type CertKind, type PinSlot } from '../domain/pin-slot.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { CardAccess } from './pin-attempt.js';
import type { AppDeps, CardOverview } from './ports.js';

export type SlotStatus = Readonly<{ remaining: number; max: number; locked: boolean; lockedAt: Date | null }>;
export type CertificateStatus = Readonly<{
  status: CertState;
  notAfter: Date | null;
  serialNumber: string | null;
  statusChangedAt: Date | null;
  reason: string | null;
}>;
export type CardStatusView = Readonly<{
  cardId: string;
  status: CardState;
  issuedAt: Date;
  expiresAt: Date;
  pins: Readonly<Record<PinSlot, SlotStatus | null>>;
  certificates: Readonly<Record<CertKind, CertificateStatus>>;
}>;

export function statusView(overview: CardOverview, now: Date): CardStatusView {
  const { card } = overview;
  const pins = Object.fromEntries(
    PIN_SLOTS.map((slot) => {
      const s = overview.slots[slot];
      return [slot, s ? { remaining: s.remaining, max: s.max, locked: s.remaining === 0, lockedAt: s.lockedAt } : null];
    }),
  ) as Record<PinSlot, SlotStatus | null>;
  const cert = (kind: CertKind): CertificateStatus => {
    const c = overview.certificates[kind] ?? null;
    return {
      status: certState(c, now),
      notAfter: c?.notAfter ?? null,
      serialNumber: c?.serialHex ?? null,
      statusChangedAt: c?.statusChangedAt ?? null,
      reason: c?.revocationReason ?? null,
    };
  };
  return {
    cardId: card.id,
    status: cardState(card.status, card.expiresAt, now),
    issuedAt: card.issuedAt,
    expiresAt: card.expiresAt,
    pins,
    certificates: { auth: cert('auth'), sign: cert('sign') },
  };
}

/** The card's empty VERIFY (jpki-facts §6.3): every counter and certificate, spending no try. */
export async function getCardStatus(deps: AppDeps, input: CardAccess): Promise<Outcome<CardStatusView>> {
  const overview = await deps.cards.overviewByKey(input.cardId, deps.secrets.hashCardKey(input.cardKey));
  if (!overview) return fail('CARD_REJECTED');
  return ok(statusView(overview, deps.clock()));
}
