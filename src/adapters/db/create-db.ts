import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import { classifyDbFault } from './db-faults.js';
import type { Database } from './schema.js';

export type DbConfig =
  | { kind: 'pglite'; dataDir: string | null /* null: in memory */ }
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
function namingPool(pool: pg.Pool, onFault: (error: Error) => void) {
  return {
    async connect() {
      const client = await pool.connect();
      // pg-pool listens for errors only on idle clients. A checked-out client whose backend dies between two
      // statements (a terminated backend, a restart) emits 'error' with nobody listening, which ends the process.
      // Catch it here; the statement in flight fails on its own, and the broken client leaves the pool on release.
      let broken: Error | undefined;
      const onError = (error: Error) => {
        broken = error;
        onFault(error);
      };
      client.on('error', onError);
      return {
        async query(text: string, values: unknown[]) {
          const name = PREPARED_MARK.exec(text)?.[1];
          try {
            return await (name ? client.query({ name, text, values }) : client.query(text, values));
          } catch (error) {
            if (classifyDbFault(error) === 'unavailable') broken ??= error as Error;
            throw error;
          }
        },
        release: () => {
          client.removeListener('error', onError);
          // Passing the error destroys the client instead of handing a dead connection to the next request.
          client.release(broken);
        },
      };
    },
    end: () => pool.end(),
  };
}

export type DbOptions = Readonly<{
  /** Told of every connection fault the drivers raise outside a statement (for the log); never throws. */
  onFault?: (error: Error) => void;
}>;

/** How long a request waits for a connection before it is told the service is unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;

export async function createDb(config: DbConfig, options: DbOptions = {}): Promise<Db> {
  const onFault = options.onFault ?? (() => undefined);
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize,
      types: pgTypes,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle connection that the server drops (a restart, a terminated backend) must not crash the process: the
    // pool discards it, and the next query reconnects. Unhandled, pg would raise it as an uncaught error.
    pool.on('error', (error) => onFault(error));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool, onFault) as never }) });
  }
  if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
  // Loaded only when used: a PostgreSQL deployment never pays PGlite's start-up cost.
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(config.dataDir ?? undefined, {
    // dates as strings, matching the pg parser above
    parsers: { 1082: (value: string) => value },
  });
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}
