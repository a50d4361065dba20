import type { Actor } from '../domain/actor.js';
import type { AuditRecord, CounterDeps } from './counter-ports.js';
import { permitted } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';

/** The audit trail of the staff member's municipality (all of it for national roles), with the chain checked. */
export async function listAudit(
  deps: CounterDeps,
  actor: Actor,
  input: { limit: number; beforeSeq?: number; targetId?: string },
): Promise<Outcome<{ entries: AuditRecord[]; chain: { ok: boolean; checked: number; brokenAt?: number } }>> {
  if (!permitted(actor, 'audit.read', null)) return fail('FORBIDDEN');
  return deps.counter.run(async (s) => {
    const entries = await s.audit.list({
      limit: input.limit,
      ...(actor.municipalityCode !== null ? { municipalityCode: actor.municipalityCode } : {}),
      ...(input.beforeSeq !== undefined ? { beforeSeq: input.beforeSeq } : {}),
      ...(input.targetId !== undefined ? { targetId: input.targetId } : {}),
    });
    return ok({ entries, chain: await s.audit.verifyChain() });
  });
}
