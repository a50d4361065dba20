import type { Kysely, Transaction } from 'kysely';
import type { PolicyStore } from '../../app/counter-ports.js';
import type { MunicipalPolicy } from '../../domain/municipal-policy.js';
import type { Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Versioned municipal policies: every change is a new row; the highest version is in force. */
export function createPolicyStore(db: Executor): PolicyStore {
  return {
    async current(code) {
      const row = await db
        .selectFrom('municipal_policies')
        .select(['policy', 'version'])
        .where('municipality_code', '=', code)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? ({ ...(row.policy as MunicipalPolicy), version: row.version } as MunicipalPolicy) : null;
    },
    async save({ policy, createdBy, reason, now }) {
      await db
        .insertInto('municipal_policies')
        .values({ municipality_code: policy.municipalityCode, version: policy.version, policy: JSON.stringify(policy), created_at: now, created_by: createdBy, reason })
        .execute();
    },
    async history(code) {
      const rows = await db
        .selectFrom('municipal_policies')
        .select(['version', 'created_at', 'created_by', 'reason'])
        .where('municipality_code', '=', code)
        .orderBy('version', 'desc')
        .execute();
      return rows.map((r) => ({ version: r.version, createdAt: r.created_at, createdBy: r.created_by, reason: r.reason }));
    },
  };
}
