import type { Actor } from '../domain/actor.js';
import { diagnose, type Diagnosis } from '../domain/diagnosis.js';
import { PIN_SLOTS, type PinSlot } from '../domain/pin-slot.js';
import type { CounterDeps } from './counter-ports.js';
import { auditEntry, permitted } from './counter-step.js';
import { statusView, type CardStatusView } from './get-card-status.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { CardEvent, Resident } from './ports.js';
import type { RiskHold } from './risk-ports.js';

export type CardDiagnosis = Readonly<{ diagnosis: Diagnosis; status: CardStatusView; attempts: CardEvent[]; resident: Resident; riskHold: RiskHold | null }>;

const HISTORY = 500;

/**
 * "Why can't this person log in?" (DOMAIN.md §3): every slot's true state, both certificates, the card, and the
 * attempt history by channel, service and terminal, ending in one plain verdict. Staff of the resident's
 * municipality only; the look is audited.
 */
export async function diagnoseCard(deps: CounterDeps, actor: Actor, cardId: string): Promise<Outcome<CardDiagnosis>> {
  const overview = await deps.cards.overview(cardId);
  const resident = overview && (await deps.residents.findById(overview.card.residentId));
  if (!overview || !resident || !permitted(actor, 'counter.read', resident.municipalityCode)) return fail('NOT_FOUND', { resource: 'card' });
  const now = deps.clock();
  const attempts = await deps.cards.listEvents(cardId, { limit: HISTORY });
  const slots = Object.fromEntries(PIN_SLOTS.map((slot) => [slot, overview.slots[slot] ?? null])) as Record<PinSlot, { remaining: number; max: number; lockedAt: Date | null } | null>;
  const cert = (kind: 'auth' | 'sign') => {
    const c = overview.certificates[kind];
    return c ? { status: c.status, notAfter: c.notAfter, statusChangedAt: c.statusChangedAt, revocationReason: c.revocationReason } : null;
  };
  const riskHold = await deps.risk.activeHold(cardId);
  const diagnosis = diagnose({
    card: { status: overview.card.status, expiresAt: overview.card.expiresAt, statusChangedAt: overview.card.statusChangedAt, statusReason: overview.card.statusReason },
    slots,
    certificates: { auth: cert('auth'), sign: cert('sign') },
    attempts,
    now,
    riskHold,
  });
  await deps.counter.run((s) =>
    s.audit.append(auditEntry(actor, now, 'card.diagnosed', { type: 'card', id: cardId, municipalityCode: resident.municipalityCode }, { verdict: diagnosis.code })),
  );
  return ok({ diagnosis, status: statusView(overview, now), attempts, resident, riskHold });
}
