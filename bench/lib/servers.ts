// The servers under test as child processes: Kagiya (bench/server.ts) and the textbook peer
// (bench/peers/textbook/server.ts). Each prints one JSON line {"ready":true,"port":…} once listening; the time from
// spawn to that line is the start-to-ready time.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type Child = Readonly<{
  name: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  pid: number;
  port: number;
  readyMs: number;
  exited: Promise<number | null>;
}>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startChild(input: { name: string; script: string; cwd: string; env: Record<string, string>; nodeArgs?: string[] }): Promise<Child> {
  const t0 = process.hrtime.bigint();
  const loader = input.script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...(input.nodeArgs ?? []), ...loader, input.script], {
    cwd: input.cwd,
    env: { ...process.env, NODE_ENV: 'production', ...input.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  let forwarded = 0;
  const forward = (line: string) => {
    forwarded++;
    if (forwarded <= 20) process.stderr.write(`[${input.name}] ${line}\n`);
    else if (forwarded === 21) process.stderr.write(`[${input.name}] … further output suppressed\n`);
  };
  createInterface({ input: child.stderr }).on('line', forward);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${input.name} did not start within 60 s`)), 60_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: boolean; port?: number };
        if (msg.ready && msg.port) {
          clearTimeout(timer);
          resolve(msg.port);
          return;
        }
      } catch {
        // not our line
      }
      forward(line);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${input.name} exited during start-up (code ${code})`));
    });
  });
  const readyMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { name: input.name, child, pid: child.pid!, port, readyMs, exited };
}

export async function stopChild(server: Child): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  const done = await Promise.race([server.exited.then(() => true), sleep(8000).then(() => false)]);
  if (!done) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}
