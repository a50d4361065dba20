import { actsIn, type Actor, type Role } from '../domain/actor.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps } from './ports.js';

export interface ApiTokenIssuer {
  create(input: { id: string; label: string; role: Role; municipalityCode: string | null; now: Date }): Promise<string>;
}

/**
 * A bearer token for an integration (a municipal system), bound to a role and a municipality like a staff
 * account. Admins only, a municipal admin in their own municipality; shown once, stored as a hash, audited.
 */
export async function createApiToken(
  deps: AppDeps,
  issuer: ApiTokenIssuer,
  actor: Actor,
  input: { label: string; role: Role; municipalityCode: string | null },
): Promise<Outcome<{ id: string; token: string }>> {
  if (actor.role !== 'national_admin' && actor.role !== 'municipal_admin') return fail('FORBIDDEN');
  // National roles, and relying services (they serve residents of every municipality), carry no municipality.
  const national = input.role === 'national_admin' || input.role === 'auditor' || input.role === 'relying_party';
  if (national !== (input.municipalityCode === null)) return fail('INVALID_REQUEST', { field: 'municipalityCode' });
  if (national && actor.role !== 'national_admin') return fail('FORBIDDEN');
  if (input.municipalityCode !== null && !actsIn(actor, input.municipalityCode)) return fail('FORBIDDEN');
  if (input.municipalityCode !== null && !(await deps.residents.municipalityExists(input.municipalityCode))) return fail('INVALID_MUNICIPALITY');
  const id = deps.secrets.newId();
  const token = await issuer.create({ id, label: input.label, role: input.role, municipalityCode: input.municipalityCode, now: deps.clock() });
  await deps.audit({ actor, action: 'api_token.created', target: { type: 'api_token', id, municipalityCode: input.municipalityCode }, detail: { label: input.label, role: input.role } });
  return ok({ id, token });
}
