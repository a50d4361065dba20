// Linux /proc readings: a process's peak RSS and CPU time, the machine's CPU time, machine facts.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

/** User + system CPU seconds a process has used so far. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / CLK_TCK, total: (busy + idle + iowait) / CLK_TCK };
}

export type CpuSample = Readonly<{ server: number | null; driver: number; machine: { busy: number; total: number } }>;

export function sampleCpu(serverPid: number): CpuSample {
  const usage = process.cpuUsage();
  return { server: processCpuSeconds(serverPid), driver: (usage.user + usage.system) / 1e6, machine: machineCpuSeconds() };
}

/**
 * Where the CPU went between two samples, in cores (CPU seconds per wall second). "rest" is the machine's busy
 * time less the server and this driver (autocannon): on a bench box that is essentially PostgreSQL.
 */
export function cpuBreakdown(a: CpuSample, b: CpuSample, wallSeconds: number) {
  const server = a.server !== null && b.server !== null ? b.server - a.server : NaN;
  const driver = b.driver - a.driver;
  const busy = b.machine.busy - a.machine.busy;
  const total = b.machine.total - a.machine.total;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    serverCores: round(server / wallSeconds),
    loadGeneratorCores: round(driver / wallSeconds),
    restCores: round((busy - server - driver) / wallSeconds),
    machineBusyPercent: round((100 * busy) / total),
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
  };
}
