import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// Holder notifications (issue 11 item 4). Adds only its own tables and one column.
// - residents.contact_email: where a holder's notifications go (nullable: a resident without one is told nothing,
//   and the notification is kept as `no_address`).
// - notification_cursors: how far the notifier has followed card_events (the integration bus). It starts at the
//   newest event when the migration runs, so history is not announced.
// - notifications: the outbox. One row per notification, unique per dedupe key (an event id, or a certificate and
//   its reminder), so a scan that runs twice never writes a second one; subject and body are composed when the row
//   is written; delivery state, tries and the last error are kept here. The job queue (pg-boss) delivers them.
// - certificates_expiring: the daily expiry scan reads current valid certificates by their end date.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
alter table residents add column contact_email text;

create table notification_cursors (
  name text primary key,
  last_event_id bigint not null
);
insert into notification_cursors (name, last_event_id) select 'card_events', coalesce(max(id), 0) from card_events;

create table notifications (
  id uuid primary key,
  card_id uuid not null references cards(id),
  resident_id uuid not null references residents(id),
  kind text not null,
  dedupe_key text not null unique,
  event_id bigint,
  subject text not null,
  body text not null,
  status text not null check (status in ('queued', 'sent', 'failed', 'no_address')),
  recipient text,
  transport text,
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null,
  sent_at timestamptz
);
create index notifications_created on notifications (created_at, id);
create index notifications_card on notifications (card_id, created_at);

create index certificates_expiring on certificates (not_after) where current and status = 'valid';
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `drop index certificates_expiring;
drop table notifications;
drop table notification_cursors;
alter table residents drop column contact_email;
`,
  );
}
