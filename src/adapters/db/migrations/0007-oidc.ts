import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// The identity provider (issue #9): oidc-provider's models, its keys, and the relying services registered by a
// national admin. Only tables of its own, so it applies in any order with the other branches' migrations.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table oidc_models (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz,
  consumed_at timestamptz,
  primary key (model, id)
);

create index oidc_models_grant on oidc_models (grant_id) where grant_id is not null;
create index oidc_models_uid on oidc_models (model, uid) where uid is not null;
create index oidc_models_user_code on oidc_models (model, user_code) where user_code is not null;
create index oidc_models_expiry on oidc_models (expires_at) where expires_at is not null;

create table oidc_secrets (
  name text primary key,
  sealed bytea not null,
  created_at timestamptz not null
);

create table oidc_clients (
  client_id text primary key check (client_id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name_ja text not null,
  name_en text not null,
  redirect_uris jsonb not null,
  post_logout_redirect_uris jsonb not null,
  scopes text not null,
  secret_sealed bytea not null,
  created_at timestamptz not null,
  created_by text not null,
  updated_at timestamptz not null,
  disabled_at timestamptz
);
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table oidc_clients;\ndrop table oidc_secrets;\ndrop table oidc_models;\n');
}
