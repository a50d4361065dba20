import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type DbConfig =
  | { kind: 'pglite'; dataDir: string | null /* null: in memory */; /** Start from this dumped data directory (tests' migrated template). */ loadDataDir?: Blob }
  | { kind: 'postgres'; url: string; poolSize: number };

export type Db = Kysely<Database>;

// int8 (bigserial ids) as numbers, as PGlite returns them: event ids stay far below 2^53.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    // dates (oid 1082) stay 'YYYY-MM-DD' strings: a calendar date has no time zone.
    if (oid === 1082) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

/** Marks a hot statement for a named prepared statement on PostgreSQL: `${prepared('begin_attempt')} with …`. */
export const PREPARED_MARK = /^\/\* prepared:([a-z_]+) \*\//;

/**
 * Hot statements run as named prepared statements, so PostgreSQL parses and plans them once per connection
 * instead of on every call (half the database time of a PIN verify). Only statements carrying the marker
 * are named, so the set of prepared statements stays small and fixed.
 */
function namingPool(pool: pg.Pool) {
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query(text: string, values: unknown[]) {
          const name = PREPARED_MARK.exec(text)?.[1];
          return name ? client.query({ name, text, values }) : client.query(text, values);
        },
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

export async function createDb(config: DbConfig): Promise<Db> {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize, types: pgTypes });
    // An idle connection that the server drops (a restart, a terminated backend) must not crash the process: the
    // pool discards it, and the next query fails or reconnects. Unhandled, pg would raise it as an uncaught error.
    pool.on('error', () => undefined);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool) as never }) });
  }
  if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
  const pglite = await PGlite.create(config.dataDir ?? undefined, {
    // dates as strings, matching the pg parser above
    parsers: { 1082: (value: string) => value },
    ...(config.loadDataDir ? { loadDataDir: config.loadDataDir } : {}),
  });
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}
