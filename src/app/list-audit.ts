import type { Actor } from '../domain/actor.js';
import type { AuditRecord, CardEventChainReport, CounterDeps } from './counter-ports.js';
import { permitted } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';

/** The audit trail of the staff member's municipality (all of it for national roles); each row re-hashed. */
export async function listAudit(
  deps: CounterDeps,
  actor: Actor,
  input: { limit: number; beforeSeq?: number; targetId?: string },
): Promise<Outcome<{ entries: AuditRecord[] }>> {
  if (!permitted(actor, 'audit.read', null)) return fail('FORBIDDEN');
  const entries = await deps.counter.read((s) =>
    s.audit.list({
      limit: input.limit,
      ...(actor.municipalityCode !== null ? { municipalityCode: actor.municipalityCode } : {}),
      ...(input.beforeSeq !== undefined ? { beforeSeq: input.beforeSeq } : {}),
      ...(input.targetId !== undefined ? { targetId: input.targetId } : {}),
    }),
  );
  return ok({ entries });
}

/**
 * Walks the whole chain from the first row: a rewritten, removed or inserted row breaks it. National roles only,
 * since the chain spans every municipality; it reads the whole table, so it is a deliberate call, not a listing.
 */
export async function verifyAuditChain(deps: CounterDeps, actor: Actor): Promise<Outcome<{ ok: boolean; checked: number; brokenAt?: number }>> {
  if (!permitted(actor, 'audit.read', null) || actor.municipalityCode !== null) return fail('FORBIDDEN');
  return ok(await deps.counter.read((s) => s.audit.verifyChain()));
}

/**
 * Walks every card's event chain (a card event edited, removed or moved in SQL is named by card and event id).
 * National roles only, like the audit chain walk.
 */
export async function verifyCardEventChain(deps: CounterDeps, actor: Actor): Promise<Outcome<CardEventChainReport>> {
  if (!permitted(actor, 'audit.read', null) || actor.municipalityCode !== null) return fail('FORBIDDEN');
  return ok(await deps.verifyCardEventChain());
}
