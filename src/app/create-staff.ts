import { actsIn, type Actor, type StaffRole } from '../domain/actor.js';
import type { CounterDeps } from './counter-ports.js';
import { fail, ok, type Outcome } from './outcome.js';

const NATIONAL: readonly StaffRole[] = ['national_admin', 'auditor'];

/**
 * Creates a staff account bound to one municipality (national roles excepted). Only admins create staff, and a
 * municipal admin only in their own municipality. The TOTP secret is returned once, for enrolment.
 */
export async function createStaff(
  deps: CounterDeps,
  actor: Actor,
  input: { loginId: string; name: string; role: StaffRole; municipalityCode: string | null; password: string },
): Promise<Outcome<{ id: string; totpSecret: string }>> {
  if (actor.role !== 'national_admin' && actor.role !== 'municipal_admin') return fail('FORBIDDEN');
  const national = NATIONAL.includes(input.role);
  if (national !== (input.municipalityCode === null)) return fail('INVALID_REQUEST', { field: 'municipalityCode' });
  if (national && actor.role !== 'national_admin') return fail('FORBIDDEN');
  if (input.municipalityCode !== null && !actsIn(actor, input.municipalityCode)) return fail('FORBIDDEN');
  if (input.password.length < 12) return fail('INVALID_REQUEST', { field: 'password', reason: 'at least 12 characters' });
  if (input.municipalityCode !== null && !(await deps.residents.municipalityExists(input.municipalityCode))) return fail('INVALID_MUNICIPALITY');
  if (await deps.staff.findByLogin(input.loginId)) return fail('CONFLICT', { field: 'loginId' });

  const now = deps.clock();
  const id = deps.secrets.newId();
  const totpSecret = deps.totp.newSecret();
  const passwordHash = await deps.passwords.hash(input.password);
  await deps.staff.create({
    id,
    loginId: input.loginId,
    name: input.name,
    role: input.role,
    municipalityCode: input.municipalityCode,
    passwordHash,
    totpSecretSealed: deps.counterSecrets.sealTotpSecret(totpSecret, id),
    now,
  });
  await deps.counter.run((s) =>
    s.audit.append({
      occurredAt: now,
      actorId: actor.id,
      actorRole: actor.role,
      municipalityCode: input.municipalityCode,
      action: 'staff.created',
      targetType: 'staff',
      targetId: id,
      reason: null,
      detail: { loginId: input.loginId, role: input.role },
    }),
  );
  return ok({ id, totpSecret });
}
