import { mkdirSync } from 'node:fs';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import { classifyDbFault } from './db-faults.js';
import { multiHostPoolOptions, parseMultiHostUrl } from './multi-host.js';
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
function namingPool(pool: pg.Pool, onFault: (error: Error) => void) {
  // pg-pool listens for errors only on idle clients. A checked-out client whose backend dies between two statements
  // (a terminated backend, a restart) emits 'error' with nobody listening, which ends the process. So does a new
  // client whose backend dies in the same packet that completes its start-up: the pool hands it out synchronously,
  // and a listener added after `await pool.connect()` comes one microtask too late. Every client therefore gets a
  // listener of its own the moment the pool makes it ('connect' is emitted before it is handed out), for its whole
  // life; a client that has failed is destroyed on release instead of going back to the pool.
  const broken = new WeakMap<pg.PoolClient, Error>();
  pool.on('connect', (client) => {
    client.on('error', (error: Error) => {
      if (!broken.has(client)) onFault(error);
      broken.set(client, error);
    });
  });
  return {
    async connect() {
      const client = await pool.connect();
      return {
        async query(text: string, values: unknown[]) {
          const name = PREPARED_MARK.exec(text)?.[1];
          try {
            return await (name ? client.query({ name, text, values }) : client.query(text, values));
          } catch (error) {
            if (classifyDbFault(error) === 'unavailable' && !broken.has(client)) broken.set(client, error as Error);
            throw error;
          }
        },
        release: () => {
          // Passing the error destroys the client instead of handing a dead connection to the next request.
          client.release(broken.get(client));
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

const PGLITE = new WeakMap<Db, import('@electric-sql/pglite').PGlite>();
/** The embedded database behind `db`, or null on PostgreSQL (the job queue needs its multi-statement exec). */
export function pgliteOf(db: Db): import('@electric-sql/pglite').PGlite | null {
  return PGLITE.get(db) ?? null;
}

export type HotQuery = <R>(text: string, values: unknown[]) => Promise<R[]>;
const HOT = new WeakMap<Db, HotQuery>();

/**
 * The hot statements (a PIN entry, a status read) one call away from the driver: on PostgreSQL straight on the pg
 * pool as named prepared statements, skipping Kysely's executor and connection wrapper (they do nothing for a raw
 * statement); elsewhere (PGlite) through Kysely. Same SQL text either way.
 */
export function hotQuery(db: Db): HotQuery {
  return HOT.get(db) ?? (async <R>(text: string, values: unknown[]) => (await db.executeQuery<R>(CompiledQuery.raw(text, values))).rows as R[]);
}

const POOL_SIZE = new WeakMap<Db, number>();
/** The size of the pg pool behind `db`, or null where there is none (PGlite, a transaction). */
export function hotPoolSize(db: Db): number | null {
  return POOL_SIZE.get(db) ?? null;
}

export async function createDb(config: DbConfig, options: DbOptions = {}): Promise<Db> {
  const onFault = options.onFault ?? (() => undefined);
  if (config.kind === 'postgres') {
    // Several hosts or target_session_attrs (a primary and its standbys): see multi-host.ts.
    const multiHost = parseMultiHostUrl(config.url);
    const pool = new pg.Pool({
      ...(multiHost ? multiHostPoolOptions(multiHost, CONNECT_TIMEOUT_MS) : { connectionString: config.url }),
      max: config.poolSize,
      types: pgTypes,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle connection that the server drops (a restart, a terminated backend): the pool discards it and the next
    // query reconnects. The client's own listener (namingPool) has told onFault already.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingPool(pool, onFault) as never }) });
    POOL_SIZE.set(db, config.poolSize);
    HOT.set(db, async (text, values) => {
      // pool.query checks a client out, listens for its errors while the statement runs, and destroys it on a
      // connection fault; every client also has namingPool's listener from the moment the pool made it.
      const name = PREPARED_MARK.exec(text)?.[1];
      return (await pool.query(name ? { name, text, values } : { text, values })).rows;
    });
    return db;
  }
  if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
  // Loaded only when used: a PostgreSQL deployment never pays PGlite's start-up cost.
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(config.dataDir ?? undefined, {
    // dates as strings, matching the pg parser above
    parsers: { 1082: (value: string) => value },
    ...(config.loadDataDir ? { loadDataDir: config.loadDataDir } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  PGLITE.set(db, pglite);
  return db;
}
