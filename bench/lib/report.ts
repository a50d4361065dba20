// The side-by-side table and the targets of a bench run, as text and as data for the JSON.
import type { RaceResult } from './race.js';

export type Row = Readonly<{
  size: number;
  scenario: 'verify' | 'status';
  /** 'floor, 1 per statement': the verify statement carrying one entry, for the record (the floor is in Kagiya's shape). */
  system: 'floor (pgbench)' | 'floor, 1 per statement' | 'Kagiya' | 'Kagiya B' | 'textbook peer';
  rps: number;
  p50: number | null;
  p99: number | null;
  errors: number;
  /** CPU milliseconds per request: the server process (null for pgbench) and the bench database's backends. */
  serverCpuMs: number | null;
  postgresCpuMs: number | null;
  /** CPU milliseconds per request of the load generator (in the bench process; null for pgbench). */
  loadCpuMs?: number | null;
  otherCores: number | null;
}>;

/** Kagiya's verify at a fixed request rate at one size (run-bench.ts, "Paced latency" in bench/README.md). */
export type PacedRow = Pick<Row, 'size' | 'rps' | 'p50' | 'p99' | 'errors' | 'serverCpuMs' | 'postgresCpuMs'> & Readonly<{ rate: number }>;

export type Target = Readonly<{ name: string; goal: string; measured: string; met: boolean | null; note: string }>;

export const sizeLabel = (n: number) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));
/** The median, or null for none. */
export function median(xs: readonly number[] | null | undefined): number | null {
  if (!xs || xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));

export function table(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function sideBySide(rows: readonly Row[]): string {
  const floorOf = (r: Row) => rows.find((f) => f.size === r.size && f.scenario === r.scenario && f.system === 'floor (pgbench)');
  const out: string[][] = [['cards', 'scenario', 'system', 'req/s', 'of floor', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/req server', 'CPU ms/req PG', 'CPU ms/req load', 'other cores']];
  for (const r of rows) {
    const floor = floorOf(r);
    out.push([
      sizeLabel(r.size),
      r.scenario,
      r.system,
      fmt(r.rps, 0),
      floor && r !== floor ? `${fmt((100 * r.rps) / floor.rps, 0)} %` : '',
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      String(r.errors),
      fmt(r.serverCpuMs, 3),
      fmt(r.postgresCpuMs, 3),
      fmt(r.loadCpuMs, 3),
      fmt(r.otherCores, 2),
    ]);
  }
  return table(out);
}

export function evaluate(input: {
  rows: readonly Row[];
  sizes: readonly number[];
  races: readonly RaceResult[];
  kagiyaPeakRss: number | null;
  kagiyaReadyMs: number;
  /** The largest size's verify rounds: Kagiya's rate over the floor's and the peer's, round by round. */
  roundRatios?: Readonly<{ ofFloor: readonly number[]; vsPeer: readonly number[] }> | null;
  /** Kagiya's verify at one fixed rate, per size. */
  paced?: readonly PacedRow[];
}): Target[] {
  const { rows, sizes } = input;
  const big = sizes.at(-1)!;
  const small = sizes[0]!;
  const get = (size: number, scenario: Row['scenario'], system: Row['system']) => rows.find((r) => r.size === size && r.scenario === scenario && r.system === system);
  const kv = get(big, 'verify', 'Kagiya');
  const fv = get(big, 'verify', 'floor (pgbench)');
  const pv = get(big, 'verify', 'textbook peer');
  const kvSmall = get(small, 'verify', 'Kagiya');
  const targets: Target[] = [];
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? a / b : null);
  const miss = (value: number | null, goal: number, higher: boolean) =>
    value === null ? 'not measured' : (higher ? value >= goal : value <= goal) ? '' : `missed by ${fmt(Math.abs(100 * (value / goal - 1)), 0)} %`;

  // With rounds, the median of the rounds' ratios (each taken minutes apart at most seconds); else the one ratio.
  const rounds = input.roundRatios;
  const roundsNote = (xs: readonly number[] | undefined, show: (x: number) => string) => (xs && xs.length > 1 ? `median of ${xs.length} rounds (${xs.map(show).join(', ')})` : '');
  const ofFloor = median(rounds?.ofFloor) ?? ratio(kv?.rps, fv?.rps);
  targets.push({
    name: `Kagiya verify vs floor (${sizeLabel(big)})`,
    goal: '≥ 60 %',
    measured: `${fmt(ofFloor === null ? null : 100 * ofFloor, 0)} %`,
    met: ofFloor === null ? null : ofFloor >= 0.6,
    note: [miss(ofFloor, 0.6, true), roundsNote(rounds?.ofFloor, (x) => `${fmt(100 * x, 0)} %`)].filter(Boolean).join('; '),
  });
  const single = get(big, 'verify', 'floor, 1 per statement');
  const ofSingle = ratio(kv?.rps, single?.rps);
  targets.push({
    name: `Kagiya verify vs one entry per statement (${sizeLabel(big)})`,
    goal: 'record',
    measured: `${fmt(ofSingle === null ? null : 100 * ofSingle, 0)} %`,
    met: null,
    note: ofSingle === null ? 'not measured' : 'PostgreSQL alone, without batches',
  });
  const vsPeer = median(rounds?.vsPeer) ?? ratio(kv?.rps, pv?.rps);
  targets.push({
    name: `Kagiya verify vs textbook peer (${sizeLabel(big)})`,
    goal: '≥ 1.5 ×',
    measured: `${fmt(vsPeer, 2)} ×`,
    met: vsPeer === null ? null : vsPeer >= 1.5,
    note: [miss(vsPeer, 1.5, true), roundsNote(rounds?.vsPeer, (x) => `${fmt(x, 2)} ×`)].filter(Boolean).join('; '),
  });
  const growth = sizes.length > 1 ? ratio(kv?.p99, kvSmall?.p99) : null;
  targets.push({
    name: `Kagiya verify p99 ${sizeLabel(big)} / ${sizeLabel(small)}`,
    goal: '≤ 1.2 ×',
    measured: `${fmt(growth, 2)} × (${fmt(kv?.p99)} / ${fmt(kvSmall?.p99)} ms)`,
    met: growth === null ? null : growth <= 1.2,
    note: miss(growth, 1.2, false),
  });
  const pacedBig = input.paced?.find((p) => p.size === big);
  const pacedSmall = input.paced?.find((p) => p.size === small);
  if (pacedBig && pacedSmall && big !== small) {
    const pacedGrowth = ratio(pacedBig.p99, pacedSmall.p99);
    targets.push({
      name: `Kagiya verify p99 ${sizeLabel(big)} / ${sizeLabel(small)} at ${pacedBig.rate}/s`,
      goal: 'record',
      measured: `${fmt(pacedGrowth, 2)} × (${fmt(pacedBig.p99)} / ${fmt(pacedSmall.p99)} ms)`,
      met: null,
      note: 'the same fixed rate at both sizes, below saturation',
    });
  }
  const rssMb = input.kagiyaPeakRss === null ? null : input.kagiyaPeakRss / 1024 / 1024;
  targets.push({ name: 'Kagiya server peak RSS', goal: '< 300 MB', measured: `${fmt(rssMb)} MB`, met: rssMb === null ? null : rssMb < 300, note: miss(rssMb, 300, false) });
  const readyS = input.kagiyaReadyMs / 1000;
  targets.push({ name: 'Kagiya start to ready (migrated database)', goal: '< 3 s', measured: `${fmt(readyS, 2)} s`, met: readyS < 3, note: miss(readyS, 3, false) });
  targets.push({ name: `server CPU per verification (${sizeLabel(big)})`, goal: '≤ 0.25 ms', measured: `${fmt(kv?.serverCpuMs, 3)} ms`, met: kv?.serverCpuMs == null ? null : kv.serverCpuMs <= 0.25, note: miss(kv?.serverCpuMs ?? null, 0.25, false) });
  targets.push({ name: `PostgreSQL CPU per verification (${sizeLabel(big)})`, goal: '≤ 0.25 ms', measured: `${fmt(kv?.postgresCpuMs, 3)} ms`, met: kv?.postgresCpuMs == null ? null : kv.postgresCpuMs <= 0.25, note: miss(kv?.postgresCpuMs ?? null, 0.25, false) });
  for (const race of input.races) {
    targets.push({
      name: `race: ${race.sent} parallel wrong PINs, ${race.name}`,
      goal: `compares exactly ${race.allowed}`,
      measured: `${race.compared} compared`,
      met: race.name === 'Kagiya' ? race.compared === race.allowed : null,
      note: race.name === 'Kagiya' ? '' : race.compared > race.allowed ? `the peer compared ${race.compared - race.allowed} more than the slot allows` : '',
    });
  }
  return targets;
}

export function targetsTable(targets: readonly Target[]): string {
  return table([['target', 'goal', 'measured', 'result', ''], ...targets.map((t) => [t.name, t.goal, t.measured, t.met === null ? '(record)' : t.met ? 'MET' : 'MISSED', t.note])]);
}
