import { statusView, type CardStatusView } from './get-card-status.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, CardEvent, EventContext } from './ports.js';
import type { RiskHold } from './risk-ports.js';

// The holder's own card, reached through a service the holder logged in to (the resident portal) rather than with
// the card file: the access token names the card (docs/decisions.md). Reading spends no try.

export type HolderCard = CardStatusView & Readonly<{ municipalityCode: string; riskHold: RiskHold | null }>;

export async function holderCardStatus(deps: AppDeps, cardId: string): Promise<Outcome<HolderCard>> {
  const overview = await deps.cards.overview(cardId);
  const resident = overview && (await deps.residents.findById(overview.card.residentId));
  if (!overview || !resident) return fail('NOT_FOUND', { resource: 'card' });
  return ok({ ...statusView(overview, deps.clock()), municipalityCode: resident.municipalityCode, riskHold: await deps.risk.activeHold(cardId) });
}

export async function holderCardEvents(deps: AppDeps, cardId: string, limit: number): Promise<Outcome<{ events: CardEvent[] }>> {
  return ok({ events: await deps.cards.listEvents(cardId, { limit }) });
}

/**
 * The holder reports the card lost (DOMAIN.md §2): the card and both certificates are suspended (一時保留) at
 * once, reversibly; only the counter restores or revokes. Recorded on the card and in the audit trail.
 */
export async function reportCardLost(deps: AppDeps, cardId: string, context: EventContext): Promise<Outcome<{ cardId: string; status: 'suspended' }>> {
  const card = await deps.cards.findCard(cardId);
  const resident = card && (await deps.residents.findById(card.residentId));
  if (!card || !resident) return fail('NOT_FOUND', { resource: 'card' });
  if (card.status !== 'active') return fail('CONFLICT', { from: card.status, operation: 'suspend' });
  const now = deps.clock();
  const reason = 'lost: reported by the holder';
  await deps.cards.setCardStatus({
    cardId,
    status: 'suspended',
    certStatus: 'suspended',
    fromCertStatus: ['valid'],
    reason,
    now,
    event: { cardId, occurredAt: now, operation: 'suspend', slot: null, result: 'done', code: null, context: { ...context, actor: 'holder' }, detail: { reason } },
  });
  await deps.audit({
    actor: { id: 'holder', role: 'holder' },
    action: 'card.suspend',
    target: { type: 'card', id: cardId, municipalityCode: resident.municipalityCode },
    reason,
    detail: { from: card.status, to: 'suspended', via: context.service },
  });
  return ok({ cardId, status: 'suspended' });
}
