import { actsIn, can, type Actor } from '../domain/actor.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, EventContext, TxDeps } from './ports.js';
import type { RiskHold } from './risk-ports.js';

// A risk hold ends in one of two ways (README "Risk holds and source blocks"): a counter clerk releases it after
// seeing the holder (staff action, audited), or the holder confirms it was them after a full card sign-in (auth PIN
// + the card's signature, on the login page). Each writes a `risk_release` card event with the actor.

async function release(
  tx: TxDeps,
  input: { cardId: string; by: string; kind: 'counter' | 'holder'; reason: string | null; context: EventContext; now: Date },
): Promise<RiskHold | null> {
  const hold = await tx.risk.releaseHold({ cardId: input.cardId, by: input.by, kind: input.kind, reason: input.reason, now: input.now });
  if (!hold) return null;
  await tx.cards.recordEvent({
    cardId: input.cardId,
    occurredAt: input.now,
    operation: 'risk_release',
    slot: null,
    result: 'released',
    code: null,
    context: { ...input.context, actor: input.kind === 'holder' ? 'holder' : input.by },
    detail: { holdId: hold.id, rule: hold.rule, kind: input.kind, ...(input.reason ? { reason: input.reason } : {}) },
  });
  return hold;
}

/** The counter releases a hold: a clerk (or above) of the holder's municipality, with a reason; audited. */
export async function releaseHoldAtCounter(
  deps: AppDeps,
  actor: Actor,
  input: { cardId: string; reason: string },
  context: EventContext,
): Promise<Outcome<{ cardId: string; holdId: string; releasedAt: Date }>> {
  if (!can(actor, 'counter.act')) return fail('FORBIDDEN');
  const now = deps.clock();
  return deps.atomically(async (tx) => {
    const card = await tx.cards.findCard(input.cardId);
    const resident = card && (await tx.residents.findById(card.residentId));
    if (!card || !resident || !actsIn(actor, resident.municipalityCode)) return fail('NOT_FOUND', { resource: 'card' });
    const hold = await release(tx, { cardId: card.id, by: actor.id, kind: 'counter', reason: input.reason, context: { ...context, channel: 'counter' }, now });
    if (!hold) return fail('CONFLICT', { reason: 'NO_RISK_HOLD' });
    await tx.audit({
      actor,
      action: 'risk.hold_released',
      target: { type: 'card', id: card.id, municipalityCode: resident.municipalityCode },
      reason: input.reason,
      detail: { holdId: hold.id, rule: hold.rule, figures: hold.figures, kind: 'counter' },
    });
    return ok({ cardId: card.id, holdId: hold.id, releasedAt: now });
  });
}

/**
 * The holder confirms, right after a sign-in with the card (auth PIN entered as `risk_confirm`, the challenge signed
 * and checked), that the entries behind the hold were theirs. Audited with the holder as actor.
 */
export async function releaseHoldByHolder(deps: AppDeps, cardId: string, context: EventContext): Promise<RiskHold | null> {
  const now = deps.clock();
  return deps.atomically(async (tx) => {
    const hold = await release(tx, { cardId, by: 'holder', kind: 'holder', reason: null, context, now });
    if (!hold) return null;
    const card = await tx.cards.findCard(cardId);
    const resident = card && (await tx.residents.findById(card.residentId));
    await tx.audit({
      actor: { id: 'holder', role: 'holder' },
      action: 'risk.hold_released',
      target: { type: 'card', id: cardId, municipalityCode: resident?.municipalityCode ?? null },
      reason: 'confirmed sign-in',
      detail: { holdId: hold.id, rule: hold.rule, figures: hold.figures, kind: 'holder', service: context.service },
    });
    return hold;
  });
}
