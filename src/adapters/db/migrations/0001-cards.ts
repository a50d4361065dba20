import { sql, type Kysely } from 'kysely';

// Plain SQL that PostgreSQL 15+ and PGlite both run unchanged.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table municipalities (
  code char(6) primary key,
  name_ja text not null,
  name_en text not null,
  prefecture_ja text not null,
  created_at timestamptz not null
);

create table residents (
  id uuid primary key,
  municipality_code char(6) not null references municipalities(code),
  name text not null,
  name_kana text not null,
  birth_date date not null,
  sex text not null check (sex in ('male', 'female', 'other')),
  address text not null,
  adult_ward boolean not null default false,
  -- DOMAIN.md §6: the My Number is stored encrypted; the index is a keyed hash for uniqueness and lookup.
  my_number_enc bytea not null,
  my_number_index bytea not null unique,
  my_number_masked text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index residents_municipality on residents (municipality_code);

create table cards (
  id uuid primary key,
  resident_id uuid not null references residents(id),
  -- SHA-256 of the 256-bit card key: high entropy needs no slow hash.
  key_hash bytea not null,
  status text not null check (status in ('active', 'suspended', 'revoked')),
  issued_at timestamptz not null,
  expires_at timestamptz not null,
  key_algorithm text not null,
  status_changed_at timestamptz,
  status_reason text
);
create index cards_resident on cards (resident_id);

create table pin_slots (
  card_id uuid not null references cards(id),
  slot text not null check (slot in ('auth', 'sign', 'assist', 'juki')),
  pin_hash bytea not null,
  max_tries smallint not null,
  remaining smallint not null check (remaining >= 0 and remaining <= max_tries),
  -- attempt_seq numbers every spent try; last_success_seq is the newest attempt whose match was applied.
  -- Together they let a success restore the counter without forgiving tries spent after it.
  attempt_seq integer not null default 0,
  last_success_seq integer not null default 0,
  locked_at timestamptz,
  pin_set_at timestamptz not null,
  updated_at timestamptz not null,
  primary key (card_id, slot)
);

create table certificates (
  id uuid primary key,
  card_id uuid not null references cards(id),
  kind text not null check (kind in ('auth', 'sign')),
  serial_hex text not null unique,
  der bytea not null,
  private_key_enc bytea not null,
  not_before timestamptz not null,
  not_after timestamptz not null,
  status text not null check (status in ('valid', 'suspended', 'revoked')),
  status_changed_at timestamptz,
  revocation_reason text,
  -- the certificate the card uses now for this kind; older ones stay for CRL/OCSP history
  current boolean not null
);
create unique index certificates_current on certificates (card_id, kind) where current;

create table card_events (
  id bigserial primary key,
  card_id uuid not null references cards(id),
  occurred_at timestamptz not null,
  operation text not null,
  slot text,
  result text not null,
  code text,
  remaining_after smallint,
  attempt_seq integer,
  channel text,
  service text,
  terminal text,
  actor text,
  detail jsonb
);
create index card_events_card on card_events (card_id, id);

create table certificate_authorities (
  id text primary key,
  algorithm text not null,
  cert_der bytea not null,
  private_key_enc bytea not null,
  created_at timestamptz not null
);

create table api_tokens (
  id uuid primary key,
  token_hash bytea not null unique,
  label text not null,
  role text not null,
  municipality_code char(6) references municipalities(code),
  created_at timestamptz not null,
  revoked_at timestamptz
);
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop table api_tokens;\ndrop table certificate_authorities;\ndrop table card_events;\ndrop table certificates;
drop table pin_slots;\ndrop table cards;\ndrop table residents;\ndrop table municipalities;\n`,
  );
}

// PGlite's extended protocol takes one statement at a time, so a script is split at line-ending semicolons.
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of script.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) {
    await sql.raw(statement).execute(db);
  }
}
