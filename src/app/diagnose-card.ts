import type { Actor } from '../domain/actor.js';
import { diagnose, type Diagnosis } from '../domain/diagnosis.js';
import { PIN_SLOTS, type PinSlot } from '../domain/pin-slot.js';
import type { CounterDeps } from './counter-ports.js';
import { auditEntry, permitted } from './counter-step.js';
import { statusView, type CardStatusView } from './get-card-status.js';
import { fail, ok, type Outcome } from './outcome.js';
import { CARD_HISTORY, cardClientReports, type CardClientReports } from './client-report-views.js';
import type { CardEvent, Resident } from './ports.js';
import type { RiskHold } from './risk-ports.js';

export type CardDiagnosis = Readonly<{
  diagnosis: Diagnosis;
  status: CardStatusView;
  attempts: CardEvent[];
  resident: Resident;
  /** What clients reported showing, beside the record (issue 11), and the history it was compared with. */
  clientReports: CardClientReports;
  history: CardEvent[];
  /** The card's active risk hold (issue 13), never a lock. */
  riskHold: RiskHold | null;
}>;

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
  // The whole history (bounded) for the comparison with client reports; the first HISTORY events are shown.
  const history = await deps.cards.listEvents(cardId, { limit: CARD_HISTORY });
  const attempts = history.slice(0, HISTORY);
  const clientReports = await cardClientReports(deps, cardId, history);
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
    clientMismatch: clientReports.summary.mismatch,
  });
  await deps.counter.run((s) =>
    s.audit.append(auditEntry(actor, now, 'card.diagnosed', { type: 'card', id: cardId, municipalityCode: resident.municipalityCode }, { verdict: diagnosis.code })),
  );
  return ok({ diagnosis, status: statusView(overview, now), attempts, resident, clientReports, history, riskHold });
}
