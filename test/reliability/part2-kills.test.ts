import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../support/test-db.js';
import { eventsOf, replaySlot, slotsOf, startNodes, toldAs, withClient } from './support/cluster-of-nodes.js';
import { LONG, reportFigures } from './support/figures.js';
import { provisionCard, terminalTag, verify, WRONG_PIN, type Answer, type Card } from './support/http.js';
import { nodeSecrets, type KagiyaNode } from './support/node.js';
import { SecretLedger } from './support/secrecy.js';

// Part 2 — kills. A steady load of right and wrong entries over three nodes while nodes die by SIGKILL (and are
// started again) and PostgreSQL's backends are terminated. Whatever dies when, the counters must add up: no try
// given back, every acknowledged answer has its event, every event says what its client was told.
const KILLS = LONG ? 200 : 50;
const TERMINATION_ROUNDS = LONG ? 80 : 20;
const WORKERS = 24;
const CARDS = 60;

type Sent = { terminal: string; card: Card; pin: string; answer: Answer | null; error?: string };

describe('part 2: kill -9 and terminated backends under load', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let nodes: KagiyaNode[] = [];
  const secrets = nodeSecrets();
  const ledger = new SecretLedger();

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    nodes = await startNodes(3, database.url, secrets, 'part2');
  }, 180_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.dispose()));
    await database?.drop();
  });

  it(`keeps every counter right through ${KILLS} kill -9 and ${TERMINATION_ROUNDS} rounds of terminated backends`, async () => {
    const cards: Card[] = [];
    for (let i = 0; i < CARDS; i += 1) cards.push(await provisionCard(nodes[i % 3]!.url, secrets.adminToken, ledger));

    const sent: Sent[] = [];
    let running = true;
    let seq = 0;
    const worker = async () => {
      while (running) {
        const live = nodes.filter((n) => n.ready);
        const node = live[Math.floor(Math.random() * live.length)];
        if (!node) {
          await sleep(20);
          continue;
        }
        const card = cards[Math.floor(Math.random() * cards.length)]!;
        const pin = Math.random() < 0.7 ? card.pins.auth! : WRONG_PIN;
        const entry: Sent = { terminal: terminalTag('p2', (seq += 1)), card, pin, answer: null };
        sent.push(entry);
        try {
          entry.answer = await verify(node.url, card, pin, entry.terminal, ledger);
        } catch (error) {
          entry.error = (error as Error).message;
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);

    let kills = 0;
    let restarts = 0;
    const restartFailures: string[] = [];
    let terminated = 0;
    let rounds = 0;
    const restarting: Array<Promise<void>> = [];
    const started = Date.now();
    const killer = (async () => {
      while (kills < KILLS) {
        await sleep(400 + Math.random() * 400);
        const live = nodes.filter((n) => n.ready);
        if (live.length === 0) continue;
        const victim = live[Math.floor(Math.random() * live.length)]!;
        await victim.kill9();
        kills += 1;
        restarting.push(victim.start().then(() => void (restarts += 1), (error: Error) => void restartFailures.push(error.message)));
      }
    })();
    const terminator = (async () => {
      while (rounds < TERMINATION_ROUNDS) {
        await sleep(1_500 + Math.random() * 1_000);
        terminated += await terminateBackends(database.url);
        rounds += 1;
      }
    })();
    await Promise.all([killer, terminator]);
    await Promise.all(restarting);
    await sleep(1_000);
    running = false;
    await Promise.all(workers);
    const seconds = (Date.now() - started) / 1000;

    const rows = await eventsOf(database.url, cards.map((c) => c.cardId));
    const slots = await slotsOf(database.url, cards.map((c) => c.cardId));
    const byTerminal = new Map(rows.map((r) => [r.terminal, r]));
    const bySent = new Map(sent.map((s) => [s.terminal, s]));

    // No try given back and nothing half-done: each slot's events replay to exactly what the slot holds.
    const violations: string[] = [];
    for (const card of cards) {
      const own = rows.filter((r) => r.card_id === card.cardId);
      const replay = replaySlot(own, slots.get(card.cardId)!.max);
      violations.push(...replay.violations);
      if (replay.remaining !== slots.get(card.cardId)!.remaining) violations.push(`card ${card.cardId}: holds ${slots.get(card.cardId)!.remaining}, events say ${replay.remaining}`);
    }
    const halfDone = rows.filter((r) => !['success', 'incorrect', 'refused'].includes(r.result));
    // Every acknowledged answer has its event, and the event says what the client was told.
    const acknowledged = sent.filter((s) => s.answer && toldAs(s.answer) !== 'unknown');
    const missing = acknowledged.filter((s) => !byTerminal.has(s.terminal));
    const mismatched = acknowledged.filter((s) => byTerminal.has(s.terminal) && byTerminal.get(s.terminal)!.result !== toldAs(s.answer!));
    // The rest were told it was our fault, never a lock, never a bare 500.
    const otherAnswers = sent.filter((s) => s.answer && toldAs(s.answer) === 'unknown').map((s) => `${s.answer!.status} ${s.answer!.code}`);
    // An event whose client got no answer (the node died after the commit) is allowed; one without a request is not.
    const orphans = rows.filter((r) => !bySent.has(r.terminal!));
    const unchained = await withClient(database.url, async (c) => (await c.query('select count(*)::int as n from card_events where hash is null')).rows[0].n as number);

    reportFigures('part 2 kills', {
      seconds,
      kills,
      restarts,
      restartFailures: restartFailures.length,
      terminationRounds: rounds,
      backendsTerminated: terminated,
      requests: sent.length,
      acknowledged: acknowledged.length,
      acknowledgedWithoutEvent: missing.length,
      eventsNotMatchingAnswer: mismatched.length,
      refusedAsOurFault: countBy(otherAnswers),
      transportErrors: sent.filter((s) => s.error).length,
      eventsWithoutAnswer: rows.filter((r) => { const s = bySent.get(r.terminal!); return !s?.answer || toldAs(s.answer) === 'unknown'; }).length,
      triesGivenBackOrMiscounted: violations.length,
      halfDone: halfDone.length,
      events: rows.length,
    });
    expect(restartFailures).toEqual([]);
    expect(violations).toEqual([]);
    expect(halfDone).toEqual([]);
    expect(missing.map((s) => s.terminal)).toEqual([]);
    expect(mismatched.map((s) => s.terminal)).toEqual([]);
    expect(otherAnswers.filter((a) => !/^503 SERVICE_(UNAVAILABLE|BUSY)$/.test(a))).toEqual([]);
    expect(orphans).toEqual([]);
    expect(unchained).toBe(0);
    expect(acknowledged.length).toBeGreaterThan(500);
    for (const node of nodes) expect(node.alive(), node.stderr).toBe(true);
  });

  it('leaves no secret in clear in its logs, responses or tables', async () => {
    ledger.scanLogFiles(nodes.map((n) => n.logFile));
    await ledger.scanDatabase(database.url);
    reportFigures('part 2 secrecy', ledger.summary());
    expect(ledger.hits).toEqual([]);
  });
});

function countBy(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[item] = (out[item] ?? 0) + 1;
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Terminates this database's backends only. */
async function terminateBackends(url: string): Promise<number> {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return withClient(admin.toString(), async (c) =>
    (await c.query<{ n: number }>('select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name])).rows[0]!.n,
  );
}
