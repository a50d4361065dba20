import { actsIn, mayOperateCards, type Actor } from '../domain/actor.js';
import { isValidMunicipalityCode } from '../domain/municipality-code.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, EventContext } from './ports.js';

/**
 * A change of address (DOMAIN.md §2): the signing certificate carries the address, so it is revoked on every
 * card of the resident; the authentication certificate holds no personal data and survives the move.
 */
export async function moveResident(
  deps: AppDeps,
  actor: Actor,
  input: { residentId: string; address: string; municipalityCode: string },
  context: EventContext,
): Promise<Outcome<{ residentId: string; revokedSigningCertificates: number }>> {
  if (!mayOperateCards(actor)) return fail('FORBIDDEN');
  const resident = await deps.residents.findById(input.residentId);
  if (!resident || !actsIn(actor, resident.municipalityCode)) return fail('NOT_FOUND', { resource: 'resident' });
  if (!isValidMunicipalityCode(input.municipalityCode) || !(await deps.residents.municipalityExists(input.municipalityCode))) {
    return fail('INVALID_MUNICIPALITY', { field: 'municipalityCode' });
  }
  const now = deps.clock();
  // The new address, every revoked signing certificate and the audit entry commit together.
  return deps.atomically(async (tx) => {
    await tx.residents.updateAddress({ id: resident.id, address: input.address, municipalityCode: input.municipalityCode, now });
    let revoked = 0;
    for (const cardId of await tx.cards.cardIdsOfResident(resident.id)) {
      const done = await tx.cards.revokeCertificate({
        cardId,
        kind: 'sign',
        reason: 'address changed',
        now,
        event: {
          cardId,
          occurredAt: now,
          operation: 'revoke_sign_certificate',
          slot: 'sign',
          result: 'done',
          code: null,
          context: { ...context, actor: actor.id },
          detail: { reason: 'address changed' },
        },
      });
      if (done) revoked += 1;
    }
    await tx.audit({
      actor,
      action: 'resident.moved',
      target: { type: 'resident', id: resident.id, municipalityCode: resident.municipalityCode },
      reason: 'address changed',
      detail: { toMunicipality: input.municipalityCode, revokedSigningCertificates: revoked },
    });
    return ok({ residentId: resident.id, revokedSigningCertificates: revoked });
  });
}
