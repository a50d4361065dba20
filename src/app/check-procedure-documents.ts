import type { Actor } from '../domain/actor.js';
import type { DocumentKind } from '../domain/identity-document.js';
import type { CounterDeps, ProcedureRecord } from './counter-ports.js';
import { applyStep, withProcedure } from './counter-step.js';
import type { Outcome } from './outcome.js';

/**
 * The clerk records which documents were checked (kinds only, never their numbers: DOMAIN.md §4) and the
 * municipality's policy decides whether they suffice, and for a legal proxy whether it can be done today.
 */
export function checkProcedureDocuments(
  deps: CounterDeps,
  actor: Actor,
  procedureId: string,
  input: { presented: readonly DocumentKind[]; holderPresent: boolean },
): Promise<Outcome<ProcedureRecord>> {
  return withProcedure(deps, actor, procedureId, (ctx) =>
    applyStep(
      ctx,
      { type: 'check_documents', presented: input.presented, holderPresent: input.holderPresent },
      { documents: [...ctx.record.documents, { kinds: [...input.presented], holderPresent: input.holderPresent, checkedBy: actor.id, at: ctx.now.toISOString() }] },
      { documents: input.presented, holderPresent: input.holderPresent },
    ),
  );
}
