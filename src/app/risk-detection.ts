import { evaluateCard, evaluateServices, evaluateSource, sourceKeyOf, type CardHoldDecision } from '../domain/risk.js';
import type { AppDeps, EventContext, TxDeps } from './ports.js';
import type { RiskHold } from './risk-ports.js';

// Risk detection from the request path (issue 13 item 1). It runs after a failed PIN entry has COMMITTED and before
// its answer leaves: the entry's outcome is already durable, so detection can only add a block or a hold, never change
// what the entry did. It costs one prepared statement (three indexed counts; the failure itself was recorded by the PIN
// statement, in the same commit as its event), only on failed entries; a right PIN pays nothing here. A source block
// is therefore in place before the same client's next entry is accepted; entries already in flight in parallel may
// still land (the figures in README "Risk holds and source blocks").

/** The actor recorded for decisions Kagiya makes itself (audit). */
export const RISK_ACTOR = { id: 'kagiya-risk', role: 'system' } as const;

const minutesBefore = (now: Date, minutes: number) => new Date(now.getTime() - minutes * 60_000);

export async function afterFailedEntry(deps: AppDeps, input: { cardId: string; context: EventContext; now: Date }): Promise<void> {
  const { cardId, context, now } = input;
  const rules = deps.riskRules;
  const sourceKey = sourceKeyOf({ address: context.address ?? null, service: context.service, terminal: context.terminal });
  const recorded = await deps.risk.failureFigures({
    cardId,
    sourceKey,
    sourceSince: minutesBefore(now, rules.sourceSpray.windowMinutes),
    addressesSince: minutesBefore(now, rules.cardAddresses.windowMinutes),
    servicesSince: minutesBefore(now, rules.cardServices.windowMinutes),
  });

  if (sourceKey) {
    const failedCards = recorded.sourceCards;
    const block = evaluateSource(rules, { sourceKey, failedCards, windowMinutes: rules.sourceSpray.windowMinutes }, now);
    if (block) {
      await deps.atomically(async (tx) => {
        if (!(await tx.risk.blockSource(block, now))) return;
        await tx.audit({
          actor: RISK_ACTOR,
          action: 'risk.source_blocked',
          target: { type: 'source', id: sourceKey, municipalityCode: null },
          reason: block.rule,
          detail: { rule: block.rule, figures: block.figures, until: block.until.toISOString() },
        });
      });
    }
  }

  const hold = evaluateCard(rules, { addresses: recorded.addresses, services: recorded.services });
  if (hold) await placeRiskHold(deps, cardId, hold, now);
}

/** Places a hold with its `risk_hold` card event and audit entry, in one transaction; null if one is active already. */
export async function placeRiskHold(deps: AppDeps, cardId: string, decision: CardHoldDecision, now: Date): Promise<RiskHold | null> {
  return deps.atomically(async (tx) => {
    const hold = await tx.risk.placeHold({ id: tx.secrets.newId(), cardId, decision, now });
    if (!hold) return null;
    await tx.cards.recordEvent({
      cardId,
      occurredAt: now,
      operation: 'risk_hold',
      slot: null,
      result: 'held',
      code: 'RISK_HOLD',
      context: { channel: null, service: null, terminal: null, actor: RISK_ACTOR.id },
      detail: { rule: decision.rule, figures: decision.figures },
    });
    await tx.audit({
      actor: RISK_ACTOR,
      action: 'risk.card_held',
      target: { type: 'card', id: cardId, municipalityCode: await municipalityOf(tx, cardId) },
      reason: decision.rule,
      detail: { rule: decision.rule, figures: decision.figures },
    });
    return hold;
  });
}

export async function municipalityOf(deps: TxDeps | AppDeps, cardId: string): Promise<string | null> {
  const card = await deps.cards.findCard(cardId);
  const resident = card && (await deps.residents.findById(card.residentId));
  return resident?.municipalityCode ?? null;
}

/**
 * Flags every relying service whose failure rate is far above the norm (domain/risk.ts evaluateServices). Runs on a
 * short in-process interval (main.ts) and on a national admin's request; a new flag is audited, a refreshed one only
 * updates its figures. Also forgets failure observations older than the longest window.
 */
export async function evaluateServiceFlags(deps: AppDeps, options: { maxEvents?: number } = {}) {
  const now = deps.clock();
  const rules = deps.riskRules;
  const since = minutesBefore(now, rules.serviceFailures.windowMinutes);
  const figures = await deps.risk.serviceFigures(since, options.maxEvents ?? 200_000);
  const decisions = evaluateServices(rules, figures);
  let flagged = 0;
  for (const decision of decisions) {
    await deps.atomically(async (tx) => {
      const done = await tx.risk.upsertFlag({ id: tx.secrets.newId(), decision, now });
      if (done !== 'new') return;
      flagged += 1;
      await tx.audit({
        actor: RISK_ACTOR,
        action: 'risk.service_flagged',
        target: { type: 'service', id: decision.service, municipalityCode: null },
        reason: decision.rule,
        detail: { rule: decision.rule, figures: decision.figures },
      });
    });
  }
  const longest = Math.max(rules.sourceSpray.windowMinutes, rules.cardAddresses.windowMinutes, rules.cardServices.windowMinutes);
  await deps.risk.prune(minutesBefore(now, longest));
  return { evaluated: figures.length, flagged, open: decisions.length };
}
