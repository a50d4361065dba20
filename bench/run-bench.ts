// `npm run bench`: seeds cards on a fresh PostgreSQL database, starts the real server in a child process, loads
// it with autocannon (card status, PIN verify), runs pgbench with the same SQL, and prints/saves a summary.
// See bench/README.md for what is measured and the environment knobs.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createSystem, type System } from '../src/system.js';
import { runStatus, runVerify, type ScenarioResult } from './lib/http-load.js';
import { runPgbench, STATUS_SCRIPT, VERIFY_SCRIPT, type PgbenchResult } from './lib/pgbench.js';
import {
  BENCH_DB_NAME,
  DEFAULT_ADMIN_URL,
  dropDatabase,
  ensurePostgres,
  findPgbench,
  recreateDatabase,
  redact,
  serverSettings,
  urlForDatabase,
  withClient,
} from './lib/postgres.js';
import { cpuBreakdown, currentRss, machineInfo, peakRss, resetPeakRss, sampleCpu, trackPostgresCpu } from './lib/proc.js';
import { seedCards, writeHelperTable, type BenchCard } from './lib/seed.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = { verifyPerSecond: 5000, p99Ms: 20 } as const;

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return value;
}

const config = {
  cards: intEnv('BENCH_CARDS', 2000),
  connections: intEnv('BENCH_CONNECTIONS', 64),
  seconds: intEnv('BENCH_SECONDS', 15),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', 3, 0),
  poolSize: intEnv('BENCH_POOL_SIZE', 16),
  seedConcurrency: intEnv('BENCH_SEED_CONCURRENCY', 8),
  pgbench: process.env.BENCH_PGBENCH !== '0',
  pgbenchClients: intEnv('BENCH_PGBENCH_CLIENTS', intEnv('BENCH_CONNECTIONS', 64)),
  pgbenchModes: (process.env.BENCH_PGBENCH_MODES ?? 'prepared,extended').split(',').map((s) => s.trim()).filter(Boolean) as ('prepared' | 'extended' | 'simple')[],
  scenarios: (process.env.BENCH_SCENARIOS ?? 'status,verify').split(',').map((s) => s.trim()).filter(Boolean),
  serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  keepDb: process.env.BENCH_KEEP_DB === '1',
};

const log = (line: string) => console.log(line);
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MB`);
const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(digits));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function secretEnv(name: string): Buffer | null {
  const value = process.env[name];
  if (!value) return null;
  return Buffer.from(value, /^[0-9a-f]+$/i.test(value) ? 'hex' : 'base64');
}

type Server = { child: ChildProcessByStdio<null, Readable, Readable>; pid: number; port: number; exited: Promise<number | null> };

async function startServer(dbUrl: string, secrets: { pepper: Buffer; masterKey: Buffer; bootstrapToken: string }): Promise<Server> {
  const child = spawn(process.execPath, [...config.serverNodeArgs, '--import', 'tsx', join(ROOT, 'bench/server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_DB_URL: dbUrl,
      BENCH_POOL_SIZE: String(config.poolSize),
      BENCH_PEPPER_HEX: secrets.pepper.toString('hex'),
      BENCH_MASTER_KEY_HEX: secrets.masterKey.toString('hex'),
      BENCH_BOOTSTRAP_TOKEN: secrets.bootstrapToken,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let forwarded = 0;
  const forward = (line: string) => {
    forwarded++;
    if (forwarded <= 20) process.stderr.write(`[server] ${line}\n`);
    else if (forwarded === 21) process.stderr.write('[server] … further server output suppressed\n');
  };
  createInterface({ input: child.stderr }).on('line', forward);
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<{ port: number }>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 60 s')), 60_000);
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: boolean; port?: number };
        if (msg.ready && msg.port) {
          clearTimeout(timer);
          resolveReady({ port: msg.port });
          return;
        }
      } catch {
        // not our JSON line
      }
      forward(line);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited during start-up (code ${code})`));
    });
  });
  const { port } = await ready;
  return { child, pid: child.pid!, port, exited };
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const done = await Promise.race([server.exited.then(() => true), sleep(8000).then(() => false)]);
  if (!done) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}

type Phase = ScenarioResult & { peakRssBytes: number | null; cpu: ReturnType<typeof cpuBreakdown> };

async function measured(server: Server, name: string, run: () => Promise<ScenarioResult>, warm: () => Promise<unknown>): Promise<Phase> {
  resetPeakRss(server.pid);
  if (config.warmupSeconds > 0) {
    log(`  ${name}: warm-up ${config.warmupSeconds} s …`);
    await warm();
  }
  log(`  ${name}: measuring ${config.seconds} s at ${config.connections} connections …`);
  const pgTracker = trackPostgresCpu(1000); // the server's pool connections live through the run
  const before = sampleCpu(server.pid);
  const t0 = process.hrtime.bigint();
  const result = await run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuBreakdown(before, sampleCpu(server.pid), wall, pgTracker.stop());
  const phase: Phase = { ...result, peakRssBytes: peakRss(server.pid), cpu };
  printScenario(phase);
  return phase;
}

function printScenario(p: Phase) {
  log(
    `  ${p.name}: ${fmt(p.requestsPerSecondAvg, 0)} req/s (±${fmt(p.requestsPerSecondStddev, 0)}), ${p.requestsTotal} requests, ` +
      `latency p50 ${fmt(p.latencyMs.p50)} ms / p99 ${fmt(p.latencyMs.p99)} ms / max ${fmt(p.latencyMs.max)} ms, ` +
      `errors ${p.errors}${p.expectedNon2xx ? `, expected 401 PIN_INCORRECT ${p.expectedNon2xx}` : ''}, server peak RSS ${mb(p.peakRssBytes)}`,
  );
  log(
    `    CPU (cores): server ${fmt(p.cpu.serverCores, 2)}, autocannon ${fmt(p.cpu.loadGeneratorCores, 2)}, ` +
      `PostgreSQL ${fmt(p.cpu.postgresCores, 2)}, other processes ${fmt(p.cpu.otherCores, 2)}; machine busy ${fmt(p.cpu.machineBusyPercent, 0)} %`,
  );
  const perReq = (cores: number) => fmt((1000 * cores) / p.requestsPerSecondAvg, 3);
  log(
    `    CPU per request: server ${perReq(p.cpu.serverCores)} ms (${p.cpu.serverKernelPercent ?? 'n/a'} % in the kernel), PostgreSQL ${perReq(p.cpu.postgresCores)} ms; ` +
      `server thread preempted ${p.cpu.serverInvoluntarySwitchesPerSecond ?? 'n/a'}/s, waited ${p.cpu.serverVoluntarySwitchesPerSecond ?? 'n/a'}/s`,
  );
  if (Object.keys(p.tally.unexpected).length) log(`    unexpected answers: ${JSON.stringify(p.tally.unexpected)}`);
  if (p.socketErrors || p.timeouts) log(`    socket errors ${p.socketErrors}, timeouts ${p.timeouts}`);
}

function printPgbench(r: PgbenchResult) {
  log(
    `  pgbench ${r.name} (-M ${r.mode}, ${r.clients} clients): ${fmt(r.tps, 0)} tps, latency avg ${fmt(r.latencyMs.avg, 2)} ms, ` +
      `p50 ${fmt(r.latencyMs.p50, 2)} ms, p99 ${fmt(r.latencyMs.p99, 2)} ms, failed ${r.failedTransactions ?? 'n/a'}${r.aborted ? ' — ABORTED' : ''}`,
  );
  log(`    CPU: PostgreSQL ${fmt(r.postgresCores, 2)} cores; machine busy ${r.machineBusyPercent} %`);
  for (const s of r.statementLatencyMs) log(`      ${s.ms.toFixed(3).padStart(8)} ms  ${s.statement}`);
  if (r.aborted && r.stderrTail) log(`    stderr: ${r.stderrTail}`);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

async function main() {
  const machine = machineInfo();
  const startedAt = new Date();
  const direct = process.env.DATABASE_URL?.trim() || null;
  const adminUrl = process.env.BENCH_ADMIN_URL?.trim() || DEFAULT_ADMIN_URL;
  log(`Kagiya bench — ${machine.nproc} CPUs (${machine.cpuModel}), node ${machine.node}, load average ${machine.loadAverage.join(' ')}`);
  log(
    `  cards ${config.cards}, connections ${config.connections}, ${config.seconds} s per scenario (+${config.warmupSeconds} s warm-up), ` +
      `server pool ${config.poolSize}`,
  );
  if (config.cards < config.connections * 4) log(`  WARNING: BENCH_CARDS < 4 × connections: the same card is hit concurrently, wrong PINs may lock it`);

  await ensurePostgres(direct ?? adminUrl, log);
  const dbUrl = direct ?? urlForDatabase(adminUrl, BENCH_DB_NAME);
  if (direct) log(`database: DATABASE_URL ${redact(direct)} (used as is; seeded rows are left in it)`);
  else {
    log(`database: fresh "${BENCH_DB_NAME}" created from ${redact(adminUrl)}`);
    await recreateDatabase(adminUrl, BENCH_DB_NAME);
  }
  const pgSettings = await serverSettings(dbUrl);
  log(`  PostgreSQL ${pgSettings.server_version}, max_connections ${pgSettings.max_connections}, shared_buffers ${pgSettings.shared_buffers}, synchronous_commit ${pgSettings.synchronous_commit}`);

  const secrets = {
    pepper: (direct && secretEnv('KAGIYA_PEPPER')) || randomBytes(32),
    masterKey: (direct && secretEnv('KAGIYA_MASTER_KEY')) || randomBytes(32),
    bootstrapToken: randomBytes(24).toString('base64url'),
  };

  let server: Server | null = null;
  let seeder: System | null = null;
  let exitCode = 0;
  const interrupted = () => {
    log('interrupted: cleaning up');
    if (server) server.child.kill('SIGTERM');
  };
  process.once('SIGINT', interrupted);

  try {
    // --- seed -------------------------------------------------------------------------------------------
    seeder = await createSystem({
      database: { kind: 'postgres', url: dbUrl, poolSize: config.seedConcurrency * 2 + 2 },
      ...secrets,
      keyAlgorithm: 'ECDSA-P256',
      logger: pino({ level: 'warn', base: undefined }),
    });
    const seedStart = Date.now();
    log(`seeding ${config.cards} cards through createResident + issueCard (concurrency ${config.seedConcurrency}) …`);
    const cards: BenchCard[] = await seedCards(seeder, config.cards, config.seedConcurrency, (done) => log(`  ${done} / ${config.cards}`));
    const seedSeconds = (Date.now() - seedStart) / 1000;
    log(`  seeded in ${seedSeconds.toFixed(1)} s (${(config.cards / seedSeconds).toFixed(0)} cards/s)`);
    await writeHelperTable(seeder, cards);
    await seeder.close();
    seeder = null;
    await withClient(dbUrl, (c) => c.query('vacuum analyze'));

    // --- HTTP scenarios -----------------------------------------------------------------------------------
    server = await startServer(dbUrl, secrets);
    const srv = server;
    const rssAfterStart = currentRss(srv.pid);
    log(`server: pid ${srv.pid}, http://127.0.0.1:${srv.port}, RSS after start ${mb(rssAfterStart)}${config.serverNodeArgs.length ? `, node args ${config.serverNodeArgs.join(' ')}` : ''}`);
    const load = { baseUrl: `http://127.0.0.1:${srv.port}`, connections: config.connections, seconds: config.seconds, cards };
    const warmLoad = { ...load, seconds: config.warmupSeconds };
    const phases: Phase[] = [];
    if (config.scenarios.includes('status')) {
      phases.push(await measured(srv, 'status', () => runStatus(load), () => runStatus(warmLoad)));
    }
    if (config.scenarios.includes('verify')) {
      let seq = 0;
      phases.push(
        await measured(
          srv,
          'verify',
          async () => runVerify(load, seq),
          async () => {
            seq = (await runVerify(warmLoad, seq)).nextSeq;
          },
        ),
      );
    }
    await sleep(1000); // let requests abandoned by autocannon at the deadline finish before the pool closes
    const serverPeakAtEnd = peakRss(srv.pid);
    await stopServer(srv);
    server = null;
    const serverPeak = Math.max(serverPeakAtEnd ?? 0, ...phases.map((p) => p.peakRssBytes ?? 0)) || null;
    log(`server stopped; peak RSS ${mb(serverPeak)}`);

    // --- pgbench -------------------------------------------------------------------------------------------
    const pgbenchResults: PgbenchResult[] = [];
    const pgbenchBin = config.pgbench ? findPgbench() : null;
    if (config.pgbench && !pgbenchBin) log('pgbench not found (PATH, /usr/lib/postgresql/*/bin): skipped');
    if (pgbenchBin) {
      log(`pgbench (${pgbenchBin}): the server's SQL, ${config.pgbenchClients} clients, ${config.seconds} s each …`);
      const scripts = [
        ...(config.scenarios.includes('verify') ? [{ name: 'verify-sql', script: VERIFY_SCRIPT }] : []),
        ...(config.scenarios.includes('status') ? [{ name: 'status-sql', script: STATUS_SCRIPT }] : []),
      ];
      for (const { name, script } of scripts) {
        for (const mode of config.pgbenchModes) {
          const r = await runPgbench({
            bin: pgbenchBin,
            url: dbUrl,
            name,
            script,
            mode,
            clients: config.pgbenchClients,
            threads: Math.max(1, Math.min(machine.nproc, config.pgbenchClients)),
            seconds: config.seconds,
            ncards: cards.length,
          });
          printPgbench(r);
          pgbenchResults.push(r);
        }
      }
    }

    // --- summary -------------------------------------------------------------------------------------------
    const verify = phases.find((p) => p.name === 'verify');
    const met = verify ? verify.requestsPerSecondAvg >= TARGET.verifyPerSecond && verify.latencyMs.p99 < TARGET.p99Ms && verify.errors === 0 : null;
    const rows: string[][] = [['run', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'server peak RSS', 'CPU cores srv/ac/pg/other']];
    for (const p of phases) {
      rows.push([
        `HTTP ${p.name}`,
        fmt(p.requestsPerSecondAvg, 0),
        fmt(p.latencyMs.p50),
        fmt(p.latencyMs.p99),
        String(p.errors),
        mb(p.peakRssBytes),
        [p.cpu.serverCores, p.cpu.loadGeneratorCores, p.cpu.postgresCores, p.cpu.otherCores].map((x) => fmt(x, 2)).join('/'),
      ]);
    }
    for (const r of pgbenchResults) {
      rows.push([
        `pgbench ${r.name} -M ${r.mode}`,
        fmt(r.tps, 0),
        fmt(r.latencyMs.p50, 2),
        fmt(r.latencyMs.p99, 2),
        r.aborted ? 'ABORTED' : String(r.failedTransactions ?? 'n/a'),
        '—',
        `pg ${fmt(r.postgresCores, 2)}, avg ${fmt(r.latencyMs.avg, 2)} ms`,
      ]);
    }
    log('');
    log(`summary (${machine.nproc} CPUs, node ${machine.node}, PostgreSQL ${pgSettings.server_version}, ${config.connections} connections, ${config.seconds} s each)`);
    log(table(rows));
    if (verify) {
      log(
        `DESIGN target: ≥ ${TARGET.verifyPerSecond} verifications/s at p99 < ${TARGET.p99Ms} ms — measured ${fmt(verify.requestsPerSecondAvg, 0)}/s at p99 ${fmt(verify.latencyMs.p99)} ms` +
          ` with ${verify.errors} errors → ${met ? 'MET' : 'NOT MET'}`,
      );
    }
    log(`server peak RSS (VmHWM): ${mb(serverPeak)}`);

    const failed = phases.some((p) => p.errors > 0) || pgbenchResults.some((r) => r.aborted || (r.failedTransactions ?? 0) > 0);
    if (failed) exitCode = 1;

    const out = join(ROOT, 'bench/results/latest.json');
    mkdirSync(dirname(out), { recursive: true });
    const report = {
      timestamp: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine,
      postgres: pgSettings,
      config: { ...config, database: direct ? 'DATABASE_URL' : BENCH_DB_NAME, seedSeconds },
      target: { ...TARGET, met },
      server: { peakRssBytes: serverPeak, rssAfterStartBytes: rssAfterStart },
      http: phases.map((p) => ({
        name: p.name,
        requestsPerSecond: p.requestsPerSecondAvg,
        requestsPerSecondStddev: p.requestsPerSecondStddev,
        requestsTotal: p.requestsTotal,
        latencyMs: p.latencyMs,
        errors: p.errors,
        expectedPinIncorrect: p.expectedNon2xx,
        unexpected: p.tally.unexpected,
        statusCodes: p.statusCodes,
        socketErrors: p.socketErrors,
        timeouts: p.timeouts,
        peakRssBytes: p.peakRssBytes,
        cpuCores: p.cpu,
      })),
      pgbench: pgbenchResults,
      failed,
    };
    writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${out}`);
    if (failed) log('FAILED: unexpected errors (see above)');
  } catch (error) {
    console.error('bench failed:', error);
    exitCode = 1;
  } finally {
    process.removeListener('SIGINT', interrupted);
    if (server) await stopServer(server).catch(() => undefined);
    if (seeder) await seeder.close().catch(() => undefined);
    try {
      if (direct) await withClient(dbUrl, (c) => c.query('drop table if exists bench_cards'));
      else if (config.keepDb) log(`kept database ${BENCH_DB_NAME} (BENCH_KEEP_DB=1)`);
      else await dropDatabase(adminUrl, BENCH_DB_NAME);
    } catch (error) {
      console.error('cleanup failed:', error);
      exitCode = 1;
    }
  }
  process.exit(exitCode);
}

void main();
