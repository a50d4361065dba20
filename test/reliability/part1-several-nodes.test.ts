import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresDatabase } from '../support/test-db.js';
import { eventsOf, replaySlot, slotsOf, startNodes, toldAs } from './support/cluster-of-nodes.js';
import { LONG, reportFigures } from './support/figures.js';
import { provisionCard, terminalTag, verify, WRONG_PIN, type Answer, type Card } from './support/http.js';
import { nodeSecrets, type KagiyaNode } from './support/node.js';
import { SecretLedger } from './support/secrecy.js';

// Part 1 — several nodes. Three Kagiya processes (src/main.ts, as deployed) on one PostgreSQL database behind a
// "load balancer" (each entry goes to the next node): the row lock on the slot, not any one process, keeps count.
const SLOTS = 50;
const WRONG_ENTRIES = LONG ? 5_000 : 1_000;
const RACE_CARDS = LONG ? 100 : 20;
const RACE_ENTRIES_PER_CARD = 60;

describe('part 1: several nodes on one database', () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let nodes: KagiyaNode[] = [];
  const secrets = nodeSecrets();
  const ledger = new SecretLedger();

  beforeAll(async () => {
    database = await freshPostgresDatabase();
    nodes = await startNodes(3, database.url, secrets, 'part1');
  }, 180_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.dispose()));
    await database?.drop();
  });

  const provision = async (n: number) => {
    const cards: Card[] = [];
    for (let i = 0; i < n; i += 1) cards.push(await provisionCard(nodes[i % 3]!.url, secrets.adminToken, ledger));
    return cards;
  };

  it(`compares exactly each slot's maximum of ${WRONG_ENTRIES} parallel wrong entries over ${SLOTS} slots on 3 nodes`, async () => {
    const cards = await provision(SLOTS);
    const started = Date.now();
    const entries = Array.from({ length: WRONG_ENTRIES }, (_, i) => ({ card: cards[i % SLOTS]!, terminal: terminalTag('p1-wrong', i), node: nodes[i % 3]! }));
    const answers = await Promise.all(entries.map((e) => verify(e.node.url, e.card, WRONG_PIN, e.terminal, ledger)));
    const seconds = (Date.now() - started) / 1000;

    const rows = await eventsOf(database.url, cards.map((c) => c.cardId));
    const slots = await slotsOf(database.url, cards.map((c) => c.cardId));
    const byTerminal = new Map(rows.map((r) => [r.terminal, r]));
    let compared = 0;
    const perSlotCompared: number[] = [];
    for (const card of cards) {
      const own = rows.filter((r) => r.card_id === card.cardId);
      const max = slots.get(card.cardId)!.max;
      const replay = replaySlot(own, max);
      expect(replay.violations).toEqual([]);
      const n = own.filter((r) => r.result === 'incorrect').length;
      perSlotCompared.push(n);
      compared += n;
      expect(n).toBe(max);
      expect(own.filter((r) => r.result === 'success')).toHaveLength(0);
      expect(slots.get(card.cardId)!.remaining).toBe(0);
    }
    // every answer has its own event, and says what that event records
    // An answer that says "compared" or "locked" has its event and says what it says; an overloaded node may
    // refuse as our fault (SERVICE_UNAVAILABLE / SERVICE_BUSY, never a lock): then nothing was recorded or spent.
    const mismatches = entries.filter((e, i) => {
      const told = toldAs(answers[i]!);
      if (told === 'unknown') return !/^503 SERVICE_(UNAVAILABLE|BUSY)$/.test(`${answers[i]!.status} ${answers[i]!.code}`) || byTerminal.has(e.terminal);
      return byTerminal.get(e.terminal)?.result !== told;
    });
    expect(mismatches.slice(0, 5).map((e) => `${e.terminal}: told ${answers[entries.indexOf(e)]!.status} ${answers[entries.indexOf(e)]!.code}, event ${JSON.stringify(byTerminal.get(e.terminal) ?? null)}`)).toEqual([]);
    const codes = countBy(answers, (a) => a.code ?? String(a.status));
    expect(rows).toHaveLength(WRONG_ENTRIES - (codes.SERVICE_UNAVAILABLE ?? 0) - (codes.SERVICE_BUSY ?? 0));
    expect(Object.keys(codes).filter((c) => !['PIN_INCORRECT', 'PIN_LOCKED', 'SERVICE_UNAVAILABLE', 'SERVICE_BUSY'].includes(c))).toEqual([]);
    reportFigures('part 1 several nodes (wrong entries)', {
      nodes: 3,
      slots: SLOTS,
      wrongEntries: WRONG_ENTRIES,
      compared,
      expectedCompared: SLOTS * 3,
      perSlotComparedMin: Math.min(...perSlotCompared),
      perSlotComparedMax: Math.max(...perSlotCompared),
      answers: codes,
      answersMatchingTheirEvent: entries.length - mismatches.length,
      refusedAsOurFault: answers.filter((a) => a.status === 503).length,
      seconds,
    });
  });

  it(`never compares more than the maximum of wrong entries between two successes when right and wrong race (${RACE_CARDS} slots)`, async () => {
    const cards = await provision(RACE_CARDS);
    const entries = cards.flatMap((card, c) =>
      Array.from({ length: RACE_ENTRIES_PER_CARD }, (_, i) => ({ card, pin: (i + c) % 7 === 0 ? card.pins.auth! : WRONG_PIN, terminal: terminalTag(`p1-race-${terminalTag('c', c)}`, i) })),
    );
    shuffle(entries);
    const answers = await Promise.all(entries.map((e, i) => verify(nodes[i % 3]!.url, e.card, e.pin, e.terminal, ledger)));
    const rows = await eventsOf(database.url, cards.map((c) => c.cardId));
    const slots = await slotsOf(database.url, cards.map((c) => c.cardId));
    const byTerminal = new Map(rows.map((r) => [r.terminal, r]));
    let worst = 0;
    let successes = 0;
    let wrongCompared = 0;
    for (const card of cards) {
      const own = rows.filter((r) => r.card_id === card.cardId);
      const max = slots.get(card.cardId)!.max;
      const replay = replaySlot(own, max);
      expect(replay.violations).toEqual([]);
      expect(replay.maxWrongRun).toBeLessThanOrEqual(max);
      expect(slots.get(card.cardId)!.remaining).toBe(replay.remaining);
      worst = Math.max(worst, replay.maxWrongRun);
      successes += own.filter((r) => r.result === 'success').length;
      wrongCompared += own.filter((r) => r.result === 'incorrect').length;
    }
    // An answer that says "compared" or "locked" has its event and says what it says; an overloaded node may
    // refuse as our fault (SERVICE_UNAVAILABLE / SERVICE_BUSY, never a lock): then nothing was recorded or spent.
    const mismatches = entries.filter((e, i) => {
      const told = toldAs(answers[i]!);
      if (told === 'unknown') return !/^503 SERVICE_(UNAVAILABLE|BUSY)$/.test(`${answers[i]!.status} ${answers[i]!.code}`) || byTerminal.has(e.terminal);
      return byTerminal.get(e.terminal)?.result !== told;
    });
    expect(mismatches.slice(0, 5).map((e) => `${e.terminal}: told ${answers[entries.indexOf(e)]!.status} ${answers[entries.indexOf(e)]!.code}, event ${JSON.stringify(byTerminal.get(e.terminal) ?? null)}`)).toEqual([]);
    expect(answers.filter((a) => ![200, 401, 423].includes(a.status) && !/^SERVICE_(UNAVAILABLE|BUSY)$/.test(a.code ?? '')).map((a) => `${a.status} ${a.code}`)).toEqual([]);
    reportFigures('part 1 several nodes (right and wrong racing)', {
      slots: RACE_CARDS,
      entries: entries.length,
      successes,
      wrongCompared,
      mostWrongBetweenTwoSuccesses: worst,
      maximum: 3,
      answersMatchingTheirEvent: entries.length - mismatches.length,
      refusedAsOurFault: answers.filter((a) => a.status === 503).length,
    });
  });

  it('leaves no secret in clear in its logs, responses or tables', async () => {
    for (const node of nodes) expect(node.alive(), node.stderr).toBe(true);
    ledger.scanLogFiles(nodes.map((n) => n.logFile));
    await ledger.scanDatabase(database.url);
    reportFigures('part 1 secrecy', ledger.summary());
    expect(ledger.hits).toEqual([]);
  });
});

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

export type { Answer };
