// Linux /proc readings: a process's peak RSS and CPU time, the machine's CPU time, machine facts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function statusField(pid: number, field: string): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    const kb = line ? Number(line.split(/\s+/)[1]) : NaN;
    return Number.isFinite(kb) ? kb * 1024 : null;
  } catch {
    return null;
  }
}

/** Peak resident set size (VmHWM) in bytes, or null when the process is gone. */
export const peakRss = (pid: number) => statusField(pid, 'VmHWM');
/** Current resident set size (VmRSS) in bytes. */
export const currentRss = (pid: number) => statusField(pid, 'VmRSS');

/** Resets VmHWM to the current RSS (clear_refs 5); false when the kernel refuses. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** User and system (kernel) CPU seconds a process has used so far. */
export function processCpu(pid: number): { user: number; system: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / CLK_TCK, system: Number(fields[12]) / CLK_TCK };
  } catch {
    return null;
  }
}

export function processCpuSeconds(pid: number): number | null {
  const cpu = processCpu(pid);
  return cpu ? cpu.user + cpu.system : null;
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLK_TCK, total: (busy + idle + iowait) / CLK_TCK };
}

/** CPU seconds of every live process named `postgres` (postmaster and backends), by pid. */
export function postgresCpuByPid(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
    } catch {
      // the process went away
    }
  }
  return out;
}

/**
 * Tracks PostgreSQL CPU over an interval by sampling every `everyMs`: backends that start and exit inside the
 * interval (pgbench's connections) are counted up to their last sample.
 */
export function trackPostgresCpu(everyMs = 250): { stop(): number } {
  const first = postgresCpuByPid();
  const last = new Map(first);
  const sample = () => {
    for (const [pid, cpu] of postgresCpuByPid()) last.set(pid, cpu);
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      let total = 0;
      for (const [pid, cpu] of last) total += cpu - (first.get(pid) ?? 0);
      return total;
    },
  };
}

/** Context switches of a process so far: voluntary (it waited) and involuntary (it was preempted). */
export function contextSwitches(pid: number): { voluntary: number; involuntary: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (name: string) => Number(new RegExp(`^${name}:[ \t]+([0-9]+)`, 'm').exec(text)?.[1] ?? NaN);
    return { voluntary: get('voluntary_ctxt_switches'), involuntary: get('nonvoluntary_ctxt_switches') };
  } catch {
    return null;
  }
}

export type CpuSample = Readonly<{
  server: number | null;
  serverKernel: number | null;
  serverSwitches: { voluntary: number; involuntary: number } | null;
  driver: number;
  machine: { busy: number; total: number };
}>;

export function sampleCpu(serverPid: number): CpuSample {
  const usage = process.cpuUsage();
  return {
    server: processCpuSeconds(serverPid),
    serverKernel: processCpu(serverPid)?.system ?? null,
    serverSwitches: contextSwitches(serverPid),
    driver: (usage.user + usage.system) / 1e6,
    machine: machineCpuSeconds(),
  };
}

/**
 * Where the CPU went between two samples, in cores (CPU seconds per wall second): the server child, this driver
 * (the HTTP load generator), PostgreSQL processes (see trackPostgresCpu), and everything else on the
 * machine (other users' work, kernel threads), which shows when the measurement was disturbed.
 */
export function cpuBreakdown(a: CpuSample, b: CpuSample, wallSeconds: number, postgres: number) {
  const server = a.server !== null && b.server !== null ? b.server - a.server : NaN;
  const driver = b.driver - a.driver;
  const busy = b.machine.busy - a.machine.busy;
  const total = b.machine.total - a.machine.total;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    serverCores: round(server / wallSeconds),
    /** Share of the server's CPU spent in the kernel (sockets: HTTP in, PostgreSQL out). */
    serverKernelPercent: a.serverKernel !== null && b.serverKernel !== null ? Math.round((100 * (b.serverKernel - a.serverKernel)) / server) : null,
    loadGeneratorCores: round(driver / wallSeconds),
    postgresCores: round(postgres / wallSeconds),
    otherCores: round((busy - server - driver - postgres) / wallSeconds),
    machineBusyPercent: round((100 * busy) / total),
    /** How often per second the server's thread was preempted (involuntary) or went to wait (voluntary). */
    serverInvoluntarySwitchesPerSecond:
      a.serverSwitches && b.serverSwitches ? Math.round((b.serverSwitches.involuntary - a.serverSwitches.involuntary) / wallSeconds) : null,
    serverVoluntarySwitchesPerSecond:
      a.serverSwitches && b.serverSwitches ? Math.round((b.serverSwitches.voluntary - a.serverSwitches.voluntary) / wallSeconds) : null,
  };
}

export function machineInfo() {
  const cpus = os.cpus();
  let nproc = cpus.length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    // keep os.cpus()
  }
  return {
    nproc,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    hostSpeedMs: hostSpeedMs(),
  };
}

/**
 * A fixed piece of CPU work timed at the start (300,000 chained SHA-256 of 32 bytes, best of three): the same loop
 * has run 1.7 times slower on this machine kind a few hours later. Absolute figures of two runs compare only as far as
 * this does; ratios within one run do not need it.
 */
export function hostSpeedMs(): number {
  let best = Infinity;
  for (let round = 0; round < 3; round += 1) {
    const t0 = process.hrtime.bigint();
    let h = Buffer.alloc(32);
    for (let i = 0; i < 300_000; i += 1) h = createHash('sha256').update(h).digest();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.round(best);
}

/**
 * Like trackPostgresCpu, but counts only the backends connected to one database (found in pg_stat_activity every
 * `everyMs`), so other users of a shared PostgreSQL do not count. Shared background processes (WAL writer,
 * checkpointer) are left out: they serve every database alike.
 */
export async function trackDatabaseCpu(adminUrl: string, database: string, everyMs = 250): Promise<{ stop(): Promise<number> }> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const pids = new Set<number>();
  const refresh = async () => {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
    for (const r of rows) pids.add(r.pid);
  };
  await refresh();
  const first = postgresCpuByPid();
  const last = new Map(first);
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    refresh()
      .then(() => {
        for (const [pid, cpu] of postgresCpuByPid()) if (pids.has(pid)) last.set(pid, cpu);
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await refresh().catch(() => undefined);
      for (const [pid, cpu] of postgresCpuByPid()) if (pids.has(pid)) last.set(pid, cpu);
      await client.end().catch(() => undefined);
      let total = 0;
      for (const pid of pids) {
        const end = last.get(pid);
        if (end !== undefined) total += end - (first.get(pid) ?? 0);
      }
      return total;
    },
  };
}
