// `npm run bench`: one command, one run, side by side. For each card count (10k, then 1M): the floor (pgbench
// running the server's own PIN statement), Kagiya over HTTP and the textbook peer over HTTP, each under the same
// load; then the same race on both. Prints a table with ratios and targets and writes bench/results/latest.{json,
// svg,png} and latest.txt. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import { createSystem } from '../src/system.js';
import { renderChart } from './lib/chart.js';
import { loadGeneratorOf, runStatus, runVerify, type LoadOptions, type ScenarioResult } from './lib/http-load.js';
import { runPgbench, STATUS_SCRIPT, verifyScript } from './lib/pgbench.js';
import { PIN_BATCH_MAX, pinBatchStats, pinStatementsInFlight } from '../src/adapters/db/card-attempt.sql.js';
import { BENCH_DB_NAME, DEFAULT_ADMIN_URL, dropDatabase, ensurePostgres, findPgbench, recreateDatabase, serverSettings, setWalCompression, urlForDatabase, WAL_COMPRESSION, type WalCompression } from './lib/postgres.js';
import { cpuBreakdown, machineInfo, peakRss, sampleCpu, trackDatabaseCpu } from './lib/proc.js';
import { raceKagiya, racePeer, type RaceResult } from './lib/race.js';
import { evaluate, median, sideBySide, sizeLabel, targetsTable, type PacedRow, type Row } from './lib/report.js';
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
  generator: loadGeneratorOf(process.env.BENCH_LOAD),
  poolSize: intEnv('BENCH_POOL_SIZE', 16),
  pgbenchClients: intEnv('BENCH_PGBENCH_CLIENTS', intEnv('BENCH_POOL_SIZE', 16)),
  floorClients: pinStatementsInFlight(intEnv('BENCH_POOL_SIZE', 16)),
  floorBatch: Math.min(PIN_BATCH_MAX, intEnv('BENCH_FLOOR_BATCH', 1)),
  /** Verify rounds per size: Kagiya, the peer and the floor take turns, each round BENCH_SECONDS / rounds long. */
  rounds: intEnv('BENCH_ROUNDS', QUICK ? 1 : 3),
  raceSize: intEnv('BENCH_RACE', 200),
  /** Kagiya's paced verify phase at each size, requests a second (0: none); see bench/README.md, "Paced latency". */
  pacedRate: intEnv('BENCH_PACED_RATE', QUICK ? 1000 : 3000, 0),
  seedParallel: intEnv('BENCH_SEED_PARALLEL', 2),
  serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  /**
   * A variant of Kagiya measured beside it in the same rounds (bench/README.md, "Comparing two versions of Kagiya"):
   * other node flags (BENCH_B_NODE_ARGS), another bundled server (BENCH_B_BUNDLE, e.g. a worktree's
   * bench/.build/server.mjs) and/or more environment (BENCH_B_ENV). Null when none is set.
   */
  variant:
    process.env.BENCH_B_NODE_ARGS || process.env.BENCH_B_BUNDLE || process.env.BENCH_B_ENV
      ? {
          nodeArgs: (process.env.BENCH_B_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
          bundle: process.env.BENCH_B_BUNDLE?.trim() || null,
          // NAME=value pairs separated by ';', e.g. "PGOPTIONS=-c plan_cache_mode=force_custom_plan".
          env: Object.fromEntries(
            (process.env.BENCH_B_ENV ?? '')
              .split(';')
              .filter((pair) => pair.includes('='))
              .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1)]),
          ) as Record<string, string>,
        }
      : null,
  keepDb: process.env.BENCH_KEEP_DB === '1',
  /** ANALYZE before every measured phase (bench/README.md, "Statistics"); BENCH_ANALYZE=0 leaves statistics alone. */
  analyze: process.env.BENCH_ANALYZE !== '0',
  /** Set on the bench database before anything connects (bench/README.md, "PostgreSQL settings"). */
  walCompression: (process.env.BENCH_WAL_COMPRESSION?.trim() || 'lz4') as WalCompression,
  // For profiling one side: e.g. BENCH_SYSTEMS=kagiya skips the floor and the peer (the targets then say "not measured").
  systems: new Set((process.env.BENCH_SYSTEMS ?? 'floor,kagiya,peer').split(',').map((s) => s.trim())),
};
if ([...config.systems].some((s) => !['floor', 'kagiya', 'peer'].includes(s))) throw new Error('BENCH_SYSTEMS: a comma-separated subset of floor,kagiya,peer');
if (!WAL_COMPRESSION.includes(config.walCompression)) throw new Error(`BENCH_WAL_COMPRESSION: one of ${WAL_COMPRESSION.join(', ')}`);
if (config.sizes.some((n) => !Number.isInteger(n) || n < 1000)) throw new Error('BENCH_SIZES: card counts ≥ 1000, comma-separated');

const log = (line: string) => console.log(line);
/** Kagiya and its variant take each other's place in every other verify round. */
const SWAPPED: Readonly<Record<string, string>> = { Kagiya: 'Kagiya B', 'Kagiya B': 'Kagiya' };

/**
 * Statements the Kagiya bench server sent for PIN entries, the entries they carried, and the entries it sent again
 * under their slot's lock because their card changed while they ran (bench/server.ts).
 */
type BatchStats = NonNullable<ReturnType<typeof pinBatchStats>>;
async function pinBatches(baseUrl: string): Promise<BatchStats> {
  const res = await fetch(`${baseUrl}/bench/pin-batches`);
  if (!res.ok) throw new Error(`pin batches: HTTP ${res.status}`);
  return (await res.json()) as BatchStats;
}
const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

async function main(): Promise<number> {
  const machine = machineInfo();
  const startedAt = new Date();
  const adminUrl = process.env.BENCH_ADMIN_URL?.trim() || DEFAULT_ADMIN_URL;
  log(`Kagiya bench${QUICK ? ' (BENCH_QUICK)' : ''} — ${machine.nproc} CPUs (${machine.cpuModel}), node ${machine.node}, load average ${machine.loadAverage.join(' ')}, host speed ${machine.hostSpeedMs} ms (sha256 ×300k, lower is faster)`);
  log(`  cards ${config.sizes.map(sizeLabel).join(' then ')}, ${config.connections} HTTP connections (${config.generator === 'autocannon' ? 'autocannon' : 'keep-alive loop'}), server pools ${config.poolSize}, pgbench clients ${config.floorClients} for verify (entries per statement as Kagiya's), ${config.pgbenchClients} for status, ${config.seconds} s per phase (+${config.warmupSeconds} s warm-up)`);
  await ensurePostgres(adminUrl, log);
  const pgbenchBin = findPgbench();
  if (!pgbenchBin) throw new Error('pgbench not found (PATH, /usr/lib/postgresql/*/bin): install postgresql-contrib / postgresql-client');
  const dbUrl = urlForDatabase(adminUrl, BENCH_DB_NAME);
  await recreateDatabase(adminUrl, BENCH_DB_NAME);
  await setWalCompression(adminUrl, BENCH_DB_NAME, config.walCompression);
  const pgSettings = await serverSettings(dbUrl);
  log(`  PostgreSQL ${pgSettings.server_version}, shared_buffers ${pgSettings.shared_buffers}, synchronous_commit ${pgSettings.synchronous_commit}, fsync ${pgSettings.fsync}, wal_compression ${pgSettings.wal_compression} (on the bench database), autovacuum ${pgSettings.autovacuum}${config.analyze ? ' (the bench runs ANALYZE before each phase)' : ', BENCH_ANALYZE=0: statistics as the seed left them'}`);
  const secrets = { pepper: randomBytes(32), masterKey: randomBytes(32), bootstrapToken: randomBytes(24).toString('base64url') };
  const tag = randomBytes(6).toString('hex');
  const card = (index: number) => benchCard(tag, index + 1);
  const trackCpu = () => trackDatabaseCpu(adminUrl, BENCH_DB_NAME);
  const db = new pg.Client({ connectionString: dbUrl });

  const rows: Row[] = [];
  const races: RaceResult[] = [];
  /** Entries per verify statement of the floor, per card count: Kagiya's average in the same run. */
  const floorBatches: string[] = [];
  /** Per size, each round's Kagiya verify rate over the floor's and over the peer's in that round. */
  const roundRatios: { size: number; ofFloor: number[]; vsPeer: number[]; variant: number[] }[] = [];
  const seeding: { size: number; seconds: number }[] = [];
  /** Kagiya's verify at the same fixed rate at every size: latency without the queue of a saturated closed loop. */
  const paced: PacedRow[] = [];
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
      type System = { system: 'Kagiya' | 'Kagiya B' | 'textbook peer'; script: string; env: Record<string, string>; nodeArgs: string[] };
      const kagiyaEnv = { BENCH_DB_URL: dbUrl, BENCH_POOL_SIZE: String(config.poolSize), BENCH_PEPPER_HEX: secrets.pepper.toString('hex'), BENCH_MASTER_KEY_HEX: secrets.masterKey.toString('hex'), BENCH_BOOTSTRAP_TOKEN: secrets.bootstrapToken };
      const systems = ([
        { system: 'Kagiya', script: bundle, env: kagiyaEnv, nodeArgs: config.serverNodeArgs },
        ...(config.variant ? [{ system: 'Kagiya B', script: config.variant.bundle ?? bundle, env: { ...kagiyaEnv, ...config.variant.env }, nodeArgs: config.variant.nodeArgs }] : []),
        { system: 'textbook peer', script: join(ROOT, 'bench/peers/textbook/server.ts'), env: { PEER_DB_URL: dbUrl, PEER_POOL_SIZE: String(config.poolSize), PEER_PEPPER_HEX: secrets.pepper.toString('hex') }, nodeArgs: [] },
      ] as System[]).filter((s) => config.systems.has(s.system === 'textbook peer' ? 'peer' : 'kagiya'));
      if (size === config.sizes[0] && config.systems.has('kagiya')) {
        // For the record: the same server started from TypeScript through tsx, as `npm start` does.
        const viaTsx = await startChild({ name: 'Kagiya (tsx)', script: join(ROOT, 'bench/server.ts'), cwd: ROOT, env: systems[0]!.env });
        await stopChild(viaTsx);
        tsxReadyMs = viaTsx.readyMs;
        log(`  Kagiya started through tsx (no bundle): ready in ${fmt(viaTsx.readyMs / 1000, 2)} s`);
      }
      // Both servers run for the whole size; each idles while the other (or pgbench) is measured. Verify is measured in
      // rounds that alternate Kagiya, the peer and the floor (each round's floor in the shape Kagiya's round ran), so
      // that a machine whose speed drifts during the run (this one's does, by up to 1.5×) weighs on all three alike;
      // the targets take the median of the rounds' ratios.
      const started: { s: System; server: Child; load: LoadOptions; seq: number }[] = [];
      /** A verify phase of one server under `load`, measured; its requests go on in sequence from its last phase. */
      const measureVerify = async (x: (typeof started)[number], load: LoadOptions) => {
        let next = x.seq;
        const r = await measure(x.server, trackCpu, db, async () => {
          const out = await runVerify(load, x.seq);
          next = out.nextSeq;
          return out;
        });
        x.seq = next;
        return r;
      };
      try {
        for (const s of systems) {
          const server = await startChild({ name: s.system, script: s.script, cwd: ROOT, env: s.env, nodeArgs: s.nodeArgs });
          log(`  ${s.system}: ready in ${fmt(server.readyMs / 1000, 2)} s`);
          started.push({ s, server, seq: 0, load: { baseUrl: `http://127.0.0.1:${server.port}`, connections: config.connections, seconds: config.seconds, cardCount: size, card, generator: config.generator } });
        }
        const record = (system: Row['system'], scenario: Row['scenario'], round: number | null, r: Measured, batch: number | null, statementMs: number | null = null, sentAgain: number | null = null) => {
          unexpected += r.result.errors;
          log(
            `  ${system} ${scenario}${round === null ? '' : ` (round ${round + 1})`}: ${fmt(r.result.requestsPerSecondAvg, 0)} req/s, p50 ${fmt(r.result.latencyMs.p50)} ms, p99 ${fmt(r.result.latencyMs.p99)} ms, errors ${r.result.errors}` +
              (batch === null ? '' : `, ${fmt(batch, 1)} entries per statement${statementMs === null ? '' : ` (${fmt(statementMs, 1)} ms each from send to answer, in the server)`}`) +
              (sentAgain === null ? '' : `, ${sentAgain} sent again (their card changed meanwhile)`) +
              `, CPU per request: server ${fmt(r.serverCpuMs, 3)} ms (${r.serverKernelPercent ?? 'n/a'} % kernel), PostgreSQL ${fmt(r.postgresCpuMs, 3)} ms, load generator ${fmt(r.loadCpuMs, 3)} ms (other processes ${fmt(r.otherCores, 2)} cores)` +
              `, WAL per request ${r.wal}` +
              (Object.keys(r.result.tally.unexpected).length ? `, unexpected ${JSON.stringify(r.result.tally.unexpected)}` : ''),
          );
          return { size, scenario, system, rps: r.result.requestsPerSecondAvg, p50: r.result.latencyMs.p50, p99: r.result.latencyMs.p99, errors: r.result.errors, serverCpuMs: r.serverCpuMs, postgresCpuMs: r.postgresCpuMs, loadCpuMs: r.loadCpuMs, otherCores: r.otherCores, seconds: r.result.seconds } satisfies RoundRow;
        };
        const runFloor = async (name: 'verify' | 'status' | 'single', entries: number, seconds: number, round: number | null): Promise<RoundRow | null> => {
          if (!config.systems.has('floor')) return null;
          const scenario = name === 'status' ? 'status' : 'verify';
          const system = name === 'single' ? 'floor, 1 per statement' : 'floor (pgbench)';
          const script = name === 'status' ? STATUS_SCRIPT : verifyScript(entries);
          // verify: as many statements at once as Kagiya's batcher sends (an eighth of its pool, at least 2); status and
          // the one-entry record: as many clients as the pool.
          const clients = name === 'verify' ? config.floorClients : config.pgbenchClients;
          await reset();
          await beforePhase(db, log);
          const walBefore = await walStats(db);
          const raw = await runPgbench({ bin: pgbenchBin, url: dbUrl, name: `${name}-sql`, script, mode: 'prepared', clients, threads: Math.min(2, machine.nproc), seconds, ncards: size, trackCpu });
          // Per entry: a transaction of the verify script carries `entries` PIN entries.
          const r = { ...raw, tps: raw.tps === null ? null : raw.tps * entries };
          const picks = r.statementLatencyMs.find((s) => s.statement.startsWith('select'));
          const wal = walPerRequest(walBefore, await walStats(db), r.tps === null ? 0 : Math.round(r.tps * seconds));
          log(`  ${system} ${scenario}${round === null ? '' : ` (round ${round + 1})`}: ${fmt(r.tps, 0)} entries/s (${clients} clients, ${entries} per statement), p50 ${fmt(r.latencyMs.p50, 2)} ms, p99 ${fmt(r.latencyMs.p99, 2)} ms per statement, PG ${fmt(r.postgresCores, 2)} cores${picks ? ` (card pick ${fmt(picks.ms, 3)} ms of each transaction)` : ''}, WAL per entry ${wal}${r.aborted ? ' — ABORTED' : ''}`);
          if (r.aborted || (r.failedTransactions ?? 0) > 0) {
            unexpected += 1;
            log(`    pgbench: ${r.stderrTail}`);
          }
          return { size, scenario, system, rps: r.tps ?? 0, p50: r.latencyMs.p50, p99: r.latencyMs.p99, errors: r.failedTransactions ?? 0, serverCpuMs: null, postgresCpuMs: r.tps ? (1000 * r.postgresCores) / r.tps : null, loadCpuMs: null, otherCores: null, seconds };
        };

        // Verify, in rounds.
        for (const x of started) {
          if (config.warmupSeconds === 0) break;
          await reset();
          x.seq = (await runVerify({ ...x.load, seconds: config.warmupSeconds }, x.seq)).nextSeq;
        }
        const roundSeconds = Math.max(2, Math.round(config.seconds / config.rounds));
        const verifyRounds: Partial<Record<Row['system'], RoundRow[]>> = {};
        const keep = (row: RoundRow | null) => {
          if (row) (verifyRounds[row.system] ??= []).push(row);
        };
        const batches: number[] = [];
        for (let round = 0; round < config.rounds; round += 1) {
          let kagiyaBatch: number | null = null;
          let kagiyaStatementMs: number | null = null;
          let kagiyaSentAgain: number | null = null;
          // Kagiya and its variant swap places every other round, so neither always runs first.
          const partner = (x: (typeof started)[number]) => started.find((y) => y.s.system === SWAPPED[x.s.system]) ?? x;
          const order = round % 2 === 1 ? started.map(partner) : started;
          for (const x of order) {
            await reset();
            const ours = x.s.system !== 'textbook peer';
            const before = ours ? await pinBatches(x.load.baseUrl) : null;
            await beforePhase(db, log);
            const r = await measureVerify(x, { ...x.load, seconds: roundSeconds });
            let batch: number | null = null;
            let statementMs: number | null = null;
            let sentAgain: number | null = null;
            if (before) {
              const after = await pinBatches(x.load.baseUrl);
              batch = (after.entries - before.entries) / Math.max(1, after.statements - before.statements);
              statementMs = (after.ms - before.ms) / Math.max(1, after.statements - before.statements);
              sentAgain = after.sentAgain - before.sentAgain;
            }
            // The floor runs in the shape of Kagiya's round (never the variant's).
            if (x.s.system === 'Kagiya') {
              [kagiyaBatch, kagiyaStatementMs, kagiyaSentAgain] = [batch, statementMs, sentAgain];
              if (batch !== null) batches.push(batch);
            }
            keep(record(x.s.system, 'verify', round, r, batch, statementMs, sentAgain));
          }
          const floorBatch = Math.min(PIN_BATCH_MAX, Math.max(1, Math.round(kagiyaBatch ?? config.floorBatch)));
          keep(await runFloor('verify', floorBatch, roundSeconds, round));
        }
        if (config.systems.has('floor')) floorBatches.push(`${batches.length ? batches.map((b) => fmt(b, 1)).join('/') : config.floorBatch} at ${sizeLabel(size)}`);
        for (const [system, list] of Object.entries(verifyRounds) as Array<[Row['system'], RoundRow[]]>) rows.push(combineRounds(system, list));
        const byRound = (system: Row['system']) => verifyRounds[system] ?? [];
        const k = byRound('Kagiya');
        roundRatios.push({
          size,
          ofFloor: k.map((r, i) => (byRound('floor (pgbench)')[i] ? r.rps / byRound('floor (pgbench)')[i]!.rps : NaN)).filter(Number.isFinite),
          vsPeer: k.map((r, i) => (byRound('textbook peer')[i] ? r.rps / byRound('textbook peer')[i]!.rps : NaN)).filter(Number.isFinite),
          variant: byRound('Kagiya B').map((r, i) => (k[i] ? r.rps / k[i]!.rps : NaN)).filter(Number.isFinite),
        });

        // Verify at a fixed rate, the same at every size (Kagiya only): below saturation, so the p99 compares the
        // statement's latency at each size rather than the queue that a closed loop builds (bench/README.md).
        const kagiyaServer = started.find((x) => x.s.system === 'Kagiya');
        if (kagiyaServer && config.pacedRate > 0) {
          await reset();
          await beforePhase(db, log);
          const r = await measureVerify(kagiyaServer, { ...kagiyaServer.load, rate: config.pacedRate });
          unexpected += r.result.errors;
          paced.push({ size, rate: config.pacedRate, rps: r.result.requestsPerSecondAvg, p50: r.result.latencyMs.p50, p99: r.result.latencyMs.p99, errors: r.result.errors, serverCpuMs: r.serverCpuMs, postgresCpuMs: r.postgresCpuMs });
          log(
            `  Kagiya verify paced at ${config.pacedRate}/s: ${fmt(r.result.requestsPerSecondAvg, 0)} req/s, p50 ${fmt(r.result.latencyMs.p50)} ms, p99 ${fmt(r.result.latencyMs.p99)} ms (from each request's scheduled time), errors ${r.result.errors}` +
              `, CPU per request: server ${fmt(r.serverCpuMs, 3)} ms, PostgreSQL ${fmt(r.postgresCpuMs, 3)} ms, WAL per request ${r.wal}`,
          );
        }

        // Status, once each.
        for (const x of started) {
          await reset();
          if (config.warmupSeconds > 0) await runStatus({ ...x.load, seconds: config.warmupSeconds });
          await beforePhase(db, log);
          const r = await measure(x.server, trackCpu, db, () => runStatus(x.load));
          const { seconds: _s, ...row } = record(x.s.system, 'status', null, r, null);
          rows.push(row);
        }
        for (const name of ['status', 'single'] as const) {
          // For the record: the same statement with one entry each, as many clients as the pool (the shape before batches).
          const r = await runFloor(name, 1, config.seconds, null);
          if (r) {
            const { seconds: _s, ...row } = r;
            rows.push(row);
          }
        }

        if (size === config.sizes.at(-1)) {
          // The variant has the same counter rule as Kagiya; the race is about the rule, so it runs once.
          for (const x of started.filter((x) => x.s.system !== 'Kagiya B')) {
            await reset();
            const race = x.s.system === 'Kagiya' ? await raceKagiya(dbUrl, x.load.baseUrl, card(0), config.raceSize) : await racePeer(x.load.baseUrl, card(0), config.raceSize);
            log(`  ${x.s.system} race: ${race.sent} parallel wrong PINs on one slot → ${race.compared} compared; answers ${JSON.stringify(race.answers)}`);
            races.push(race);
          }
        }
      } finally {
        await new Promise((r) => setTimeout(r, 500));
        for (const x of started) {
          const peak = peakRss(x.server.pid);
          await stopChild(x.server);
          servers.push({ name: x.s.system, size, readyMs: x.server.readyMs, peakRssBytes: peak });
          log(`  ${x.s.system}: peak RSS ${fmt(peak === null ? null : peak / 1024 / 1024)} MB`);
        }
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
    roundRatios: roundRatios.find((r) => r.size === config.sizes.at(-1)) ?? null,
    paced,
  });
  const title = `Kagiya bench ${startedAt.toISOString().slice(0, 16)}Z — ${machine.nproc} CPUs, load average at start ${machine.loadAverage.join(' ')}, host speed ${machine.hostSpeedMs} ms (sha256 ×300k, lower is faster)`;
  const text = [
    title,
    `${config.connections} HTTP connections (${config.generator === 'autocannon' ? 'autocannon' : 'keep-alive loop, bench/lib/keep-alive-load.ts'}), server pools ${config.poolSize}, pgbench -M prepared with ${config.floorClients} clients for verify (each statement carrying as many entries as Kagiya's did on average: ${floorBatches.join(', ') || 'n/a'}) and ${config.pgbenchClients} clients (status), ${config.seconds} s per phase, verify in ${config.rounds} alternating round(s), each phase after a checkpoint, wal_compression ${pgSettings.wal_compression} on the bench database; verify = 95 % right, 5 % wrong PINs`,
    ...roundRatios.map(
      (r) =>
        `rounds at ${sizeLabel(r.size)}: Kagiya verify of floor ${r.ofFloor.map((x) => `${fmt(100 * x, 0)} %`).join(', ') || 'n/a'}; vs peer ${r.vsPeer.map((x) => `${fmt(x, 2)} ×`).join(', ') || 'n/a'}` +
        (r.variant.length ? `; Kagiya B over Kagiya ${r.variant.map((x) => `${fmt(x, 3)} ×`).join(', ')} (median ${fmt(median(r.variant), 3)} ×)` : ''),
    ),
    ...(config.variant
      ? [
          `Kagiya B: ${config.variant.bundle ? `bundle ${config.variant.bundle}` : "Kagiya's bundle"}${config.variant.nodeArgs.length ? `, node ${config.variant.nodeArgs.join(' ')}` : ''}${Object.keys(config.variant.env).length ? `, environment ${Object.entries(config.variant.env).map(([k, v]) => `${k}=${v}`).join('; ')}` : ''}`,
        ]
      : []),
    '',
    sideBySide(rows),
    '',
    `servers: ${servers.map((s) => `${s.name} at ${sizeLabel(s.size)}: ready ${fmt(s.readyMs / 1000, 2)} s, peak RSS ${fmt((s.peakRssBytes ?? NaN) / 1024 / 1024)} MB`).join('; ')}`,
    `Kagiya start to ready through tsx instead of the bundle: ${fmt((tsxReadyMs ?? NaN) / 1000, 2)} s`,
    ...(paced.length ? [`Kagiya verify paced at ${config.pacedRate}/s (latency from each request's scheduled time): ${paced.map((p) => `${sizeLabel(p.size)} ${fmt(p.rps, 0)} req/s, p50 ${fmt(p.p50)} ms, p99 ${fmt(p.p99)} ms, CPU-ms server ${fmt(p.serverCpuMs, 3)} / PG ${fmt(p.postgresCpuMs, 3)}`).join('; ')}`] : []),
    `seeding: ${seeding.map((s) => `${sizeLabel(s.size)} cards in ${fmt(s.seconds)} s`).join(', ')}`,
    '',
    targetsTable(targets),
  ].join('\n');
  log(`\n${text}`);

  const out = join(ROOT, 'bench/results');
  // A run of only some systems (BENCH_SYSTEMS) never replaces the side-by-side results.
  const stem = config.systems.size === 3 && !config.variant ? 'latest' : 'partial';
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${stem}.txt`), `${text}\n`);
  writeFileSync(
    join(out, `${stem}.json`),
    `${JSON.stringify({ timestamp: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, postgres: pgSettings, config, rows, roundRatios, paced, races, servers, tsxReadyMs, seeding, targets, unexpectedErrors: unexpected }, null, 2)}\n`,
  );
  const svg = await renderChart(
    rows.map((r) => ({ system: r.system, scenario: r.scenario, cards: sizeLabel(r.size), rps: Math.round(r.rps), p99: r.p99 ?? 0 })),
    title,
  );
  writeFileSync(join(out, `${stem}.svg`), svg);
  // A PNG from an earlier run must not stand beside this run's figures: it is rendered anew or removed.
  const png = join(out, `${stem}.png`);
  rmSync(png, { force: true });
  if (existsSync('/usr/bin/chromium')) {
    try {
      execFileSync('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', `--screenshot=${png}`, '--window-size=1000,760', `file://${join(out, `${stem}.svg`)}`], { stdio: 'ignore', timeout: 60_000 });
    } catch {
      log('(PNG not written: chromium failed; the SVG is the chart)');
    }
  } else {
    log('(PNG not written: no /usr/bin/chromium (apt-get install chromium); the SVG is the chart)');
  }
  log(`wrote bench/results/${stem}.{txt,json,svg${existsSync(join(out, `${stem}.png`)) ? ',png' : ''}}`);
  if (unexpected > 0) log(`FAILED: ${unexpected} unexpected answers or aborted pgbench runs (see above)`);
  return unexpected > 0 ? 1 : 0;
}

/** What every measured phase starts from: fresh statistics, then a checkpoint (both explained below). */
async function beforePhase(db: pg.Client, log: (line: string) => void) {
  await analyze(db, log);
  await checkpoint(db, log);
}

/**
 * Statistics refreshed before every measured phase, as autovacuum's ANALYZE would keep them in a deployment. Where
 * PostgreSQL runs with autovacuum off (this machine kind's CI configuration does), nothing else refreshes them: a
 * server's cached plans then stay as they were first made, on tables that were empty or small at the time (the risk
 * figures' plan, made when risk_failures was empty, scanned the whole table; bench/README.md, "Statistics").
 */
async function analyze(db: pg.Client, log: (line: string) => void) {
  if (!config.analyze) return;
  const t0 = process.hrtime.bigint();
  await db.query('analyze');
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (seconds > 1) log(`  analyze before the phase: ${fmt(seconds)} s`);
}

/**
 * Every measured phase starts right after a CHECKPOINT, so none pays for the writes of the one before it: without
 * this, the first system after seeding 1M cards ran during the spread checkpoint of the seed (minutes of writes),
 * and every phase wrote a full-page image for each page it touched first after whichever checkpoint fell into it.
 */
async function checkpoint(db: pg.Client, log: (line: string) => void) {
  const t0 = process.hrtime.bigint();
  try {
    await db.query('checkpoint');
  } catch (error) {
    log(`  (checkpoint before the phase failed, measuring anyway: ${(error as Error).message})`);
    return;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (seconds > 1) log(`  checkpoint before the phase: ${fmt(seconds)} s`);
}

type WalStats = { bytes: number; fpi: number; checkpoints: number; commits: number; lsn: string } | null;
async function walStats(db: pg.Client): Promise<WalStats> {
  try {
    const { rows } = await db.query<{ bytes: string; fpi: string; checkpoints: string; commits: string; lsn: string }>(
      `select wal_bytes::text as bytes, wal_fpi::text as fpi, pg_current_wal_lsn()::text as lsn,
              (select (checkpoints_timed + checkpoints_req)::text from pg_stat_bgwriter) as checkpoints,
              (select xact_commit::text from pg_stat_database where datname = current_database()) as commits
       from pg_stat_wal`,
    );
    const row = rows[0];
    return row ? { bytes: Number(row.bytes), fpi: Number(row.fpi), checkpoints: Number(row.checkpoints), commits: Number(row.commits), lsn: row.lsn } : null;
  } catch {
    return null; // PostgreSQL before 14 has no pg_stat_wal
  }
}

/** WAL written per request during a phase (the whole server's, which the bench has to itself), for the log. */
function walPerRequest(a: WalStats, b: WalStats, requests: number): string {
  if (!a || !b || requests <= 0) return 'n/a';
  const kb = (b.bytes - a.bytes) / 1024 / requests;
  const fpi = (b.fpi - a.fpi) / requests;
  // Commits of the bench database (statistics are flushed within a second, so the last moments may be missing).
  const commits = (b.commits - a.commits) / requests;
  // The LSN range lets `pg_waldump -s <from> -e <to>` show what the phase wrote, e.g. which relations' pages got images.
  return `${fmt(kb, 2)} KB (${fmt(fpi, 2)} full-page images, WAL ${a.lsn}..${b.lsn}), checkpoints during the phase ${b.checkpoints - a.checkpoints}, commits per request ${fmt(commits, 3)}`;
}

type Measured = Awaited<ReturnType<typeof measure>>;
/** One verify round (or a single phase) of one system, with its length so that rounds can be combined. */
type RoundRow = Row & { seconds: number };

/**
 * A system's verify rounds as one row: requests per second and CPU per request over all rounds (weighted by
 * length), p50 and p99 the median of the rounds'.
 */
function combineRounds(system: Row['system'], list: readonly RoundRow[]): Row {
  const seconds = list.reduce((a, r) => a + r.seconds, 0);
  const requests = list.reduce((a, r) => a + r.rps * r.seconds, 0);
  const perRequest = (pick: (r: RoundRow) => number | null | undefined) =>
    list.every((r) => typeof pick(r) === 'number') ? list.reduce((a, r) => a + pick(r)! * r.rps * r.seconds, 0) / Math.max(1, requests) : null;
  const mid = (pick: (r: RoundRow) => number | null) => median(list.map(pick).filter((x): x is number => x !== null));
  return {
    size: list[0]!.size,
    scenario: 'verify',
    system,
    rps: requests / Math.max(1e-9, seconds),
    p50: mid((r) => r.p50),
    p99: mid((r) => r.p99),
    errors: list.reduce((a, r) => a + r.errors, 0),
    serverCpuMs: perRequest((r) => r.serverCpuMs),
    postgresCpuMs: perRequest((r) => r.postgresCpuMs),
    loadCpuMs: perRequest((r) => r.loadCpuMs),
    otherCores: mid((r) => r.otherCores),
  };
}

async function measure(server: Child, trackCpu: () => Promise<{ stop(): Promise<number> }>, db: pg.Client, run: () => Promise<ScenarioResult>) {
  const walBefore = await walStats(db);
  const tracker = await trackCpu();
  const before = sampleCpu(server.pid);
  const t0 = process.hrtime.bigint();
  const result = await run();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuBreakdown(before, sampleCpu(server.pid), wall, await tracker.stop());
  const perRequest = (cores: number) => (result.requestsPerSecondAvg > 0 ? (1000 * cores) / result.requestsPerSecondAvg : null);
  const wal = walPerRequest(walBefore, await walStats(db), result.requestsTotal);
  return { result, wal, serverCpuMs: perRequest(cpu.serverCores), serverKernelPercent: cpu.serverKernelPercent, postgresCpuMs: perRequest(cpu.postgresCores), loadCpuMs: perRequest(cpu.loadGeneratorCores), otherCores: cpu.otherCores };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
