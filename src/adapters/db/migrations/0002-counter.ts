import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// The municipal counter: staff, sessions, policies, procedures, inquiry letters, PIN pad sessions, audit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table staff (
  id uuid primary key,
  login_id text not null unique,
  name text not null,
  role text not null check (role in ('clerk', 'supervisor', 'municipal_admin', 'national_admin', 'auditor')),
  municipality_code char(6) references municipalities(code),
  password_hash text not null,
  totp_secret_enc bytea not null,
  failed_logins smallint not null default 0,
  locked_until timestamptz,
  last_totp_step bigint,
  created_at timestamptz not null,
  disabled_at timestamptz,
  check ((role in ('national_admin', 'auditor')) = (municipality_code is null))
);

create table staff_sessions (
  id_hash bytea primary key,
  staff_id uuid not null references staff(id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);

create table municipal_policies (
  municipality_code char(6) not null references municipalities(code),
  version integer not null,
  policy jsonb not null,
  created_at timestamptz not null,
  created_by text not null,
  reason text not null,
  primary key (municipality_code, version)
);

create table procedures (
  id uuid primary key,
  municipality_code char(6) not null references municipalities(code),
  resident_id uuid not null references residents(id),
  card_id uuid references cards(id),
  applicant_type text not null check (applicant_type in ('self', 'legal_proxy', 'voluntary_proxy')),
  proxy_name text,
  same_day boolean not null,
  slots jsonb not null,
  state text not null,
  deadline timestamptz,
  opened_at timestamptz not null,
  opened_by text not null,
  updated_at timestamptz not null,
  history jsonb not null,
  documents jsonb not null,
  revision integer not null
);
create index procedures_open on procedures (municipality_code, state);

create table inquiry_letters (
  id uuid primary key,
  procedure_id uuid not null unique references procedures(id),
  municipality_code char(6) not null references municipalities(code),
  reference_number text not null unique,
  code_hash bytea not null,
  status text not null check (status in ('queued', 'mailed', 'answered', 'expired', 'cancelled', 'undeliverable')),
  address text not null,
  holder_name text not null,
  issued_at timestamptz not null,
  deadline timestamptz not null,
  status_changed_at timestamptz not null,
  code_failures smallint not null default 0,
  pdf bytea not null
);
create index inquiry_letters_status on inquiry_letters (municipality_code, status);

create table pin_pad_sessions (
  token_hash bytea primary key,
  procedure_id uuid not null references procedures(id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);

-- Append-only and hash-chained: each row's hash covers the previous row's hash and its own content.
create table audit_log (
  seq bigserial primary key,
  occurred_at timestamptz not null,
  actor_id text not null,
  actor_role text not null,
  municipality_code char(6),
  action text not null,
  target_type text,
  target_id text,
  reason text,
  detail jsonb,
  prev_hash bytea not null,
  hash bytea not null unique
);
create index audit_log_municipality on audit_log (municipality_code, seq);
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table audit_log;\ndrop table pin_pad_sessions;\ndrop table inquiry_letters;\ndrop table procedures;\ndrop table municipal_policies;\ndrop table staff_sessions;\ndrop table staff;\n`,
  );
}
