import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

// PostgreSQL clusters of the suite's own, made with Debian's postgresql-common (pg_createcluster runs initdb as the
// postgres user, which is how it gets around initdb refusing root), on free ports (never 5432), and always dropped.
export const PG_VERSION = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0]!;
const made = new Set<string>();

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port === 5432 ? 0 : port));
    });
  }).then((port) => (port === 0 ? freePort() : (port as number)));
}

export type Cluster = Readonly<{ name: string; port: number; dataDir: string; url: (db?: string) => string }>;

export async function createCluster(role: string, options: string[] = []): Promise<Cluster> {
  const name = `kgyrel_${randomBytes(4).toString('hex')}_${role}`;
  const port = await freePort();
  made.add(name);
  await run('pg_createcluster', [PG_VERSION, name, '-p', String(port), '--start-conf=manual', '--', '--auth-local=trust', '--auth-host=trust']);
  // Debian's postgresql.conf reads conf.d/; settings go there as written (pg_createcluster -o re-quotes values).
  const settings = ["listen_addresses = '127.0.0.1'", 'max_connections = 200', ...options];
  writeFileSync(`/etc/postgresql/${PG_VERSION}/${name}/conf.d/kagiya-reliability.conf`, `${settings.join('\n')}\n`);
  return { name, port, dataDir: `/var/lib/postgresql/${PG_VERSION}/${name}`, url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}` };
}

export async function ctl(cluster: Cluster, action: 'start' | 'stop' | 'promote' | 'restart', ...extra: string[]): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, cluster.name, action, ...extra]);
}

export async function asPostgres(command: string): Promise<string> {
  const { stdout } = await run('su', ['postgres', '-s', '/bin/sh', '-c', command]);
  return stdout;
}

export async function dropCluster(cluster: { name: string }): Promise<void> {
  await run('pg_dropcluster', ['--stop', PG_VERSION, cluster.name]).catch(() => undefined);
  made.delete(cluster.name);
}

/** Drops whatever this process made, also when a test failed half-way or the run is interrupted. */
export async function dropAllClusters(): Promise<void> {
  await Promise.all([...made].map((name) => dropCluster({ name })));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void dropAllClusters().finally(() => process.exit(1)));
}

export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * A primary and a synchronous standby (pg_basebackup -R, synchronous_standby_names = '*', synchronous_commit = on):
 * a commit is acknowledged only once the standby has it on disk.
 */
export async function primaryWithSyncStandby(): Promise<{ primary: Cluster; standby: Cluster }> {
  const primary = await createCluster('primary', ["synchronous_standby_names = '*'", 'synchronous_commit = on', 'wal_level = replica']);
  await ctl(primary, 'start');
  const standby = await createCluster('standby');
  // The standby's data directory is the primary's, copied while it runs, with standby.signal and primary_conninfo.
  await asPostgres(`find ${standby.dataDir} -mindepth 1 -delete && pg_basebackup -h 127.0.0.1 -p ${primary.port} -U postgres -D ${standby.dataDir} -R -X stream -c fast`);
  await ctl(standby, 'start');
  await waitFor(async () => (await query<{ s: string }>(primary.url(), 'select sync_state as s from pg_stat_replication'))[0]?.s === 'sync', 60_000, 'the standby to be synchronous');
  return { primary, standby };
}
