import { request } from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const SERVER = fileURLToPath(new URL('../../bench/server.ts', import.meta.url));

export type ServerChild = Readonly<{ child: ChildProcess; pid: number; base: string; exited: Promise<void> }>;

/**
 * The real Kagiya HTTP server (bench/server.ts: createSystem + @hono/node-server) in its own process, on a
 * random free port, so tests can run several on one database and kill them with SIGKILL.
 */
export async function startServerChild(input: {
  databaseUrl: string;
  pepper: Buffer;
  masterKey: Buffer;
  poolSize?: number;
}): Promise<ServerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: {
      ...process.env,
      BENCH_DB_URL: input.databaseUrl,
      BENCH_POOL_SIZE: String(input.poolSize ?? 8),
      BENCH_PEPPER_HEX: input.pepper.toString('hex'),
      BENCH_MASTER_KEY_HEX: input.masterKey.toString('hex'),
      BENCH_BOOTSTRAP_TOKEN: 'not-used-by-these-tests-000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s: ${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: boolean; port?: number };
        if (msg.ready && msg.port) {
          clearTimeout(timer);
          resolve(msg.port);
        }
      } catch {
        // not the ready line
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited during start-up: ${stderr}`));
    });
  });
  return { child, pid: child.pid!, base: `http://127.0.0.1:${port}`, exited };
}

export async function stopServerChild(server: ServerChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill(signal);
  await server.exited;
}

/**
 * POST with a JSON body on a fresh connection (no keep-alive): a reused socket that the server is closing at that
 * moment (its keep-alive timeout) would fail the request for a reason that has nothing to do with the test.
 */
export function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; body: any }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}
