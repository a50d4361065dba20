import type { Kysely } from 'kysely';
import { runStatements } from './0001-cards.js';

// The lock dashboard (issue 11) counts incidents per day across every card. card_events is indexed by card only,
// and a full index on occurred_at would cost every PIN entry (the hot path) a second index write. A partial index
// holds only the rare rows the dashboard reads (locks, refusals for a lock, a certificate, a card or a hold, and
// unlocks), so an ordinary successful or wrong entry writes nothing more.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
create index card_events_incidents on card_events (occurred_at)
  where (result = 'incorrect' and remaining_after = 0)
     or (result in ('refused', 'held') and code is not null and code <> 'PIN_FORMAT')
     or operation in ('counter_reset', 'kiosk_reset');
`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, 'drop index card_events_incidents;');
}
