import type { Actor } from '../domain/actor.js';
import type { ApplicantType } from '../domain/municipal-policy.js';
import type { PinSlot } from '../domain/pin-slot.js';
import { openProcedure } from '../domain/procedure.js';
import type { CounterDeps, ProcedureRecord } from './counter-ports.js';
import { auditEntry, permitted } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';

/** A visit begins: who applies (holder, legal or voluntary proxy) and which slots to re-set (DOMAIN.md §4). */
export async function openCounterProcedure(
  deps: CounterDeps,
  actor: Actor,
  input: { residentId: string; applicantType: ApplicantType; slots: readonly PinSlot[]; proxyName: string | null },
): Promise<Outcome<ProcedureRecord>> {
  const resident = await deps.residents.findById(input.residentId);
  if (!resident || !permitted(actor, 'counter.act', resident.municipalityCode)) {
    return resident && permitted(actor, 'counter.read', resident.municipalityCode) ? fail('FORBIDDEN') : fail('NOT_FOUND', { resource: 'resident' });
  }
  if (input.applicantType !== 'self' && !input.proxyName) return fail('INVALID_REQUEST', { field: 'proxyName', reason: 'required for a proxy' });
  return deps.counter.run(async (stores) => {
    const policy = await stores.policies.current(resident.municipalityCode);
    if (!policy) return fail('NOT_FOUND', { resource: 'policy' });
    const now = deps.clock();
    const opened = openProcedure({
      id: deps.secrets.newId(),
      municipalityCode: resident.municipalityCode,
      residentId: resident.id,
      applicantType: input.applicantType,
      slots: input.slots,
      now,
      by: actor.id,
      policy,
    });
    if (opened.kind === 'refused') {
      return opened.reason === 'MAINTENANCE_DAY' ? fail('MAINTENANCE_DAY') : fail('INVALID_REQUEST', { field: 'slots', reason: opened.reason });
    }
    const record: ProcedureRecord = {
      procedure: opened.procedure,
      cardId: null,
      proxyName: input.applicantType === 'self' ? null : input.proxyName,
      documents: [],
      revision: 0,
    };
    await stores.procedures.insert(record);
    await stores.audit.append(
      auditEntry(actor, now, 'procedure.opened', { type: 'procedure', id: record.procedure.id, municipalityCode: resident.municipalityCode }, {
        residentId: resident.id,
        applicantType: input.applicantType,
        slots: input.slots,
        policyVersion: policy.version,
      }),
    );
    return ok(record);
  });
}
