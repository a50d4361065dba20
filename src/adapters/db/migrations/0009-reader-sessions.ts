import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// The card on a reader: one row per insertion of a card into a (virtual) reader. The security state — which
// PINs were verified in this card session — lives here, in Kagiya, not in the reader.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create table reader_sessions (
  id uuid primary key,
  card_id uuid not null references cards(id),
  terminal text not null,
  blocked_sw char(4) not null check (blocked_sw in ('6983', '6984')),
  selected_ap text,
  selected_ef char(4),
  verified_slots text not null default '',
  opened_at timestamptz not null,
  last_seen_at timestamptz not null,
  closed_at timestamptz
);

create index reader_sessions_card on reader_sessions (card_id, opened_at);
`,
  );
}
