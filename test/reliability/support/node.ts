import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS } from './figures.js';

const MAIN = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));
const LOGS = join(ARTIFACTS, 'logs');

export type NodeSecrets = Readonly<{ pepper: Buffer; masterKey: Buffer; adminToken: string }>;

export function nodeSecrets(): NodeSecrets {
  return { pepper: randomBytes(32), masterKey: randomBytes(32), adminToken: `kgy_rel_${randomBytes(20).toString('hex')}` };
}

/**
 * One Kagiya node exactly as `npm start` runs it (src/main.ts, its own process, a free port), with everything it
 * prints kept in a log file under test-artifacts/reliability/logs (the secrecy part scans them). It can be killed
 * with SIGKILL and started again; each start takes a new port.
 */
export class KagiyaNode {
  proc: ChildProcess | null = null;
  url = '';
  starts = 0;
  private exited: Promise<void> = Promise.resolve();
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'kagiya-rel-'));
  readonly logFile: string;
  /** Lines of stderr seen since the last start (an uncaught error shows here). */
  stderr = '';

  constructor(
    readonly name: string,
    private readonly databaseUrl: string,
    private readonly secrets: NodeSecrets,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    mkdirSync(LOGS, { recursive: true });
    this.logFile = join(LOGS, `${name}-${randomBytes(4).toString('hex')}.log`);
  }

  /** Started and answering (a node being restarted is alive but not ready). */
  ready = false;

  alive(): boolean {
    return this.proc !== null && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  async start(): Promise<void> {
    this.starts += 1;
    this.stderr = '';
    this.ready = false;
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: this.databaseUrl,
        KAGIYA_DATA_DIR: this.dataDir,
        KAGIYA_DEMO: '0',
        KAGIYA_PEPPER: this.secrets.pepper.toString('hex'),
        KAGIYA_MASTER_KEY: this.secrets.masterKey.toString('hex'),
        KAGIYA_BOOTSTRAP_TOKEN: this.secrets.adminToken,
        KAGIYA_DB_POOL: '8',
        LOG_LEVEL: 'debug',
        ...this.extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    let out = '';
    proc.stdout!.on('data', (d) => {
      appendFileSync(this.logFile, d);
      if (out.length < 20_000) out += String(d);
    });
    proc.stderr!.on('data', (d) => {
      appendFileSync(this.logFile, d);
      this.stderr = (this.stderr + String(d)).slice(-20_000);
    });
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start in 60 s:\n${out}\n${this.stderr}`)), 60_000);
      const check = () => {
        const match = /Kagiya is running: (http:\/\/[0-9.]+:\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      proc.stdout!.on('data', check);
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited before it started:\n${out}\n${this.stderr}`));
      });
    });
    this.ready = true;
  }

  async kill9(): Promise<void> {
    if (!this.alive()) return;
    this.ready = false;
    this.proc!.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    this.ready = false;
    if (this.alive()) {
      this.proc!.kill('SIGTERM');
      const timer = setTimeout(() => this.proc?.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
