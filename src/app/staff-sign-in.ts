import type { Actor } from '../domain/actor.js';
import type { CounterDeps, StaffAccount } from './counter-ports.js';
import { fail, ok, type Outcome } from './outcome.js';

export const MAX_STAFF_FAILURES = 5;
export const STAFF_LOCK_MINUTES = 30;
export const SESSION_HOURS = 8;

export const actorOf = (s: StaffAccount): Actor => ({ id: `staff:${s.id}`, label: s.name, role: s.role, municipalityCode: s.municipalityCode });

/**
 * Staff sign-in: password (scrypt) and TOTP. Five consecutive failures lock the account for 30 minutes. An
 * unknown login, a wrong password and a wrong code look the same; "locked" is said only to someone who
 * proved both factors, so it reveals nothing to a guesser. A TOTP code is accepted once.
 */
export async function staffSignIn(
  deps: CounterDeps,
  input: { loginId: string; password: string; totp: string },
): Promise<Outcome<{ sessionToken: string; actor: Actor; expiresAt: Date }>> {
  const now = deps.clock();
  const staff = await deps.staff.findByLogin(input.loginId);
  // Hash even for an unknown login so timing does not reveal which logins exist.
  const passwordOk = staff ? await deps.passwords.verify(input.password, staff.passwordHash) : (await deps.passwords.verify(input.password, DUMMY_HASH), false);
  if (!staff || staff.disabledAt) return fail('STAFF_LOGIN_FAILED');
  const step = passwordOk ? deps.totp.verify(deps.counterSecrets.openTotpSecret(staff.totpSecretSealed, staff.id), input.totp, now) : null;
  const replayed = step !== null && staff.lastTotpStep !== null && step <= staff.lastTotpStep;
  const locked = staff.lockedUntil !== null && staff.lockedUntil.getTime() > now.getTime();

  const audit = (action: string, detail: Record<string, unknown> = {}) =>
    deps.counter.run((s) =>
      s.audit.append({
        occurredAt: now,
        actorId: `staff:${staff.id}`,
        actorRole: staff.role,
        municipalityCode: staff.municipalityCode,
        action,
        targetType: 'staff',
        targetId: staff.id,
        reason: null,
        detail,
      }),
    );

  if (locked) {
    await audit('staff.sign_in_refused_locked');
    return passwordOk && step !== null && !replayed ? fail('STAFF_LOCKED', { until: staff.lockedUntil!.toISOString() }) : fail('STAFF_LOGIN_FAILED');
  }
  if (!passwordOk || step === null || replayed) {
    const failures = staff.failedLogins + 1;
    const lockUntil = failures >= MAX_STAFF_FAILURES ? new Date(now.getTime() + STAFF_LOCK_MINUTES * 60_000) : null;
    await deps.staff.recordFailure(staff.id, lockUntil);
    await audit(lockUntil ? 'staff.locked' : 'staff.sign_in_failed', { failures, factor: !passwordOk ? 'password' : replayed ? 'totp_replay' : 'totp' });
    return fail('STAFF_LOGIN_FAILED');
  }
  await deps.staff.recordSuccess(staff.id, step);
  const sessionToken = deps.counterSecrets.newToken();
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await deps.staff.createSession({ idHash: deps.counterSecrets.hashToken(sessionToken), staffId: staff.id, now, expiresAt });
  await audit('staff.signed_in');
  return ok({ sessionToken, actor: actorOf(staff), expiresAt });
}

export async function staffFromSession(deps: CounterDeps, sessionToken: string): Promise<Actor | null> {
  const staff = await deps.staff.findSession(deps.counterSecrets.hashToken(sessionToken), deps.clock());
  return staff ? actorOf(staff) : null;
}

export async function staffSignOut(deps: CounterDeps, sessionToken: string): Promise<void> {
  const actor = await staffFromSession(deps, sessionToken);
  const now = deps.clock();
  await deps.atomically(async (tx) => {
    await tx.revokeStaffSession(deps.counterSecrets.hashToken(sessionToken), now);
    if (actor) await tx.audit({ actor, action: 'staff.signed_out', target: { type: 'staff', id: actor.id, municipalityCode: actor.municipalityCode } });
  });
}

// A valid scrypt string for a random password nobody knows.
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
