import { sql } from 'kysely';
import type { StaffAccount, StaffStore } from '../../app/counter-ports.js';
import type { StaffRole } from '../../domain/actor.js';
import type { Db } from './create-db.js';
import type { StaffTable } from './schema.js';

function toAccount(r: Omit<StaffTable, 'created_at' | 'failed_logins'> & { failed_logins: number }): StaffAccount {
  return {
    id: r.id,
    loginId: r.login_id,
    name: r.name,
    role: r.role as StaffRole,
    municipalityCode: r.municipality_code,
    passwordHash: r.password_hash,
    totpSecretSealed: r.totp_secret_enc,
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    lastTotpStep: r.last_totp_step === null ? null : Number(r.last_totp_step),
    disabledAt: r.disabled_at,
  };
}

const COLUMNS = [
  'staff.id', 'staff.login_id', 'staff.name', 'staff.role', 'staff.municipality_code', 'staff.password_hash',
  'staff.totp_secret_enc', 'staff.failed_logins', 'staff.locked_until', 'staff.last_totp_step', 'staff.disabled_at',
] as const;

export function createStaffStore(db: Db): StaffStore {
  return {
    async findByLogin(loginId) {
      const row = await db.selectFrom('staff').select(COLUMNS).where('login_id', '=', loginId).executeTakeFirst();
      return row ? toAccount(row) : null;
    },
    async create(input) {
      await db
        .insertInto('staff')
        .values({
          id: input.id,
          login_id: input.loginId,
          name: input.name,
          role: input.role,
          municipality_code: input.municipalityCode,
          password_hash: input.passwordHash,
          totp_secret_enc: input.totpSecretSealed,
          locked_until: null,
          last_totp_step: null,
          created_at: input.now,
          disabled_at: null,
        })
        .execute();
    },
    async recordFailure(id, lockUntil) {
      // One statement: concurrent failed sign-ins each count.
      const row = await db
        .updateTable('staff')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), ...(lockUntil ? { locked_until: lockUntil } : {}) }))
        .where('id', '=', id)
        .returning('failed_logins')
        .executeTakeFirst();
      return row?.failed_logins ?? 0;
    },
    async recordSuccess(id, totpStep) {
      await db.updateTable('staff').set({ failed_logins: 0, locked_until: null, last_totp_step: totpStep }).where('id', '=', id).execute();
    },
    async createSession({ idHash, staffId, now, expiresAt }) {
      await db.insertInto('staff_sessions').values({ id_hash: idHash, staff_id: staffId, created_at: now, expires_at: expiresAt, revoked_at: null }).execute();
    },
    async findSession(idHash, now) {
      const row = await db
        .selectFrom('staff_sessions')
        .innerJoin('staff', 'staff.id', 'staff_sessions.staff_id')
        .select(COLUMNS)
        .where('staff_sessions.id_hash', '=', idHash)
        .where('staff_sessions.revoked_at', 'is', null)
        .where('staff_sessions.expires_at', '>', now)
        .where('staff.disabled_at', 'is', null)
        .executeTakeFirst();
      return row ? toAccount(row) : null;
    },
    async revokeSession(idHash, now) {
      await db.updateTable('staff_sessions').set({ revoked_at: now }).where('id_hash', '=', idHash).execute();
    },
  };
}
export { sql };
