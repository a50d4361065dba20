// PostgreSQL for the bench: make sure a local server runs, create (and later drop) the bench database,
// find the pgbench binary.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const BENCH_DB_NAME = 'kagiya_bench';

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connects, or starts the local Debian cluster (pg_ctlcluster) and waits for it. */
export async function ensurePostgres(url: string, log: (line: string) => void): Promise<void> {
  if (await canConnect(url)) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').sort() : [];
  const version = versions.at(-1);
  if (!version) throw new Error(`cannot connect to ${redact(url)} and no /etc/postgresql cluster to start`);
  log(`PostgreSQL not reachable; starting cluster ${version}/main with pg_ctlcluster`);
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  for (let i = 0; i < 60; i++) {
    if (await canConnect(url)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`PostgreSQL did not come up at ${redact(url)}`);
}

export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The admin URL with its database replaced. */
export function urlForDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function recreateDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  });
}

/** WAL compression methods PostgreSQL 15 knows (lz4 and zstd only where it was built with them). */
export const WAL_COMPRESSION = ['off', 'pglz', 'lz4', 'zstd'] as const;
export type WalCompression = (typeof WAL_COMPRESSION)[number];

/**
 * Sets `wal_compression` for every later session on the database (a superuser's per-database setting, so the machine's
 * PostgreSQL configuration is left as it was): Kagiya's server, the peer and pgbench all connect after it.
 */
export async function setWalCompression(adminUrl: string, name: string, method: WalCompression): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`alter database "${name}" set wal_compression = '${method}'`));
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
}

export async function serverSettings(url: string): Promise<Record<string, string>> {
  return withClient(url, async (client) => {
    const names = ['server_version', 'max_connections', 'shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'wal_compression', 'autovacuum'];
    const { rows } = await client.query<{ name: string; setting: string }>(
      `select name, current_setting(name) as setting from pg_settings where name = any($1)`,
      [names],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  });
}

/** pgbench from PATH, else the newest /usr/lib/postgresql/<version>/bin/pgbench. */
export function findPgbench(): string | null {
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).trim();
    if (onPath) return onPath;
  } catch {
    // not on PATH
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const candidate = `${root}/${v}/bin/pgbench`;
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
