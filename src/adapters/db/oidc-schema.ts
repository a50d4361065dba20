import type { Kysely } from 'kysely';
import type { Db } from './create-db.js';

// Row types of the identity provider's tables (migration 0007). Kept apart from schema.ts so that the branches
// adding tables today do not edit one shared file; `oidcDb` views the one Kysely instance through these tables.

export interface OidcModelTable {
  model: string;
  id: string;
  payload: unknown;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: Date | null;
  consumed_at: Date | null;
}

export interface OidcSecretTable {
  name: string;
  sealed: Uint8Array;
  created_at: Date;
}

export interface OidcClientTable {
  client_id: string;
  name_ja: string;
  name_en: string;
  redirect_uris: unknown;
  post_logout_redirect_uris: unknown;
  scopes: string;
  secret_sealed: Uint8Array;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  disabled_at: Date | null;
}

export interface OidcTables {
  oidc_models: OidcModelTable;
  oidc_secrets: OidcSecretTable;
  oidc_clients: OidcClientTable;
}

export type OidcDb = Kysely<OidcTables>;

export const oidcDb = (db: Db): OidcDb => db as unknown as OidcDb;
