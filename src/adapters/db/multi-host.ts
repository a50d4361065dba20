import pg from 'pg';

// node-postgres takes one host. Operators name a primary and its standbys in one URL, as libpq does
// (`postgres://user@db1:5432,db2:5432/kagiya?target_session_attrs=read-write`), so that after a failover the
// nodes find the new primary by themselves, without a restart or a DNS change. This does what libpq does for that
// URL: try the hosts in order and keep the first that accepts writes.

export type HostPort = Readonly<{ host: string; port: number }>;
export type ParsedUrl = Readonly<{
  user?: string;
  password?: string;
  database?: string;
  hosts: readonly HostPort[];
  readWrite: boolean;
}>;

const URL_SHAPE = /^postgres(?:ql)?:\/\/(?:([^@/?]*)@)?([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/;

/** Parses a URL that names several hosts or asks for target_session_attrs; null for a plain URL (pg reads those). */
export function parseMultiHostUrl(url: string): ParsedUrl | null {
  const match = URL_SHAPE.exec(url);
  if (!match) return null;
  const [, userinfo, hostlist = '', path, query = ''] = match;
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs');
  if (!hostlist.includes(',') && attrs === null) return null;
  if (attrs !== null && attrs !== 'read-write' && attrs !== 'any') throw new Error(`target_session_attrs=${attrs} is not supported (read-write or any)`);
  const hosts = hostlist.split(',').map((entry): HostPort => {
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (v6) return { host: v6[1]!, port: Number(v6[2] ?? 5432) };
    const [host, port] = entry.split(':');
    return { host: decodeURIComponent(host || 'localhost'), port: Number(port || 5432) };
  });
  if (hosts.some((h) => !Number.isInteger(h.port) || h.port <= 0 || h.port > 65535)) throw new Error('DATABASE_URL names a host with a bad port');
  const [user, password] = (userinfo ?? '').split(':').map((s) => decodeURIComponent(s));
  return {
    ...(user ? { user } : {}),
    ...(password ? { password } : {}),
    ...(path ? { database: decodeURIComponent(path) } : {}),
    hosts,
    readWrite: attrs === 'read-write',
  };
}

/** A refusal the fault table reads as "the database cannot serve" (SERVICE_UNAVAILABLE), never as our defect. */
function unavailable(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * pg.Pool options for such a URL: a Client class that connects to the first host that is up (and, with
 * read-write, not in recovery). The chosen host is remembered until a connection to it fails or finds it read-only,
 * then the hosts are tried again in order. With no host fit to serve, connecting fails with SQLSTATE 08001.
 */
export function multiHostPoolOptions(parsed: ParsedUrl, connectTimeoutMs: number): pg.PoolConfig {
  const base = { user: parsed.user, password: parsed.password, database: parsed.database };
  let chosen: HostPort | null = null;

  const fit = async (client: pg.Client): Promise<boolean> => {
    if (!parsed.readWrite) return true;
    const r = await client.query<{ ro: string }>("select current_setting('transaction_read_only') as ro");
    return r.rows[0]?.ro === 'off';
  };

  const probe = async (): Promise<HostPort> => {
    for (const target of parsed.hosts) {
      const client = new pg.Client({ ...base, ...target, connectionTimeoutMillis: connectTimeoutMs });
      client.on('error', () => undefined);
      try {
        await client.connect();
        if (await fit(client)) return target;
      } catch {
        // this host is down or refuses; try the next
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    throw unavailable(`no database host accepts ${parsed.readWrite ? 'writes' : 'connections'} (${parsed.hosts.map((h) => `${h.host}:${h.port}`).join(', ')})`, '08001');
  };

  class MultiHostClient extends pg.Client {
    // pg-pool calls connect(callback); kysely and tests may call connect().
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    override connect(callback?: any): any {
      const done = (async () => {
        const target = chosen ?? (chosen = await probe());
        const self = this as unknown as { host: string; port: number; connectionParameters: { host: string; port: number } };
        self.host = self.connectionParameters.host = target.host;
        self.port = self.connectionParameters.port = target.port;
        try {
          await super.connect();
        } catch (error) {
          chosen = null;
          throw error;
        }
        if (!(await fit(this as unknown as pg.Client).catch(() => false))) {
          chosen = null;
          await this.end().catch(() => undefined);
          throw unavailable(`database host ${target.host}:${target.port} is read-only (a standby)`, '25006');
        }
        return this as unknown as pg.Client;
      })();
      if (!callback) return done;
      done.then((client: pg.Client) => callback(null, client), (error: Error) => callback(error));
    }
  }

  return { ...base, host: parsed.hosts[0]!.host, port: parsed.hosts[0]!.port, Client: MultiHostClient as unknown as typeof pg.Client };
}
