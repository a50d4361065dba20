// `npm run bench`: one command, one run, side by side. For each card count (10k, then 1M): the floor (pgbench
// running the server's own PIN statement), Kagiya over HTTP and the textbook peer over HTTP, each under the same
// load; then the same race on both. Prints a table with ratios and targets and writes bench/results/latest.{json,
// svg,png} and latest.txt. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { createSystem } from '../src/system.js';
import { renderChart } from './lib/chart.js';
import { runStatus, runVerify, type LoadOptions, type ScenarioResult } from './lib/http-load.js';
import { runPgbench, STATUS_SCRIPT, verifyScript } from './lib/pgbench.js';
import { PIN_BATCH_MAX, pinStatementsInFlight } from '../src/adapters/db/card-attempt.sql.js';
import { BENCH_DB_NAME, DEFAULT_ADMIN_URL, dropDatabase, ensurePostgres, findPgbench, recreateDatabase, serverSettings, urlForDatabase } from './lib/postgres.js';
import { cpuBreakdown, machineInfo, peakRss, sampleCpu, trackDatabaseCpu } from './lib/proc.js';
import { raceKagiya, racePeer, type RaceResult } from './lib/race.js';
import { evaluate, sideBySide, sizeLabel, targetsTable, type Row } from './lib/report.js';
import { benchCard, makeTemplate, seedRange } from './lib/seed.js';
import { startChild, stopChild, type Child } from './lib/servers.js';
import { bundleServer } from './lib/bundle.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';

function intEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return value;
}

const config = {
  quick: QUICK,
  sizes: (process.env.BENCH_SIZES ?? (QUICK ? '10000,100000' : '10000,1000000')).split(',').map(Number).sort((a, b) => a - b),
  seconds: intEnv('BENCH_SECONDS', QUICK ? 3 : 15),
  warmupSeconds: intEnv('BENCH_WARMUP_SECONDS', QUICK ? 1 : 5, 0),
  connections: intEnv('BENCH_CONNECTIONS', 64),
  poolSize: intEnv('BENCH_POOL_SIZE', 16),
  pgbenchClients: intEnv('BENCH_PGBENCH_CLIENTS', intEnv('BENCH_POOL_SIZE', 16)),
  floorClients: pinStatementsInFlight(intEnv('BENCH_POOL_SIZE', 16)),
  floorBatch: Math.min(PIN_BATCH_MAX, intEnv('BENCH_FLOOR_BATCH', 1)),
  raceSize: intEnv('BENCH_RACE', 200),
  seedParallel: intEnv('BENCH_SEED_PARALLEL', 2),
  serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  keepDb: process.env.BENCH_KEEP_DB === '1',
  // For profiling one side: e.g. BENCH_SYSTEMS=kagiya skips the floor and the peer (the targets then say "not measured").
  systems: new Set((process.env.BENCH_SYSTEMS ?? 'floor,kagiya,peer').split(',').map((s) => s.trim())),
};
if ([...config.systems].some((s) => !['floor', 'kagiya', 'peer'].includes(s))) throw new Error('BENCH_SYSTEMS: a comma-separated subset of floor,kagiya,peer');
if (config.sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error('BENCH_SIZES: card counts ≥ 1000, comma-separated');

const log = (line: string) => console.log(line);

/** Statements the Kagiya bench server sent for PIN entries, and the entries they carried (bench/server.ts). */
async function pinBatches(baseUrl: string): Promise<{ statements: number; entries: number; largest: number }> {
  const res = await fetch(`${baseUrl}/bench/pin-batches`);
  if (!res.ok) throw new Error(`pin batches: HTTP ${res.status}`);
  return (await res.json()) as { statements: number; entries: number; largest: number };
}
const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

async function main(): Promise<number> {
  const machine = machineInfo();
  const startedAt = new Date();
  const adminUrl = process.env.BENCH_ADMIN_URL?.trim() || DEFAULT_ADMIN_URL;
  log(`Kagiya bench${QUICK ? ' (BENCH_QUICK)' : ''} — ${machine.nproc} CPUs (${machine.cpuModel}), node ${machine.node}, load average ${machine.loadAverage.join(' ')}, host speed ${machine.hostSpeedMs} ms (sha256 ×300k, lower is faster)`);
  log(`  cards ${config.sizes.map(sizeLabel).join(' then ')}, ${config.connections} HTTP connections, server pools ${config.poolSize}, pgbench clients ${config.floorClients} for verify (entries per statement as Kagiya's), ${config.pgbenchClients} for status, ${config.seconds} s per phase (+${config.warmupSeconds} s warm-up)`);
  await ensurePostgres(adminUrl, log);
  const pgbenchBin = findPgbench();
  if (!pgbenchBin) throw new Error('pgbench not found (PATH, /usr/lib/postgresql/*/bin): install postgresql-contrib / postgresql-client');
  const dbUrl = urlForDatabase(adminUrl, BENCH_DB_NAME);
  await recreateDatabase(adminUrl, BENCH_DB_NAME);
  const pgSettings = await serverSettings(dbUrl);
  log(`  PostgreSQL ${pgSettings.server_version}, shared_buffers ${pgSettings.shared_buffers}, synchronous_commit ${pgSettings.synchronous_commit}, fsync ${pgSettings.fsync}`);
  const secrets = { pepper: randomBytes(32), masterKey: randomBytes(32), bootstrapToken: randomBytes(24).toString('base64url') };
  const tag = randomBytes(6).toString('hex');
  const card = (index: number) => benchCard(tag, index + 1);
  const trackCpu = () => trackDatabaseCpu(adminUrl, BENCH_DB_NAME);
  const db = new pg.Client({ connectionString: dbUrl });

  const rows: Row[] = [];
  const races: RaceResult[] = [];
  /** Entries per verify statement of the floor, per card count: Kagiya's average in the same run. */
  const floorBatches: string[] = [];
  const seeding: { size: number; seconds: number }[] = [];
  const servers: { name: string; size: number; readyMs: number; peakRssBytes: number | null }[] = [];
  let unexpected = 0;
  let tsxReadyMs: number | null = null;
  try {
    // Migrations, the CA and the one real card every bench card copies (bench/lib/seed.ts).
    const seeder = await createSystem({ database: { kind: 'postgres', url: dbUrl, poolSize: 2 }, ...secrets, keyAlgorithm: 'ECDSA-P256', logger: pino({ level: 'warn' }) });
    const template = await makeTemplate(seeder, dbUrl);
    await seeder.close();
    await db.connect();
    const bundle = await bundleServer(ROOT);
    log(`  Kagiya's server bundled with esbuild: ${bundle.slice(ROOT.length + 1)}`);

    let seeded = 0;
    for (const size of config.sizes) {
      log(`\n== ${sizeLabel(size)} cards ==`);
      const seconds = await seedRange(dbUrl, { from: seeded + 1, to: size, tag, pepper: secrets.pepper, template, parallel: config.seedParallel });
      log(`  seeded cards ${seeded + 1}–${size} set-based in ${fmt(seconds)} s (4 PIN slots and 2 certificates each)`);
      seeding.push({ size: size - seeded, seconds });
      seeded = size;
      await db.query('vacuum analyze');
      const reset = async () => {
        await db.query('update pin_slots set remaining = max_tries, locked_at = null where remaining < max_tries');
        await db.query('delete from textbook_pin_fails').catch(() => undefined);
      };

      // The floor: pgbench with the very statements the server runs.
      // The two servers under the same HTTP load.
      type System = { system: 'Kagiya' | 'textbook peer'; script: string; env: Record<string, string>; nodeArgs: string[] };
      const systems = ([
        { system: 'Kagiya', script: bundle, env: { BENCH_DB_URL: dbUrl, BENCH_POOL_SIZE: String(config.poolSize), BENCH_PEPPER_HEX: secrets.pepper.toString('hex'), BENCH_MASTER_KEY_HEX: secrets.masterKey.toString('hex'), BENCH_BOOTSTRAP_TOKEN: secrets.bootstrapToken }, nodeArgs: config.serverNodeArgs },
        { system: 'textbook peer', script: join(ROOT, 'bench/peers/textbook/server.ts'), env: { PEER_DB_URL: dbUrl, PEER_POOL_SIZE: String(config.poolSize), PEER_PEPPER_HEX: secrets.pepper.toString('hex') }, nodeArgs: [] },
      ] as System[]).filter((s) => config.systems.has(s.system === 'Kagiya' ? 'kagiya' : 'peer'));
      if (size === config.sizes[0] && config.systems.has('kagiya')) {
        // For the record: the same server started from TypeScript through tsx, as `npm start` does.
        const viaTsx = await startChild({ name: 'Kagiya (tsx)', script: join(ROOT, 'bench/server.ts'), cwd: ROOT, env: systems[0]!.env });
        await stopChild(viaTsx);
        tsxReadyMs = viaTsx.readyMs;
        log(`  Kagiya started through tsx (no bundle): ready in ${fmt(viaTsx.readyMs / 1000, 2)} s`);
      }
      let kagiyaBatch: number | null = null;
      for (const s of systems) {
        await reset();
        const server = await startChild({ name: s.system, script: s.script, cwd: ROOT, env: s.env, nodeArgs: s.nodeArgs });
        log(`  ${s.system}: ready in ${fmt(server.readyMs / 1000, 2)} s`);
        const load: LoadOptions = { baseUrl: `http://127.0.0.1:${server.port}`, connections: config.connections, seconds: config.seconds, cardCount: size, card };
        let seq = 0;
        for (const scenario of ['verify', 'status'] as const) {
          await reset();
          if (config.warmupSeconds > 0) {
            const warm = { ...load, seconds: config.warmupSeconds };
            if (scenario === 'verify') seq = (await runVerify(warm, seq)).nextSeq;
            else await runStatus(warm);
          }
          const batchesBefore = s.system === 'Kagiya' ? await pinBatches(load.baseUrl) : null;
          const r = await measure(server, trackCpu, () => (scenario === 'verify' ? runVerify(load, seq) : runStatus(load)));
          if (batchesBefore && scenario === 'verify') {
            const after = await pinBatches(load.baseUrl);
            kagiyaBatch = (after.entries - batchesBefore.entries) / Math.max(1, after.statements - batchesBefore.statements);
            log(`  Kagiya verify: ${fmt(kagiyaBatch, 1)} entries per statement on average, at most ${after.largest}`);
          }
          unexpected += r.result.errors;
          log(
            `  ${s.system} ${scenario}: ${fmt(r.result.requestsPerSecondAvg, 0)} req/s, p50 ${fmt(r.result.latencyMs.p50)} ms, p99 ${fmt(r.result.latencyMs.p99)} ms, errors ${r.result.errors}` +
              `, CPU per request: server ${fmt(r.serverCpuMs, 3)} ms (${r.serverKernelPercent ?? 'n/a'} % kernel), PostgreSQL ${fmt(r.postgresCpuMs, 3)} ms, load generator ${fmt(r.loadCpuMs, 3)} ms (other processes ${fmt(r.otherCores, 2)} cores)` +
              (Object.keys(r.result.tally.unexpected).length ? `, unexpected ${JSON.stringify(r.result.tally.unexpected)}` : ''),
          );
          rows.push({ size, scenario, system: s.system, rps: r.result.requestsPerSecondAvg, p50: r.result.latencyMs.p50, p99: r.result.latencyMs.p99, errors: r.result.errors, serverCpuMs: r.serverCpuMs, postgresCpuMs: r.postgresCpuMs, loadCpuMs: r.loadCpuMs, otherCores: r.otherCores });
        }
        if (size === config.sizes.at(-1)) {
          await reset();
          const race = s.system === 'Kagiya' ? await raceKagiya(dbUrl, load.baseUrl, card(0), config.raceSize) : await racePeer(load.baseUrl, card(0), config.raceSize);
          log(`  ${s.system} race: ${race.sent} parallel wrong PINs on one slot → ${race.compared} compared; answers ${JSON.stringify(race.answers)}`);
          races.push(race);
        }
        await new Promise((r) => setTimeout(r, 500));
        const peak = peakRss(server.pid);
        await stopChild(server);
        servers.push({ name: s.system, size, readyMs: server.readyMs, peakRssBytes: peak });
        log(`  ${s.system}: peak RSS ${fmt(peak === null ? null : peak / 1024 / 1024)} MB`);
      }

      // The floor: pgbench with the very statements the server runs, after the servers, because verify runs in the
      // shape Kagiya's server ran it in this run: as many statements at once as its batcher sends (an eighth of its
      // pool, at least 2), each carrying as many entries as Kagiya's statements carried on average under the verify load
      // (BENCH_FLOOR_BATCH when Kagiya was not measured).
      const floorBatch = Math.max(1, Math.round(kagiyaBatch ?? config.floorBatch));
      if (config.systems.has('floor')) floorBatches.push(`${floorBatch} at ${sizeLabel(size)}`);
      const floorShapes = {
        verify: { script: verifyScript(floorBatch), clients: config.floorClients, entries: floorBatch },
        status: { script: STATUS_SCRIPT, clients: config.pgbenchClients, entries: 1 },
        // For the record: the same statement with one entry each, as many clients as the pool (the shape before batches).
        single: { script: verifyScript(1), clients: config.pgbenchClients, entries: 1 },
      };
      for (const [name, shape] of Object.entries(floorShapes) as Array<['verify' | 'status' | 'single', (typeof floorShapes)['verify']]>) {
        const scenario = name === 'status' ? 'status' : 'verify';
        const system = name === 'single' ? 'floor, 1 per statement' : 'floor (pgbench)';
        if (!config.systems.has('floor')) break;
        await reset();
        const { script, clients, entries } = shape;
        const raw = await runPgbench({ bin: pgbenchBin, url: dbUrl, name: `${name}-sql`, script, mode: 'prepared', clients, threads: Math.min(2, machine.nproc), seconds: config.seconds, ncards: size, trackCpu });
        // Per entry: a transaction of the verify script carries `entries` PIN entries.
        const r = { ...raw, tps: raw.tps === null ? null : raw.tps * entries };
        const picks = r.statementLatencyMs.find((s) => s.statement.startsWith('select'));
        log(`  ${system} ${scenario}: ${fmt(r.tps, 0)} entries/s (${clients} clients, ${entries} per statement), p50 ${fmt(r.latencyMs.p50, 2)} ms, p99 ${fmt(r.latencyMs.p99, 2)} ms per statement, PG ${fmt(r.postgresCores, 2)} cores${picks ? ` (card pick ${fmt(picks.ms, 3)} ms of each transaction)` : ''}${r.aborted ? ' — ABORTED' : ''}`);
        if (r.aborted || (r.failedTransactions ?? 0) > 0) {
          unexpected += 1;
          log(`    pgbench: ${r.stderrTail}`);
        }
        rows.push({ size, scenario, system, rps: r.tps ?? 0, p50: r.latencyMs.p50, p99: r.latencyMs.p99, errors: r.failedTransactions ?? 0, serverCpuMs: null, postgresCpuMs: r.tps ? (1000 * r.postgresCores) / r.tps : null, loadCpuMs: null, otherCores: null });
      }

    }
  } finally {
    await db.end().catch(() => undefined);
    if (config.keepDb) log(`kept database ${BENCH_DB_NAME} (BENCH_KEEP_DB=1)`);
    else await dropDatabase(adminUrl, BENCH_DB_NAME).catch((e: unknown) => console.error('drop failed:', e));
  }

  const kagiya = servers.filter((s) => s.name === 'Kagiya');
  const targets = evaluate({
    rows,
    sizes: config.sizes,
    races,
    kagiyaPeakRss: Math.max(...kagiya.map((s) => s.peakRssBytes ?? 0)) || null,
    kagiyaReadyMs: Math.max(...kagiya.map((s) => s.readyMs)),
  });
  const title = `Kagiya bench ${startedAt.toISOString().slice(0, 16)}Z — ${machine.nproc} CPUs, load average at start ${machine.loadAverage.join(' ')}, host speed ${machine.hostSpeedMs} ms (sha256 ×300k, lower is faster)`;
  const text = [
    title,
    `${config.connections} HTTP connections (autocannon), server pools ${config.poolSize}, pgbench -M prepared with ${config.floorClients} clients for verify (each statement carrying as many entries as Kagiya's did on average: ${floorBatches.join(', ') || 'n/a'}) and ${config.pgbenchClients} clients (status), ${config.seconds} s per phase; verify = 95 % right, 5 % wrong PINs`,
    '',
    sideBySide(rows),
    '',
    `servers: ${servers.map((s) => `${s.name} at ${sizeLabel(s.size)}: ready ${fmt(s.readyMs / 1000, 2)} s, peak RSS ${fmt((s.peakRssBytes ?? NaN) / 1024 / 1024)} MB`).join('; ')}`,
    `Kagiya start to ready through tsx instead of the bundle: ${fmt((tsxReadyMs ?? NaN) / 1000, 2)} s`,
    `seeding: ${seeding.map((s) => `${sizeLabel(s.size)} cards in ${fmt(s.seconds)} s`).join(', ')}`,
    '',
    targetsTable(targets),
  ].join('\n');
  log(`\n${text}`);

  const out = join(ROOT, 'bench/results');
  // A run of only some systems (BENCH_SYSTEMS) never replaces the side-by-side results.
  const stem = config.systems.size === 3 ? 'latest' : 'partial';
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${stem}.txt`), `${text}\n`);
  writeFileSync(
    join(out, `${stem}.json`),
    `${JSON.stringify({ timestamp: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, postgres: pgSettings, config, rows, races, servers, tsxReadyMs, seeding, targets, unexpectedErrors: unexpected }, null, 2)}\n`,
  );
  const svg = await renderChart(
    rows.map((r) => ({ system: r.system, scenario: r.scenario, cards: sizeLabel(r.size), rps: Math.round(r.rps), p99: r.p99 ?? 0 })),
    title,
  );
  writeFileSync(join(out, `${stem}.svg`), svg);
  if (existsSync('/usr/bin/chromium')) {
    try {
      execFileSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--screenshot=${join(out, `${stem}.png`)}`, '--window-size=1000,760', `file://${join(out, `${stem}.svg`)}`], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      log('(PNG not written: chromium failed; the SVG is the chart)');
    }
  }
  log(`wrote bench/results/${stem}.{txt,json,svg${existsSync(join(out, `${stem}.png`)) ? ',png' : ''}}`);
  if (unexpected > 0) log(`FAILED: ${unexpected} unexpected answers or aborted pgbench runs (see above)`);
  return unexpected > 0 ? 1 : 0;
}

async function measure(server: Child, trackCpu: () => Promise<{ stop(): Promise<number> }>, run: () => Promise<ScenarioResult>) {
  const tracker = await trackCpu();
  const before = sampleCpu(server.pid);
  const t0 = process.hrtime.bigint();
  const result = await run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuBreakdown(before, sampleCpu(server.pid), wall, await tracker.stop());
  const perRequest = (cores: number) => (result.requestsPerSecondAvg > 0 ? (1000 * cores) / result.requestsPerSecondAvg : null);
  return { result, serverCpuMs: perRequest(cpu.serverCores), serverKernelPercent: cpu.serverKernelPercent, postgresCpuMs: perRequest(cpu.postgresCores), loadCpuMs: perRequest(cpu.loadGeneratorCores), otherCores: cpu.otherCores };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
