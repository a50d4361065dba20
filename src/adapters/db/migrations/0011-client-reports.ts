import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// What clients showed a person when they refused them (issue 11). Never joined into a PIN entry: a report changes
// no counter. card_id is null for a report that names no card (a relying service before the card was read).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table client_reports (
  id bigserial primary key,
  card_id uuid references cards(id),
  received_at timestamptz not null,
  shown_code text not null,
  app text not null,
  app_version text not null,
  channel text,
  service text,
  terminal text,
  slot text check (slot in ('auth', 'sign', 'assist', 'juki')),
  client_cause text,
  source_kind text not null check (source_kind in ('card_key', 'holder_token', 'relying_party')),
  source_id text not null,
  detail jsonb
);

create index client_reports_card on client_reports (card_id, received_at) where card_id is not null;
create index client_reports_source on client_reports (source_kind, source_id, received_at);
create index client_reports_received on client_reports (received_at);
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop table client_reports;');
}
