import { actsIn, type Actor, type StaffRole } from '../domain/actor.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { ApiTokenWriter, AppDeps } from './ports.js';

export type ApiTokenIssuer = ApiTokenWriter;

/**
 * A bearer token for an integration (a municipal system), bound to a role and a municipality like a staff
 * account. Admins only, a municipal admin in their own municipality; shown once, stored as a hash, audited.
 */
export async function createApiToken(
  deps: AppDeps,
  actor: Actor,
  input: { label: string; role: StaffRole; municipalityCode: string | null },
): Promise<Outcome<{ id: string; token: string }>> {
  if (actor.role !== 'national_admin' && actor.role !== 'municipal_admin') return fail('FORBIDDEN');
  const national = input.role === 'national_admin' || input.role === 'auditor';
  if (national !== (input.municipalityCode === null)) return fail('INVALID_REQUEST', { field: 'municipalityCode' });
  if (national && actor.role !== 'national_admin') return fail('FORBIDDEN');
  if (input.municipalityCode !== null && !actsIn(actor, input.municipalityCode)) return fail('FORBIDDEN');
  if (input.municipalityCode !== null && !(await deps.residents.municipalityExists(input.municipalityCode))) return fail('INVALID_MUNICIPALITY');
  const id = deps.secrets.newId();
  const now = deps.clock();
  // The token and its audit entry commit together: a token never exists without its api_token.created entry.
  const token = await deps.atomically(async (tx) => {
    const created = await tx.apiTokens.create({ id, label: input.label, role: input.role, municipalityCode: input.municipalityCode, now });
    await tx.audit({ actor, action: 'api_token.created', target: { type: 'api_token', id, municipalityCode: input.municipalityCode }, detail: { label: input.label, role: input.role } });
    return created;
  });
  return ok({ id, token });
}
