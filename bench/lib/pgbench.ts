// pgbench scripts that send PostgreSQL the very statements the server sends per request: the text is imported from
// src/adapters/db/card-attempt.sql.ts (PIN_ATTEMPT_SQL) and card-overview.sql.ts (CARD_OVERVIEW_SQL), never copied.
// The only rewrite is mechanical: `$k` becomes `:name` (PIN_ATTEMPT_PARAMS / CARD_OVERVIEW_PARAMS name the parameters
// in order).
// pgbench cannot compute a uuid or an HMAC, so each transaction first reads its cards from `bench_cards` (n, card id,
// key hash, right and wrong PIN hash) with \gset: one extra, read-only round trip per transaction that the server
// does not make. Its cost is printed per statement (-r).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIN_ATTEMPT_PARAMS, PIN_ATTEMPT_SQL } from '../../src/adapters/db/card-attempt.sql.js';
import { CARD_OVERVIEW_PARAMS, CARD_OVERVIEW_SQL } from '../../src/adapters/db/card-overview.sql.js';
import { machineCpuSeconds } from './proc.js';

/** `$k` → `:params[k-1]`; the statement is otherwise untouched. */
export function pgbenchStatement(text: string, params: readonly string[]): string {
  // The leading `/* prepared:name */` marker is a comment to PostgreSQL, but pgbench would read `:name` in it as a
  // variable; it goes.
  const out = text.replace(/^\/\* prepared:[a-z_]+ \*\/\s*/, '').replace(/\$(\d+)/g, (_, k: string) => {
    const name = params[Number(k) - 1];
    if (!name) throw new Error(`statement uses $${k} but only ${params.length} parameters are named`);
    return `:${name}`;
  });
  return `${out.trim()};\n`;
}

/**
 * The entries of one statement (the server groups the entries that arrive while the database is busy, up to
 * PIN_BATCH_MAX, src/adapters/db/entry-batcher.ts): `batch` cards spread evenly over the population from a random
 * start, so they are distinct; 5 % of entries carry the wrong PIN's hash. Each card enters from its own device, as
 * over HTTP (http-load.ts), and its source key is the server's (`terminal:<service>/<terminal>`, domain/risk.ts) —
 * spelt with ':' apart, because pgbench reads ':name' as a variable even inside a string literal. The JSON is what
 * pinAttemptEntry builds in the server.
 */
function pickForVerify(batch: number): string {
  return `\\set base random(0, :ncards - 1)
select jsonb_agg(jsonb_build_object('n', i, 'card_id', card_id, 'key_hash', encode(key_hash, 'hex'), 'slot', 'auth',
         'cert_kind', 'auth', 'pin_hash', encode(case when random() < 0.05 then wrong_hash else right_hash end, 'hex'),
         'now', now(), 'operation', 'verify', 'channel', 'pc', 'service', 'bench', 'terminal', 'device-' || n,
         'actor', null, 'confirm_last_try', false, 'source_key', 'terminal' || ':' || 'bench/device-' || n))::text as entries
from generate_series(0, ${batch - 1}) i join bench_cards on n = (:base::int + i * (:ncards::int / ${batch})) % :ncards::int + 1 \\gset
`;
}

const PICK_FOR_STATUS = `\\set n random(1, :ncards)
select card_id, key_hash from bench_cards where n = :n \\gset
`;

/** `batch` verifies in one statement as the server runs them: PIN_ATTEMPT_SQL, nothing else. */
export const verifyScript = (batch: number) => pickForVerify(batch) + pgbenchStatement(PIN_ATTEMPT_SQL, PIN_ATTEMPT_PARAMS);

/** One GET …/status as the server runs it: CARD_OVERVIEW_SQL. */
export const STATUS_SCRIPT = PICK_FOR_STATUS + pgbenchStatement(CARD_OVERVIEW_SQL, CARD_OVERVIEW_PARAMS);

export type PgbenchResult = Readonly<{
  name: string;
  mode: string;
  clients: number;
  threads: number;
  seconds: number;
  transactions: number | null;
  failedTransactions: number | null;
  tps: number | null;
  latencyMs: Readonly<{ avg: number | null; p50: number | null; p99: number | null; max: number | null }>;
  /** Per-statement average latency (ms) from `-r`, in script order. */
  statementLatencyMs: readonly { ms: number; statement: string }[];
  /** CPU cores used by PostgreSQL processes, and the whole machine's busy share, during the run. */
  postgresCores: number;
  machineBusyPercent: number;
  exitCode: number | null;
  aborted: boolean;
  stderrTail: string;
}>;

function run(bin: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Per-transaction latencies (µs, field 3) from pgbench --log files; failed transactions are not numbers. */
function readLogLatencies(dir: string, prefix: string): Float64Array {
  const values: number[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(`${prefix}.`))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const field = line.split(' ')[2];
      if (field === undefined) continue;
      const us = Number(field);
      if (Number.isFinite(us)) values.push(us / 1000);
    }
  }
  return Float64Array.from(values).sort();
}

function num(re: RegExp, text: string): number | null {
  const m = re.exec(text);
  return m ? Number(m[1]) : null;
}

export async function runPgbench(input: {
  bin: string;
  url: string;
  name: string;
  script: string;
  mode: 'prepared' | 'extended' | 'simple';
  clients: number;
  threads: number;
  seconds: number;
  ncards: number;
  /** Counts the CPU of the bench database's backends over the run. */
  trackCpu: () => Promise<{ stop(): Promise<number> }>;
}): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kagiya-pgbench-'));
  try {
    const scriptFile = join(dir, `${input.name}.sql`);
    writeFileSync(scriptFile, input.script);
    const prefix = 'txlog';
    const args = [
      '--no-vacuum',
      `--protocol=${input.mode}`,
      `--client=${input.clients}`,
      `--jobs=${input.threads}`,
      `--time=${input.seconds}`,
      `--define=ncards=${input.ncards}`,
      `--define=clients=${input.clients}`,
      `--file=${scriptFile}`,
      '--report-per-command',
      '--verbose-errors',
      '--log',
      `--log-prefix=${join(dir, prefix)}`,
      input.url,
    ];
    const pgTracker = await input.trackCpu();
    const machineBefore = machineCpuSeconds();
    const t0 = Date.now();
    const { code, stdout, stderr } = await run(input.bin, args);
    const wall = (Date.now() - t0) / 1000;
    const pgCpu = await pgTracker.stop();
    const machineAfter = machineCpuSeconds();
    const latencies = readLogLatencies(dir, prefix);
    const statementLatencyMs: { ms: number; statement: string }[] = [];
    const perCommand = stdout.split(/statement latencies in milliseconds[^\n]*\n/)[1] ?? '';
    for (const line of perCommand.split('\n')) {
      // "         0.123           0  select …" (PG 15: latency, failures, command)
      const m = /^\s+([0-9.]+)\s+(?:[0-9]+\s+)?(.*)$/.exec(line);
      if (m && !m[2]!.startsWith('\\')) statementLatencyMs.push({ ms: Number(m[1]), statement: m[2]!.trim().slice(0, 60) });
    }
    const aborted = /aborted/i.test(stdout + stderr) || (code !== 0 && code !== null);
    return {
      name: input.name,
      mode: input.mode,
      clients: input.clients,
      threads: input.threads,
      seconds: input.seconds,
      transactions: num(/number of transactions actually processed: (\d+)/, stdout),
      failedTransactions: num(/number of failed transactions: (\d+)/, stdout),
      tps: num(/tps = ([0-9.]+) \(without initial connection time\)/, stdout),
      latencyMs: {
        avg: num(/latency average = ([0-9.]+) ms/, stdout),
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.length ? latencies[latencies.length - 1]! : null,
      },
      statementLatencyMs,
      postgresCores: Math.round((pgCpu / wall) * 100) / 100,
      machineBusyPercent: Math.round((100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total)),
      exitCode: code,
      aborted,
      stderrTail: (stderr + stdout).split('\n').filter((l) => /fail|abort|dead|error/i.test(l)).slice(-8).join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
