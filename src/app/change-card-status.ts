import { actsIn, mayOperateCards, type Actor } from '../domain/actor.js';
import type { CardStatus, CertStatus } from '../domain/card.js';
import { CRL_REASON_OF_CAUSE, type RevocationCause } from '../domain/revocation.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, EventContext, TxDeps } from './ports.js';

type Transition = Readonly<{
  operation: 'suspend' | 'restore' | 'revoke';
  from: readonly CardStatus[];
  to: CardStatus;
  certFrom: readonly CertStatus[];
  certTo: CertStatus;
}>;

// DOMAIN.md §2: a lost card is first suspended (一時保留, reversible), then revoked or restored.
export const TRANSITIONS = {
  suspend: { operation: 'suspend', from: ['active'], to: 'suspended', certFrom: ['valid'], certTo: 'suspended' },
  restore: { operation: 'restore', from: ['suspended'], to: 'active', certFrom: ['suspended'], certTo: 'valid' },
  revoke: { operation: 'revoke', from: ['active', 'suspended'], to: 'revoked', certFrom: ['valid', 'suspended'], certTo: 'revoked' },
} as const satisfies Record<string, Transition>;

async function transition(
  deps: AppDeps,
  actor: Actor,
  t: Transition,
  input: StatusChangeInput,
  context: EventContext,
): Promise<Outcome<{ cardId: string; status: CardStatus }>> {
  if (!mayOperateCards(actor)) return fail('FORBIDDEN');
  const now = deps.clock();
  // The status change, its card event and its audit entry commit together, or nothing happened.
  return deps.atomically((tx) => transitionIn(tx, actor, t, input, context, now));
}

async function transitionIn(
  deps: TxDeps,
  actor: Actor,
  t: Transition,
  input: StatusChangeInput,
  context: EventContext,
  now: Date,
): Promise<Outcome<{ cardId: string; status: CardStatus }>> {
  const card = await deps.cards.findCard(input.cardId);
  const resident = card && (await deps.residents.findById(card.residentId));
  if (!card || !resident || !actsIn(actor, resident.municipalityCode)) return fail('NOT_FOUND', { resource: 'card' });
  if (!t.from.includes(card.status)) return fail('CONFLICT', { from: card.status, operation: t.operation });
  await deps.cards.setCardStatus({
    cardId: card.id,
    status: t.to,
    certStatus: t.certTo,
    fromCertStatus: t.certFrom,
    reason: input.reason,
    // What relying services read from the CRL and OCSP (RFC 5280 §5.3.1); without a stated cause, no reason.
    crlReason: CRL_REASON_OF_CAUSE[input.cause ?? 'other'],
    now,
    event: {
      cardId: card.id,
      occurredAt: now,
      operation: t.operation,
      slot: null,
      result: 'done',
      code: null,
      context: { ...context, actor: actor.id },
      detail: { reason: input.reason, ...(input.cause ? { cause: input.cause } : {}) },
    },
  });
  await deps.audit({
    actor,
    action: `card.${t.operation}`,
    target: { type: 'card', id: card.id, municipalityCode: resident.municipalityCode },
    reason: input.reason,
    detail: { from: card.status, to: t.to, ...(input.cause ? { cause: input.cause } : {}) },
  });
  return ok({ cardId: card.id, status: t.to });
}

/** `cause` states why a card is revoked (lost, returned, reissued…), published as the CRL reason. */
export type StatusChangeInput = Readonly<{ cardId: string; reason: string; cause?: RevocationCause }>;

export const suspendCard = (deps: AppDeps, actor: Actor, input: StatusChangeInput, context: EventContext) =>
  transition(deps, actor, TRANSITIONS.suspend, input, context);
export const restoreCard = (deps: AppDeps, actor: Actor, input: StatusChangeInput, context: EventContext) =>
  transition(deps, actor, TRANSITIONS.restore, input, context);
export const revokeCard = (deps: AppDeps, actor: Actor, input: StatusChangeInput, context: EventContext) =>
  transition(deps, actor, TRANSITIONS.revoke, input, context);
