import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// Risk detection (issue 13 item 1, docs/decisions.md "Risk holds and source blocks").
// - risk_failures: one row per failed PIN entry (a try spent), with the source it came from; the rules count distinct
//   cards per source and distinct addresses/services per card over a short window. Rows older than the longest
//   window are pruned by the risk evaluator.
// - risk_source_blocks: one row per blocked source key; the PIN statement probes it by primary key.
// - card_risk_holds: a card's risk holds; at most one active (released_at is null) per card, which the PIN
//   statement probes through the partial unique index.
// - risk_service_flags: relying services flagged to the national admin; at most one open flag per service.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table risk_failures (
  id bigserial primary key,
  source_key text,
  address text,
  service text,
  card_id uuid not null,
  occurred_at timestamptz not null
);
create index risk_failures_source on risk_failures (source_key, occurred_at) where source_key is not null;
create index risk_failures_card on risk_failures (card_id, occurred_at);
create index risk_failures_time on risk_failures (occurred_at);

create table risk_source_blocks (
  source_key text primary key,
  rule text not null,
  figures jsonb not null,
  blocked_at timestamptz not null,
  blocked_until timestamptz not null,
  refused bigint not null default 0,
  lifted_at timestamptz,
  lifted_by text
);

create table card_risk_holds (
  id uuid primary key,
  card_id uuid not null references cards(id),
  rule text not null,
  figures jsonb not null,
  held_at timestamptz not null,
  released_at timestamptz,
  released_by text,
  release_kind text check (release_kind in ('counter', 'holder')),
  release_reason text
);
create unique index card_risk_holds_active on card_risk_holds (card_id) where released_at is null;
create index card_risk_holds_card on card_risk_holds (card_id, held_at);

create table risk_service_flags (
  id uuid primary key,
  service text not null,
  rule text not null,
  figures jsonb not null,
  flagged_at timestamptz not null,
  updated_at timestamptz not null,
  dismissed_at timestamptz,
  dismissed_by text
);
create unique index risk_service_flags_open on risk_service_flags (service) where dismissed_at is null;
`,
  );
}
