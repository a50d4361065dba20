import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS, residentBody } from '../support/factories.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { freshPostgresDatabase, POSTGRES_ENABLED } from '../support/test-db.js';

type Answer = { status: number; code: string | null; op: string };
type Card = { cardId: string; cardKey: string };

const WORKERS = 24;
const TERMINATIONS = 7;

// Issue #6 item 1: terminating the database's backends while requests were in flight crashed the server
// (`Unhandled 'error' event … Connection terminated unexpectedly` from a checked-out pg Client).
describe.runIf(POSTGRES_ENABLED)('PostgreSQL backends terminated under concurrent load', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let server: ServerProcess;
  const token = `kgy_test_${randomBytes(16).toString('hex')}`;
  const admin = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    server = await startServerProcess({ DATABASE_URL: database.url, KAGIYA_BOOTSTRAP_TOKEN: token, KAGIYA_DB_POOL: '8' });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  async function call(op: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer & { body: any }> {
    const res = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : null;
    return { op, status: res.status, code: parsed?.error?.code ?? null, body: parsed };
  }

  async function newCard(): Promise<Card | null> {
    const r = await call('resident', 'POST', '/api/v1/residents', admin, residentBody());
    if (r.status !== 201) return null;
    const c = await call('card', 'POST', '/api/v1/cards', admin, { residentId: r.body.id, pins: { ...PINS } });
    return c.status === 201 ? { cardId: c.body.cardId, cardKey: c.body.cardKey } : null;
  }

  /** Terminates the backends of this test's own database only (filtered by datname). */
  async function terminateBackends(): Promise<number> {
    const name = new URL(database.url).pathname.slice(1);
    const adminUrl = new URL(database.url);
    adminUrl.pathname = '/postgres';
    const c = new pg.Client({ connectionString: adminUrl.toString() });
    await c.connect();
    try {
      const r = await c.query<{ n: number }>(
        'select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      );
      return r.rows[0]!.n;
    } finally {
      await c.end();
    }
  }

  it('keeps the process up, answers the requests in flight SERVICE_UNAVAILABLE, and recovers without a restart', async () => {
    const answers: Answer[] = [];
    let running = true;

    // Each worker reads status, enters the right PIN (multi-statement transactions) and registers residents.
    // After a refused entry it moves to a fresh card, so an interrupted entry (its try stays spent) never piles up.
    const worker = async () => {
      let card: Card | null = null;
      while (running) {
        try {
          if (!card) {
            card = await newCard();
            if (!card) continue;
          }
          const cardHeaders = { 'x-card-key': card.cardKey, 'content-type': 'application/json' };
          const status = await call('status', 'GET', `/api/v1/cards/${card.cardId}/status`, cardHeaders);
          answers.push(status);
          const verify = await call('verify', 'POST', `/api/v1/cards/${card.cardId}/pins/auth/verify`, cardHeaders, { pin: PINS.auth });
          answers.push(verify);
          if (verify.status !== 200) card = null;
          answers.push(await call('resident', 'POST', '/api/v1/residents', admin, residentBody()));
        } catch (error) {
          // A refused connection means the process is gone: record it, the assertions below will fail.
          answers.push({ op: 'transport', status: 0, code: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };

    const workers = Array.from({ length: WORKERS }, worker);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let terminated = 0;
    for (let i = 0; i < TERMINATIONS; i += 1) {
      terminated += await terminateBackends();
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    running = false;
    await Promise.all(workers);

    expect(terminated).toBeGreaterThan(0);
    expect(server.alive(), server.stderr()).toBe(true);
    expect(server.stderr()).not.toMatch(/Unhandled 'error' event|uncaught/i);

    // Only success or our own fault, never a lock or a 500, never a dead socket.
    const unexpected = answers.filter((a) => !(a.status === 200 || a.status === 201 || (a.status === 503 && ['SERVICE_UNAVAILABLE', 'SERVICE_BUSY'].includes(a.code!))));
    expect(unexpected).toEqual([]);
    // The terminations hit requests in flight, and those were told the service is unavailable.
    expect(answers.filter((a) => a.code === 'SERVICE_UNAVAILABLE').length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThan(50);

    // The database answers again: the very next requests succeed, on the same process.
    const card = await newCard();
    expect(card).not.toBeNull();
    for (let i = 0; i < 20; i += 1) {
      const r = await call('verify', 'POST', `/api/v1/cards/${card!.cardId}/pins/auth/verify`, { 'x-card-key': card!.cardKey, 'content-type': 'application/json' }, { pin: PINS.auth });
      expect(r.status).toBe(200);
    }
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(server.alive()).toBe(true);
  });
});
