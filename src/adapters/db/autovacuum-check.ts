import { sql } from 'kysely';
import { pgliteOf, type Db } from './create-db.js';

type Logger = { warn(obj: object, msg: string): void };

/**
 * Warns at start-up when the PostgreSQL server runs with autovacuum (or the statistics it needs) off. Kagiya's hot
 * statements are prepared once per connection and keep their plan until the planner's statistics change; autovacuum's
 * ANALYZE is what changes them. Without it a plan made while a table was empty stays: the risk figures' plan, made on
 * an empty risk_failures, read the whole table on every wrong PIN (6.4 ms a call at 20,000 rows, 0.12 ms after an
 * ANALYZE; bench/README.md, "Statistics"). PGlite plans each statement afresh and is not checked. Returns whether it
 * warned.
 */
export async function warnIfAutovacuumOff(db: Db, logger: Logger): Promise<boolean> {
  if (pgliteOf(db)) return false;
  const row = (
    await sql<{ autovacuum: string; track_counts: string }>`
      select current_setting('autovacuum') as autovacuum, current_setting('track_counts') as track_counts
    `.execute(db)
  ).rows[0];
  if (row?.autovacuum === 'on' && row.track_counts === 'on') return false;
  logger.warn(
    { autovacuum: row?.autovacuum, track_counts: row?.track_counts },
    'PostgreSQL runs with autovacuum off: statistics and the prepared statements\' plans go stale as tables grow; turn autovacuum on or run ANALYZE regularly',
  );
  return true;
}
