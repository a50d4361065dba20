import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../support/test-db.js';
import { slotsOf, startNodes, withClient } from './support/cluster-of-nodes.js';
import { reportFigures } from './support/figures.js';
import { call, provisionCard, verify, WRONG_PIN, type Card } from './support/http.js';
import { nodeSecrets, type KagiyaNode } from './support/node.js';
import { SecretLedger } from './support/secrecy.js';

// Part 4 — fail closed. The database unreachable, slow (every statement runs into statement_timeout behind a
// lock), or read-only: no entry is accepted, none is told "locked" or "wrong", every answer carries a stable code,
// no process dies, and once the database is back the very next entries succeed without a restart.
const ENTRIES = 120;
const OUR_FAULT = new Set(['503 SERVICE_UNAVAILABLE', '503 SERVICE_BUSY']);

describe('part 4: fail closed', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let name: string;
  let adminUrl: string;
  let nodes: KagiyaNode[] = [];
  let cards: Card[] = [];
  const secrets = nodeSecrets();
  const ledger = new SecretLedger();
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    name = new URL(database.url).pathname.slice(1);
    const u = new URL(database.url);
    u.pathname = '/postgres';
    adminUrl = u.toString();
    nodes = await startNodes(2, database.url, secrets, 'part4');
    for (let i = 0; i < 10; i += 1) cards.push(await provisionCard(nodes[i % 2]!.url, secrets.adminToken, ledger));
  }, 300_000);
  afterAll(async () => {
    await withClient(adminUrl, async (c) => {
      await c.query(`alter database ${name} with allow_connections true`);
      await c.query(`alter database ${name} reset all`);
    }).catch(() => undefined);
    await Promise.all(nodes.map((n) => n.dispose()));
    await database?.drop();
    reportFigures('part 4 fail closed', figures);
  });

  const terminate = () => withClient(adminUrl, (c) => c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]));
  const eventCount = () => withClient(database.url, async (c) => (await c.query<{ n: number }>('select count(*)::int as n from card_events')).rows[0]!.n);

  /** Entries (right and wrong) at every node during the fault; returns the answers by status and code. */
  async function entriesDuringFault(label: string) {
    const answers = await Promise.all(
      Array.from({ length: ENTRIES }, (_, i) => {
        const card = cards[i % cards.length]!;
        return verify(nodes[i % nodes.length]!.url, card, i % 2 ? card.pins.auth! : WRONG_PIN, `p4-${label.split(" ")[0]}-${i}`, ledger).then(
          (a) => `${a.status} ${a.code ?? ''}`.trim(),
          (e: Error) => `transport ${e.message}`,
        );
      }),
    );
    const counts: Record<string, number> = {};
    for (const a of answers) counts[a] = (counts[a] ?? 0) + 1;
    return { answers, counts };
  }

  async function expectRecovered() {
    for (const node of nodes) {
      expect(node.alive(), node.stderr).toBe(true);
      expect(node.starts).toBe(1);
    }
    const card = cards[0]!;
    let ok = false;
    for (let i = 0; i < 50 && !ok; i += 1) {
      ok = (await verify(nodes[i % 2]!.url, card, card.pins.auth!, `p4-recover-${Date.now()}-${i}`, ledger)).status === 200;
      if (!ok) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ok).toBe(true);
  }

  async function checkFault(label: string, apply: () => Promise<void>, undo: () => Promise<void>) {
    const tries = await slotsOf(database.url, cards.map((c) => c.cardId));
    const events = await eventCount();
    await apply();
    let result: Awaited<ReturnType<typeof entriesDuringFault>>;
    let ready: number[];
    try {
      result = await entriesDuringFault(label);
      ready = await Promise.all(nodes.map((n) => fetch(`${n.url}/readyz`).then((r) => r.status)));
    } finally {
      await undo();
    }
    const after = await slotsOf(database.url, cards.map((c) => c.cardId));
    figures[label] = { entries: ENTRIES, answers: result.counts, readyz: ready, eventsRecorded: (await eventCount()) - events };
    expect(result.answers.filter((a) => !OUR_FAULT.has(a))).toEqual([]);
    expect([...after.entries()].filter(([id, s]) => s.remaining !== tries.get(id)!.remaining)).toEqual([]);
    expect((await eventCount()) - events).toBe(0);
    await expectRecovered();
    return ready;
  }

  it('refuses every entry as SERVICE_UNAVAILABLE while the database is unreachable, and says not ready', async () => {
    const ready = await checkFault(
      'unreachable',
      async () => {
        await withClient(adminUrl, (c) => c.query(`alter database ${name} with allow_connections false`));
        await terminate();
      },
      async () => {
        await withClient(adminUrl, (c) => c.query(`alter database ${name} with allow_connections true`));
      },
    );
    expect(ready).toEqual([503, 503]);
  });

  it('refuses every entry as our fault (never locked, never wrong) while every statement runs into the statement timeout', async () => {
    const locker = new pg.Client({ connectionString: database.url });
    locker.on('error', () => undefined);
    await checkFault(
      'slow (statement_timeout 300 ms behind a lock)',
      async () => {
        await withClient(adminUrl, (c) => c.query(`alter database ${name} set statement_timeout = '300ms'`));
        await terminate().catch(() => undefined);
        await locker.connect();
        await locker.query('begin');
        await locker.query('lock table pin_slots, card_events in access exclusive mode');
      },
      async () => {
        await locker.query('rollback');
        await locker.end();
        await withClient(adminUrl, (c) => c.query(`alter database ${name} reset statement_timeout`));
        await terminate();
      },
    );
  });

  it('refuses every entry as SERVICE_UNAVAILABLE while the database is read-only, and says not ready', async () => {
    const ready = await checkFault(
      'read-only',
      async () => {
        await withClient(adminUrl, (c) => c.query(`alter database ${name} set default_transaction_read_only = on`));
        await terminate();
      },
      async () => {
        await withClient(adminUrl, (c) => c.query(`alter database ${name} reset default_transaction_read_only`));
        await terminate();
      },
    );
    expect(ready).toEqual([503, 503]);
    // reading the tries left spends nothing and is still possible on a read-only database
    const status = await call(nodes[0]!.url, 'GET', `/api/v1/cards/${cards[1]!.cardId}/status`, { headers: { 'x-card-key': cards[1]!.cardKey }, ledger });
    expect(status.status).toBe(200);
  });

  it('leaves no secret in clear in its logs, responses or tables', async () => {
    ledger.scanLogFiles(nodes.map((n) => n.logFile));
    await ledger.scanDatabase(database.url);
    reportFigures('part 4 secrecy', ledger.summary());
    expect(ledger.hits).toEqual([]);
  });
});
