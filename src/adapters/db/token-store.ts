import { createHash, randomBytes } from 'node:crypto';
import type { Actor, Role } from '../../domain/actor.js';
import type { Db } from './create-db.js';

const hashToken = (token: string) => createHash('sha256').update(`kagiya-api-token:v1:${token}`).digest();

/** Bearer tokens for staff and integrations; only their hashes are stored. */
export function createTokenStore(db: Db) {
  return {
    async find(token: string): Promise<Actor | null> {
      const row = await db
        .selectFrom('api_tokens')
        .select(['id', 'label', 'role', 'municipality_code'])
        .where('token_hash', '=', hashToken(token))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row ? { id: `token:${row.id}`, label: row.label, role: row.role as Role, municipalityCode: row.municipality_code } : null;
    },
    async create(input: { id: string; label: string; role: Role; municipalityCode: string | null; now: Date }): Promise<string> {
      const token = `kgy_${randomBytes(24).toString('base64url')}`;
      await db
        .insertInto('api_tokens')
        .values({ id: input.id, token_hash: hashToken(token), label: input.label, role: input.role, municipality_code: input.municipalityCode, created_at: input.now, revoked_at: null })
        .execute();
      return token;
    },
  };
}
