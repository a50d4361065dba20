import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINS, residentBody } from '../support/factories.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { freshPostgresDatabase, POSTGRES_ENABLED } from '../support/test-db.js';

type Answer = { status: number; code: string | null; op: string };
type Card = { cardId: string; cardKey: string };

const WORKERS = 24;
const TERMINATIONS = 30;

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

    // One card per worker, made before the storm (issuing keys is CPU work; the storm should find the database busy).
    const cards: Card[] = [];
    for (let i = 0; i < WORKERS; i += 1) {
      const card = await newCard();
      if (!card) throw new Error('could not make the cards');
      cards.push(card);
    }

    // Each worker reads status, enters the right PIN (one atomic statement) and registers a resident (a transaction
    // with its audit entry), over and over. The right PIN never locks a slot, whatever is interrupted: an answer of
    // PIN_LOCKED here would be an outage called a lock.
    const worker = async (card: Card) => {
      const cardHeaders = { 'x-card-key': card.cardKey, 'content-type': 'application/json' };
      while (running) {
        try {
          answers.push(await call('status', 'GET', `/api/v1/cards/${card.cardId}/status`, cardHeaders));
          answers.push(await call('verify', 'POST', `/api/v1/cards/${card.cardId}/pins/auth/verify`, cardHeaders, { pin: PINS.auth }));
          answers.push(await call('resident', 'POST', '/api/v1/residents', admin, residentBody()));
        } catch (error) {
          // A refused connection means the process is gone: record it, the assertions below will fail.
          answers.push({ op: 'transport', status: 0, code: (error as Error).message });
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    };

    const workers = cards.map(worker);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let terminated = 0;
    for (let i = 0; i < TERMINATIONS; i += 1) {
      terminated += await terminateBackends();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    running = false;
    await Promise.all(workers);
    const counts = new Map<string, number>();
    for (const a of answers) counts.set(`${a.op} ${a.status} ${a.code ?? ''}`, (counts.get(`${a.op} ${a.status} ${a.code ?? ''}`) ?? 0) + 1);
    const tally = [...counts].map(([k, n]) => `${k}: ${n}`);
    console.log(`backend termination: ${terminated} backends terminated in ${TERMINATIONS} rounds; answers:\n${tally.join('\n')}`);

    expect(terminated).toBeGreaterThan(0);
    expect(server.alive(), `${server.stderr()}\n${server.stdout().slice(-4000)}`).toBe(true);
    expect(server.stderr()).not.toMatch(/Unhandled 'error' event|uncaught/i);

    // Only success or our own fault, never a lock or a 500, never a dead socket.
    const unexpected = answers.filter((a) => !(a.status === 200 || a.status === 201 || (a.status === 503 && ['SERVICE_UNAVAILABLE', 'SERVICE_BUSY'].includes(a.code!))));
    expect(unexpected).toEqual([]);
    // The terminations hit requests in flight, and those were told the service is unavailable.
    expect(answers.filter((a) => a.code === 'SERVICE_UNAVAILABLE').length, tally.join('\n')).toBeGreaterThan(0);
    expect(answers.filter((a) => a.status === 200).length, tally.join('\n')).toBeGreaterThan(0);

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
