import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { api } from '../../support/api.js';
import { PINS, residentBody } from '../../support/factories.js';
import { createTestSystem, type StoreKind } from '../../support/test-db.js';

// The real stack of the card on a reader: pcscd with vsmartcard's vpcd driver, `kagiya reader` (the CLI, as a
// separate process), a Kagiya server on a random port, and OpenSC's own tools. Nothing here is mocked.

const ROOT = join(import.meta.dirname, '..', '..', '..');
export const VPCD_PORT = 35963;

/** OpenSC, pcscd and vpcd are CI requirements (.ci/run installs them): a missing one fails loudly, never skips. */
export function requireTools() {
  for (const tool of ['pcscd', 'opensc-tool', 'pkcs15-tool', 'pkcs11-tool', 'openssl']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
    if (!found) throw new Error(`${tool} is missing: apt-get install pcscd vsmartcard-vpcd opensc opensc-pkcs11 openssl`);
  }
}

export const PKCS11_MODULE = ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so'].find((p) => {
  try {
    return spawnSync('test', ['-f', p]).status === 0;
  } catch {
    return false;
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export type Run = { code: number; stdout: string; stderr: string };

/** Runs a tool to completion (never through a shell: arguments go as they are). */
export function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'buffer', maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ code, stdout: stdout.toString('latin1'), stderr: stderr.toString('utf8') });
    });
  });
}

/** pcscd in the foreground with only the vpcd reader configured; stopped by the returned function. */
export async function startPcscd(dir: string): Promise<{ stop: () => Promise<void>; log: () => string }> {
  if (spawnSync('pgrep', ['-x', 'pcscd']).status === 0) throw new Error('another pcscd is running; stop it first (only one may own /run/pcscd)');
  if (await portOpen(VPCD_PORT)) throw new Error(`port ${VPCD_PORT} is taken`);
  const confDir = join(dir, 'reader.conf.d');
  spawnSync('mkdir', ['-p', confDir]);
  writeFileSync(
    join(confDir, 'vpcd'),
    'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x8C7B\n',
  );
  let log = '';
  const proc = spawn('pcscd', ['--foreground', '--apdu', '--debug', '-c', confDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d: Buffer) => (log += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (log += d.toString()));
  await waitFor('vpcd to listen on 35963', () => portOpen(VPCD_PORT));
  return {
    log: () => log,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
    },
  };
}

/** Kagiya on a real socket, with one RSA-2048 card (OpenSC's JPKI driver is RSA-only). */
export async function startKagiya(store: StoreKind, options: { clock?: () => Date; readerIdleSeconds?: number } = {}) {
  const system = await createTestSystem(store, options.clock ? { clock: options.clock } : {});
  if (options.readerIdleSeconds) Object.assign(system.deps, { readerIdleSeconds: options.readerIdleSeconds });
  let server!: ServerType;
  const url = await new Promise<string>((resolve) => {
    server = serve({ fetch: system.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}`));
  });
  const http = api(system);
  return {
    url,
    system,
    http,
    async rsaCard(overrides: Record<string, unknown> = {}) {
      const r = await http.call('POST', '/api/v1/residents', { body: residentBody(overrides), headers: http.admin });
      if (r.status !== 201) throw new Error(`resident: ${JSON.stringify(r.body)}`);
      const c = await http.call('POST', '/api/v1/cards', { body: { residentId: r.body.id, pins: { ...PINS }, keyAlgorithm: 'RSA-2048' }, headers: http.admin });
      if (c.status !== 201) throw new Error(`card: ${JSON.stringify(c.body)}`);
      return { cardId: c.body.cardId as string, cardKey: c.body.cardKey as string };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await system.dispose();
    },
  };
}

/** `kagiya reader` as a user runs it (bin/kagiya.js through tsx), with its output kept for assertions. */
export async function startReaderCli(url: string, card: { cardId: string; cardKey: string }, dir: string, extra: string[] = []) {
  const cardFile = join(dir, `card-${card.cardId}.json`);
  writeFileSync(cardFile, JSON.stringify(card));
  let output = '';
  const proc: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'kagiya.js'), 'reader', '--url', url, '--card-file', cardFile, '--trace', ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const inserted = () => (output.match(/card inserted into the reader/g) ?? []).length;
  await waitFor('kagiya reader to insert the card', () => inserted() >= 1, 30_000);
  await waitFor('the card to show in the reader', async () => / Yes +Virtual PCD 00 00/.test((await run('opensc-tool', ['-l'])).stdout));
  return {
    output: () => output,
    inserted,
    signal: (sig: NodeJS.Signals) => proc.kill(sig),
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((resolve) => proc.once('exit', resolve));
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
    },
  };
}

export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'kagiya-reader-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
