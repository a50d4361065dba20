import { actsIn, can, type Actor, type Permission } from '../domain/actor.js';
import type { MunicipalPolicy } from '../domain/municipal-policy.js';
import { applyProcedureEvent, type ProcedureEvent } from '../domain/procedure.js';
import type { AuditEntry, CounterDeps, CounterStores, ProcedureRecord } from './counter-ports.js';
import { fail, ok, type Outcome } from './outcome.js';

export type StepContext = Readonly<{ stores: CounterStores; record: ProcedureRecord; policy: MunicipalPolicy; now: Date; actor: Actor }>;

export function auditEntry(
  actor: Actor,
  now: Date,
  action: string,
  target: { type: string; id: string; municipalityCode: string | null },
  detail: Record<string, unknown> = {},
  reason: string | null = null,
): AuditEntry {
  return { occurredAt: now, actorId: actor.id, actorRole: actor.role, municipalityCode: target.municipalityCode, action, targetType: target.type, targetId: target.id, reason, detail };
}

/** Guards a use case: the permission, and the resident's municipality (other municipalities' data is "not found"). */
export function permitted(actor: Actor, permission: Permission, municipalityCode: string | null): boolean {
  return can(actor, permission) && (municipalityCode === null || actsIn(actor, municipalityCode));
}

/**
 * Runs one counter step in a transaction with the procedure row locked: another clerk's concurrent step waits,
 * then sees the new state. Procedures of other municipalities are reported as not found.
 */
export async function withProcedure<T>(
  deps: CounterDeps,
  actor: Actor,
  procedureId: string,
  step: (ctx: StepContext) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  if (!can(actor, 'counter.act')) return fail('FORBIDDEN');
  return deps.counter.run(async (stores) => {
    const record = await stores.procedures.getForUpdate(procedureId);
    if (!record || !actsIn(actor, record.procedure.municipalityCode)) return fail('NOT_FOUND', { resource: 'procedure' });
    const policy = await stores.policies.current(record.procedure.municipalityCode);
    if (!policy) return fail('NOT_FOUND', { resource: 'policy' });
    return step({ stores, record, policy, now: deps.clock(), actor });
  });
}

/** Applies a domain event, saves the new revision and audits it. Refusals become stable codes. */
export async function applyStep(
  ctx: StepContext,
  event: ProcedureEvent,
  changes: Partial<Pick<ProcedureRecord, 'cardId' | 'proxyName' | 'documents'>> = {},
  auditDetail: Record<string, unknown> = {},
): Promise<Outcome<ProcedureRecord>> {
  const { record, policy, now, actor, stores } = ctx;
  const result = applyProcedureEvent(record.procedure, event, { now, by: actor.id, policy });
  switch (result.kind) {
    case 'invalid_transition':
      return fail('PROCEDURE_INVALID_TRANSITION', { state: result.from, step: result.event });
    case 'documents_missing':
      return fail('DOCUMENTS_MISSING', { needed: result.needed });
    case 'maintenance_day':
      return fail('MAINTENANCE_DAY');
    case 'deadline_passed':
      return fail('DEADLINE_PASSED', { deadline: record.procedure.deadline?.toISOString() ?? null });
    case 'pins_not_from_pad':
      return fail('PIN_PAD_REQUIRED');
    case 'ok':
      break;
  }
  const next: ProcedureRecord = { ...record, ...changes, procedure: result.procedure };
  await stores.procedures.update(next);
  const { procedure } = next;
  await stores.audit.append(
    auditEntry(
      actor,
      now,
      `procedure.${event.type}`,
      { type: 'procedure', id: procedure.id, municipalityCode: procedure.municipalityCode },
      { from: record.procedure.state, to: procedure.state, applicantType: procedure.applicantType, slots: procedure.slots, policyVersion: policy.version, ...auditDetail },
      event.type === 'cancel' ? event.reason : null,
    ),
  );
  return ok({ ...next, revision: record.revision + 1 });
}
