// The real Kagiya HTTP server, started by run-bench.ts as a child process so that its memory and CPU can be
// measured on their own. Configuration comes from the environment the driver sets (never from argv, so the
// secrets do not show in `ps`). Prints one JSON line `{"ready":true,"port":…}` on stdout once listening.
import { serve } from '@hono/node-server';
import { pino } from 'pino';
import { pinBatchStats } from '../src/adapters/db/card-attempt.sql.js';
import { createSystem } from '../src/system.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`bench server: ${name} is not set`);
  return value;
}

async function main() {
  const url = required('BENCH_DB_URL');
  const poolSize = Number(process.env.BENCH_POOL_SIZE ?? 16);
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error(`bench server: bad BENCH_POOL_SIZE ${process.env.BENCH_POOL_SIZE}`);
  const logger = pino({ level: 'warn', base: undefined });
  const system = await createSystem({
    database: { kind: 'postgres', url, poolSize },
    pepper: Buffer.from(required('BENCH_PEPPER_HEX'), 'hex'),
    masterKey: Buffer.from(required('BENCH_MASTER_KEY_HEX'), 'hex'),
    keyAlgorithm: 'ECDSA-P256',
    bootstrapToken: required('BENCH_BOOTSTRAP_TOKEN'),
    logger,
  });
  // The bench reads how many PIN entries each statement carried (the floor runs the same shape).
  // The server's env (Node's IncomingMessage) goes on to the app: its edge guard reads bodies from it.
  const fetch = (request: Request, env: unknown) =>
    request.url.endsWith('/bench/pin-batches')
      ? Response.json(pinBatchStats(system.db) ?? { statements: 0, entries: 0, largest: 0, ms: 0, sentAgain: 0 })
      : system.app.fetch(request, env);
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    process.stdout.write(`${JSON.stringify({ ready: true, port: info.port, pid: process.pid, poolSize })}\n`);
  });
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    // Stop accepting, let open requests finish, then close the pool. process.exit (not a signal death) so that
    // --cpu-prof / --heap-prof can write their files.
    server.close(() => void system.close().finally(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error('bench server failed to start:', error);
  process.exit(1);
});
