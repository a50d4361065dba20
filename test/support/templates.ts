import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src/adapters/db/migrate.js';
import { PGliteDialect } from '../../src/adapters/db/pglite-dialect.js';

// A migrated template database per store, shared by every test file (and every run on this machine) with the same
// migration set. Several branches with different migrations share one PostgreSQL, so a template is named by a hash of
// the migration set; it is built once under an advisory lock, marked ready with `is_template`, and never dropped.

const SRC = join(import.meta.dirname, '..', '..', 'src', 'adapters', 'db');

/** sha256 of migrate.ts and every migration file: a new or changed migration makes a new template. */
export function migrationSetHash(): string {
  const dir = join(SRC, 'migrations');
  const files = [join(SRC, 'migrate.ts'), ...readdirSync(dir).sort().map((f) => join(dir, f))];
  const h = createHash('sha256');
  for (const file of files) h.update(file.slice(SRC.length)).update('\0').update(readFileSync(file)).update('\0');
  return h.digest('hex').slice(0, 16);
}

// --- PostgreSQL ----------------------------------------------------------------------------------------------------

const LOCK_CLASS = 7202612;

/** The ready template's name, building it first if no run has (race-safe across processes and branches). */
export async function postgresTemplate(adminUrl: string): Promise<string> {
  const hash = migrationSetHash();
  const name = `kagiya_tpl_${hash}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const ready = async () =>
      (await admin.query<{ t: boolean }>('select datistemplate as t from pg_database where datname = $1', [name])).rows[0]?.t === true;
    if (await ready()) return name;
    await admin.query('select pg_advisory_lock($1, $2)', [LOCK_CLASS, Number.parseInt(hash.slice(0, 7), 16)]);
    try {
      if (await ready()) return name;
      // Not ready: absent, or left half-built by a run that died holding this lock. Nobody uses it; build afresh.
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      await waitForNoConnections(admin, name);
      await admin.query(`alter database ${name} with is_template true allow_connections false`);
      return name;
    } finally {
      await admin.query('select pg_advisory_unlock($1, $2)', [LOCK_CLASS, Number.parseInt(hash.slice(0, 7), 16)]);
    }
  } finally {
    await admin.end();
  }
}

/** `create database … template …`, retried while another run is copying the same template at that instant. */
export async function createFromTemplate(admin: pg.Client, name: string, template: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await admin.query(`create database ${name} template ${template}`);
      return;
    } catch (error) {
      // 55006: "source database … is being accessed by other users".
      if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
}

async function waitForNoConnections(admin: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const r = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
    if (r.rows[0]!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`connections to ${name} did not close`);
}

// --- PGlite --------------------------------------------------------------------------------------------------------

const PGLITE_DIR = join(tmpdir(), 'kagiya-test-templates');

/** A dumped, migrated PGlite data directory (gzip tar); a new in-memory PGlite loads it instead of running initdb. */
export async function pgliteTemplate(): Promise<Blob> {
  const file = join(PGLITE_DIR, `pglite-${migrationSetHash()}.tar.gz`);
  if (!existsSync(file)) {
    const pglite = await PGlite.create();
    const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
    try {
      await migrateToLatest(db);
      const dump = await pglite.dumpDataDir('gzip');
      mkdirSync(PGLITE_DIR, { recursive: true });
      // Written aside, then renamed: a reader never sees half a file, and concurrent builders write the same bytes.
      const partial = `${file}.${process.pid}.${Date.now()}.partial`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
    } finally {
      await db.destroy();
    }
  }
  return new Blob([readFileSync(file)]);
}
