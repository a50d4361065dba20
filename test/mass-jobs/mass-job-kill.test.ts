import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { createTestSystem, POSTGRES_ENABLED, type TestSystem } from '../support/test-db.js';
import { waitFor } from '../notifications/smtp-sink.js';
import { seedMassCards } from './seed-mass-cards.js';

// Issue 13 item 3, done when "a national suspension of 100,000 cards survives a restart": the real server (src/main.ts)
// runs the job in its worker on PostgreSQL, is killed with SIGKILL half-way, is started again, and finishes the job;
// then every card has exactly one `suspend` event of the job, one audit entry, and suspended certificates.

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const COUNT = 100_000;
const PORT = 4220;
const TOKEN = 'mass-job-kill-test-admin-token-000000';

describe.runIf(POSTGRES_ENABLED)('a mass suspension of 100,000 cards killed half-way (PostgreSQL, kill -9)', () => {
  let system: TestSystem & { databaseUrl: string | null };
  let child: ChildProcess | null = null;
  const dataDir = mkdtempSync(join(tmpdir(), 'kagiya-mass-'));

  beforeAll(async () => {
    system = await createTestSystem('postgres');
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await system?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<ChildProcess> {
    const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        PORT: String(PORT),
        DATABASE_URL: system.databaseUrl!,
        KAGIYA_DB_POOL: '6',
        KAGIYA_DEMO: '0',
        KAGIYA_DATA_DIR: dataDir,
        KAGIYA_PEPPER: system.pepper.toString('hex'),
        KAGIYA_MASTER_KEY: system.masterKey.toString('hex'),
        KAGIYA_BOOTSTRAP_TOKEN: TOKEN,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
    await waitFor(async () => {
      if (proc.exitCode !== null) throw new Error(`server exited: ${stderr}`);
      return (await fetch(`http://127.0.0.1:${PORT}/readyz`).catch(() => null))?.status === 200;
    }, 60_000, 'the server to be ready');
    return proc;
  }

  const progress = async (jobId: string) => {
    const c = new pg.Client({ connectionString: system.databaseUrl! });
    await c.connect();
    try {
      return (await c.query<{ processed: number; state: string; runs: number }>('select processed, state, runs from mass_jobs where id = $1', [jobId])).rows[0]!;
    } finally {
      await c.end();
    }
  };

  it('finishes the job after the restart, changing each card exactly once', async () => {
    const template = await api(system).newCard();
    await seedMassCards(system.databaseUrl!, { templateCardId: template.cardId, municipalityCode: '112151', count: COUNT });

    child = await start();
    const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/admin/mass-jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'suspend', reason: '認証局の鍵の危殆化に伴う一斉一時停止（試験）', scope: { municipalityCode: '112151' } }),
    });
    const job = (await res.json()) as { id: string; total: number };
    expect(res.status).toBe(201);
    expect(job.total).toBe(COUNT);

    // Half-way: kill -9 the process running the worker.
    const started = Date.now();
    await waitFor(async () => (await progress(job.id)).processed >= COUNT / 2, 300_000, 'half of the job');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    const atKill = await progress(job.id);
    console.info(`mass job: killed at ${atKill.processed} of ${COUNT} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(atKill.state).toBe('running');
    expect(atKill.processed).toBeLessThan(COUNT);

    child = await start();
    const resumed = Date.now();
    const done = await waitFor(async () => {
      const p = await progress(job.id);
      return p.state === 'done' ? p : null;
    }, 400_000, 'the job to finish after the restart');
    console.info(`mass job: finished ${((Date.now() - resumed) / 1000).toFixed(1)} s after the restart, ${done.runs} runs`);
    expect(done.processed).toBe(COUNT);
    expect(done.runs).toBeGreaterThanOrEqual(2);

    const db = new pg.Client({ connectionString: system.databaseUrl! });
    await db.connect();
    try {
      const one = async (text: string, values: unknown[] = []) => (await db.query(text, values)).rows[0];
      // Exactly one event of this job per card, for every card in scope; none twice.
      expect(Number((await one(`select count(*) n from card_events where operation = 'suspend' and detail->>'jobId' = $1`, [job.id])).n)).toBe(COUNT);
      expect(Number((await one(`select count(distinct card_id) n from card_events where operation = 'suspend' and detail->>'jobId' = $1`, [job.id])).n)).toBe(COUNT);
      expect(Number((await one(`select count(*) n from (select card_id from card_events where operation = 'suspend' group by card_id having count(*) <> 1) x`)).n)).toBe(0);
      expect(Number((await one(`select count(*) n from cards c join residents r on r.id = c.resident_id where r.municipality_code = '112151' and c.status = 'suspended'`)).n)).toBe(COUNT);
      expect(Number((await one(`select count(*) n from certificates t join cards c on c.id = t.card_id join residents r on r.id = c.resident_id where r.municipality_code = '112151' and t.status = 'suspended'`)).n)).toBe(2 * COUNT);
      // One audit entry per card, and the chain still holds across the kill.
      expect(Number((await one(`select count(*) n from audit_log where action = 'card.suspend' and detail->>'jobId' = $1`, [job.id])).n)).toBe(COUNT);
      expect(Number((await one(`select count(distinct target_id) n from audit_log where action = 'card.suspend' and detail->>'jobId' = $1`, [job.id])).n)).toBe(COUNT);
      // The template card, in another municipality, is untouched.
      expect((await one('select status from cards where id = $1', [template.cardId])).status).toBe('active');
    } finally {
      await db.end();
    }
    const chain = await system.deps.counter.run((s) => s.audit.verifyChain());
    expect(chain.ok).toBe(true);
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  }, 900_000);
});
