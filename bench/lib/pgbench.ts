// pgbench scripts that send PostgreSQL the same SQL the server sends per request, to separate the database's
// cost from the Node server's. The statement texts are copied from src/adapters/db/card-attempt.sql.ts
// (beginAttemptSql, finishSuccessSql, overviewByKeySql) and finishFailure in src/adapters/db/card-store.ts; only `${x}` became `:x`. Values the server binds as parameters are bound as
// parameters here too (taken with \gset from a helper-table lookup), except the EventContext nulls, which
// pgbench cannot bind, written as NULL.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineCpuSeconds, trackPostgresCpu } from './proc.js';

/**
 * Picks a seeded card from this client's own share (client k gets cards k+1, k+1+clients, …), so that, as in the
 * HTTP scenario, no two requests work on the same card at once; also yields the constant parameters (slot,
 * operation, …) as bindable variables.
 */
const PICK_CARD = `\\set n 1 + :client_id + :clients * random(0, :ncards / :clients - 1)
select card_id, key_hash, now()::text as now, 'auth' as slot, 'auth' as cert_kind, 'verify' as operation,
       'true' as spend, 'incorrect' as incorrect, 'true' as yes
from bench_cards where n = :n \\gset
`;

const BEGIN_ATTEMPT = `with card as (
      select c.id, c.status, c.expires_at from cards c where c.id = :card_id and c.key_hash = :key_hash
    ),
    slot as (
      select s.remaining, s.max_tries, s.locked_at from pin_slots s, card where s.card_id = card.id and s.slot = :slot
    ),
    cert as (
      select ce.status, ce.not_before, ce.not_after, ce.serial_hex, ce.status_changed_at, ce.revocation_reason
      from certificates ce, card where ce.card_id = card.id and ce.kind = :cert_kind::text and ce.current
    ),
    spent as (
      update pin_slots s
      set remaining = s.remaining - 1,
          attempt_seq = s.attempt_seq + 1,
          locked_at = case when s.remaining = 1 then :now::timestamptz else s.locked_at end,
          updated_at = :now::timestamptz
      from card
      where :spend::boolean
        and s.card_id = card.id and s.slot = :slot and s.remaining > 0
        and card.status = 'active' and card.expires_at > :now::timestamptz
        and (:cert_kind::text is null
             or exists (select 1 from cert where cert.status = 'valid' and cert.not_after > :now::timestamptz))
      returning s.pin_hash, s.remaining, s.attempt_seq
    ),
    ev as (
      insert into card_events (card_id, occurred_at, operation, slot, result, remaining_after, attempt_seq,
                               channel, service, terminal, actor)
      select :card_id, :now::timestamptz, :operation, :slot, 'pending', spent.remaining, spent.attempt_seq,
             NULL, NULL, NULL, NULL
      from spent
      returning id
    )
    select card.status as card_status, card.expires_at as card_expires_at,
           slot.remaining as slot_remaining, slot.max_tries as slot_max, slot.locked_at as slot_locked_at,
           cert.status as cert_status, cert.not_before as cert_not_before, cert.not_after as cert_not_after,
           cert.serial_hex as cert_serial, cert.status_changed_at as cert_changed_at,
           cert.revocation_reason as cert_reason,
           spent.pin_hash as spent_hash, spent.remaining as spent_remaining, spent.attempt_seq as spent_seq,
           ev.id as event_id
    from card
    left join slot on true
    left join cert on true
    left join spent on true
    left join ev on true
 \\gset
`;

const FINISH_SUCCESS = `with restored as (
      update pin_slots
      set remaining = greatest(max_tries - (attempt_seq - :spent_seq::integer), 0),
          last_success_seq = :spent_seq::integer,
          locked_at = case when max_tries - (attempt_seq - :spent_seq::integer) > 0 then null else locked_at end,
          updated_at = :now::timestamptz
      where card_id = :card_id and slot = :slot and last_success_seq < :spent_seq::integer and pin_hash = :spent_hash
      returning remaining
    ),
    current_slot as (select remaining from pin_slots where card_id = :card_id and slot = :slot)
    update card_events
    set result = 'success',
        remaining_after = coalesce((select remaining from restored), (select remaining from current_slot))
    where id = :event_id
    returning remaining_after;
`;

const FINISH_FAILURE = `update card_events set result = 'incorrect', remaining_after = :spent_remaining::smallint where id = :event_id::bigint;
`;

/**
 * One verify as the server does it: beginAttempt, then finishSuccess, or for ~5 % finishFailure (the wrong-PIN
 * path). A wrong one is only taken when the slot was full before this try, so no card ever locks.
 */
export const VERIFY_SCRIPT = `${PICK_CARD}\\set wrong random(1, 20)
${BEGIN_ATTEMPT}\\if :wrong = 1 and :spent_remaining >= 2
${FINISH_FAILURE}\\else
${FINISH_SUCCESS}\\endif
`;

/** One GET …/status as the server does it: overviewByKeySql, one statement (card, slots, certificates). */
export const STATUS_SCRIPT = `${PICK_CARD}select c.id, c.resident_id, c.status, c.issued_at, c.expires_at, c.key_algorithm, c.status_changed_at, c.status_reason, (select json_agg(json_build_object('slot', s.slot, 'remaining', s.remaining, 'max', s.max_tries, 'locked_at', s.locked_at)) from pin_slots s where s.card_id = c.id) as slots, (select json_agg(json_build_object('id', ce.id, 'kind', ce.kind, 'status', ce.status, 'not_before', ce.not_before, 'not_after', ce.not_after, 'serial_hex', ce.serial_hex, 'status_changed_at', ce.status_changed_at, 'revocation_reason', ce.revocation_reason)) from certificates ce where ce.card_id = c.id and ce.current) as certs from cards c where c.id = :card_id and c.key_hash = :key_hash;
`;

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
}): Promise<PgbenchResult> {
  if (input.ncards < input.clients) throw new Error(`pgbench needs at least as many cards (${input.ncards}) as clients (${input.clients})`);
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
      '--log',
      `--log-prefix=${join(dir, prefix)}`,
      input.url,
    ];
    const pgTracker = trackPostgresCpu();
    const machineBefore = machineCpuSeconds();
    const t0 = Date.now();
    const { code, stdout, stderr } = await run(input.bin, args);
    const wall = (Date.now() - t0) / 1000;
    const pgCpu = pgTracker.stop();
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
      stderrTail: stderr.split('\n').filter(Boolean).slice(-5).join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
