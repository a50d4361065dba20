import type { RelyingServiceStore } from '../../app/relying-services.js';
import type { RelyingService } from '../../domain/relying-service.js';
import type { OidcClientTable, OidcDb } from '../db/oidc-schema.js';
import type { SecretBox } from '../pki/secret-box.js';

// Relying services as stored. oidc-provider compares client secrets in clear (client_secret_basic), so the secret
// is kept sealed with the master key rather than hashed; it is opened only to hand the client to the provider.

const aad = (clientId: string) => `oidc-client-secret:${clientId}`;
const list = (value: unknown): string[] => (typeof value === 'string' ? JSON.parse(value) : (value as string[]));

function toService(row: OidcClientTable): RelyingService {
  return {
    clientId: row.client_id,
    nameJa: row.name_ja,
    nameEn: row.name_en,
    redirectUris: list(row.redirect_uris),
    postLogoutRedirectUris: list(row.post_logout_redirect_uris),
    scopes: row.scopes.split(' '),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    disabledAt: row.disabled_at,
  };
}

export type ClientStore = RelyingServiceStore & {
  /** The service and its secret in clear, for the provider; null when unknown or disabled. */
  activeWithSecret(clientId: string): Promise<{ service: RelyingService; secret: string } | null>;
};

export function createClientStore(db: OidcDb, box: SecretBox): ClientStore {
  return {
    async insert(service, secret, { createdBy, now }) {
      const result = await db
        .insertInto('oidc_clients')
        .values({
          client_id: service.clientId,
          name_ja: service.nameJa,
          name_en: service.nameEn,
          redirect_uris: JSON.stringify(service.redirectUris),
          post_logout_redirect_uris: JSON.stringify(service.postLogoutRedirectUris),
          scopes: service.scopes.join(' '),
          secret_sealed: box.seal(Buffer.from(secret, 'utf8'), aad(service.clientId)),
          created_at: now,
          created_by: createdBy,
          updated_at: now,
          disabled_at: null,
        })
        .onConflict((oc) => oc.column('client_id').doNothing())
        .returning('client_id')
        .executeTakeFirst();
      return result ? 'ok' : 'duplicate';
    },
    async list() {
      const rows = await db.selectFrom('oidc_clients').selectAll().orderBy('client_id').execute();
      return rows.map(toService);
    },
    async find(clientId) {
      const row = await db.selectFrom('oidc_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row ? toService(row) : null;
    },
    async setDisabled(clientId, disabledAt, now) {
      const r = await db.updateTable('oidc_clients').set({ disabled_at: disabledAt, updated_at: now }).where('client_id', '=', clientId).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async replaceSecret(clientId, secret, now) {
      const r = await db
        .updateTable('oidc_clients')
        .set({ secret_sealed: box.seal(Buffer.from(secret, 'utf8'), aad(clientId)), updated_at: now })
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async activeWithSecret(clientId) {
      const row = await db.selectFrom('oidc_clients').selectAll().where('client_id', '=', clientId).where('disabled_at', 'is', null).executeTakeFirst();
      if (!row) return null;
      return { service: toService(row), secret: Buffer.from(box.open(row.secret_sealed, aad(clientId))).toString('utf8') };
    },
  };
}
