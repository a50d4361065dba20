import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, replaySlot, slotsOf, toldAs } from './support/cluster-of-nodes.js';
import { LONG, reportFigures } from './support/figures.js';
import { call, provisionCard, terminalTag, verify, WRONG_PIN, type Answer, type Card } from './support/http.js';
import { KagiyaNode, nodeSecrets } from './support/node.js';
import { ctl, dropAllClusters, primaryWithSyncStandby, query, waitFor, type Cluster } from './support/pg-cluster.js';
import { SecretLedger } from './support/secrecy.js';

// Part 3 — failover. A primary with a synchronous standby (this machine, own clusters and ports; see
// docs/decisions.md for why pg_basebackup + synchronous_standby_names + promote rather than Patroni). Two Kagiya
// nodes know both hosts through one multi-host URL with target_session_attrs=read-write. Under load the primary
// dies (stopped, immediate), nothing is primary for a while, then the standby is promoted.
const WORKERS = 16;
const CARDS = 30;
const OUTAGE_MS = LONG ? 10_000 : 4_000;

type Sent = { terminal: string; card: Card; at: number; answer: Answer | null; error?: string; phase: Phase };
type Phase = 'before' | 'no-primary' | 'promoting' | 'after';

describe('part 3: failover to a synchronous standby', () => {
  let primary: Cluster;
  let standby: Cluster;
  let nodes: KagiyaNode[] = [];
  const secrets = nodeSecrets();
  const ledger = new SecretLedger();
  let url = '';
  let newPrimaryUrl = '';

  beforeAll(async () => {
    ({ primary, standby } = await primaryWithSyncStandby());
    await query(primary.url(), 'create database kagiya');
    url = `postgres://postgres@127.0.0.1:${primary.port},127.0.0.1:${standby.port}/kagiya?target_session_attrs=read-write`;
    newPrimaryUrl = standby.url('kagiya');
    nodes = [new KagiyaNode('part3-node1', url, secrets), new KagiyaNode('part3-node2', url, secrets)];
    await nodes[0]!.start();
    await nodes[1]!.start();
  }, 300_000);
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.dispose()));
    await dropAllClusters();
  });

  it('loses no acknowledged attempt, refuses as SERVICE_UNAVAILABLE while no primary answers, and recovers without a restart', async () => {
    const cards: Card[] = [];
    for (let i = 0; i < CARDS; i += 1) cards.push(await provisionCard(nodes[i % 2]!.url, secrets.adminToken, ledger));

    let phase: Phase = 'before';
    let running = true;
    let seq = 0;
    const sent: Sent[] = [];
    const health: Array<{ phase: Phase; livez: number; readyz: number }> = [];
    const worker = async () => {
      while (running) {
        const node = nodes[seq % 2]!;
        const card = cards[Math.floor(Math.random() * cards.length)]!;
        const pin = Math.random() < 0.75 ? card.pins.auth! : WRONG_PIN;
        const entry: Sent = { terminal: terminalTag('p3', (seq += 1)), card, at: Date.now(), answer: null, phase };
        sent.push(entry);
        try {
          entry.answer = await verify(node.url, card, pin, entry.terminal, ledger);
        } catch (error) {
          entry.error = (error as Error).message;
        }
        // an entry answered after the phase changed belongs to neither window for sure
        if (entry.phase !== phase) entry.phase = 'promoting';
        if (entry.answer?.status === 503) await sleep(50);
      }
    };
    const probeHealth = async () => {
      for (const node of nodes) {
        const live = await fetch(`${node.url}/livez`).then((r) => r.status, () => 0);
        const ready = await fetch(`${node.url}/readyz`).then((r) => r.status, () => 0);
        health.push({ phase, livez: live, readyz: ready });
      }
    };
    const workers = Array.from({ length: WORKERS }, worker);
    await sleep(LONG ? 20_000 : 4_000);
    await probeHealth();

    // The primary dies. Until the standby is promoted, nothing can take a write.
    phase = 'promoting';
    await ctl(primary, 'stop', '-m', 'immediate');
    await sleep(1_000);
    phase = 'no-primary';
    await sleep(OUTAGE_MS);
    await probeHealth();
    phase = 'promoting';
    const promotedAt = Date.now();
    await ctl(standby, 'promote');
    await waitFor(async () => (await query<{ r: boolean }>(standby.url(), 'select pg_is_in_recovery() as r'))[0]?.r === false, 60_000, 'the promotion');
    // Kagiya finds the new primary by itself: wait for the first success after the promotion.
    await waitFor(async () => sent.some((s) => s.at > promotedAt && s.answer?.status === 200), 60_000, 'an entry to succeed on the new primary');
    const recoveredMs = Date.now() - promotedAt;
    phase = 'after';
    await sleep(LONG ? 20_000 : 4_000);
    await probeHealth();
    running = false;
    await Promise.all(workers);

    const rows = await eventsOf(newPrimaryUrl, cards.map((c) => c.cardId));
    const slots = await slotsOf(newPrimaryUrl, cards.map((c) => c.cardId));
    const byTerminal = new Map(rows.map((r) => [r.terminal, r]));
    const acknowledged = sent.filter((s) => s.answer && toldAs(s.answer) !== 'unknown');
    const lost = acknowledged.filter((s) => !byTerminal.has(s.terminal));
    const mismatched = acknowledged.filter((s) => byTerminal.has(s.terminal) && byTerminal.get(s.terminal)!.result !== toldAs(s.answer!));
    const violations: string[] = [];
    for (const card of cards) {
      const replay = replaySlot(rows.filter((r) => r.card_id === card.cardId), slots.get(card.cardId)!.max);
      violations.push(...replay.violations);
      if (replay.remaining !== slots.get(card.cardId)!.remaining) violations.push(`card ${card.cardId}: holds ${slots.get(card.cardId)!.remaining}, events say ${replay.remaining}`);
    }
    const outage = sent.filter((s) => s.phase === 'no-primary');
    const outageAnswers = countBy(outage.map((s) => (s.answer ? `${s.answer.status} ${s.answer.code ?? ''}`.trim() : `transport ${s.error}`)));
    const wrongDuringOutage = outage.filter((s) => !(s.answer?.status === 503 && s.answer.code === 'SERVICE_UNAVAILABLE'));
    const anywhereBad = sent.filter((s) => s.answer && (s.answer.status >= 500 && s.answer.code !== 'SERVICE_UNAVAILABLE' && s.answer.code !== 'SERVICE_BUSY'));

    reportFigures('part 3 failover', {
      method: 'pg_basebackup + synchronous_standby_names + pg_ctlcluster promote',
      requests: sent.length,
      acknowledged: acknowledged.length,
      acknowledgedLost: lost.length,
      eventsNotMatchingAnswer: mismatched.length,
      counterMismatches: violations.length,
      duringNoPrimary: outageAnswers,
      recoveredMsAfterPromote: recoveredMs,
      health,
      nodeStarts: nodes.map((n) => n.starts),
    });
    expect(lost.map((s) => s.terminal)).toEqual([]);
    expect(mismatched.map((s) => s.terminal)).toEqual([]);
    expect(violations).toEqual([]);
    expect(outage.length).toBeGreaterThan(20);
    expect(wrongDuringOutage.map((s) => `${s.answer?.status} ${s.answer?.code} ${s.error ?? ''}`)).toEqual([]);
    expect(anywhereBad.map((s) => `${s.answer!.status} ${s.answer!.code}`)).toEqual([]);
    expect(acknowledged.filter((s) => s.phase === 'after').length).toBeGreaterThan(20);
    // /livez says the process is up throughout; /readyz says it can serve only while a primary answers.
    expect(health.filter((h) => h.phase === 'no-primary').map((h) => [h.livez, h.readyz])).toEqual([[200, 503], [200, 503]]);
    expect(health.filter((h) => h.phase !== 'no-primary').every((h) => h.livez === 200 && h.readyz === 200)).toBe(true);
    // recovered by itself: the same processes, never restarted
    expect(nodes.map((n) => [n.starts, n.alive()])).toEqual([[1, true], [1, true]]);
    const status = await call(nodes[0]!.url, 'GET', `/api/v1/cards/${cards[0]!.cardId}/status`, { headers: { 'x-card-key': cards[0]!.cardKey }, ledger });
    expect(status.status).toBe(200);
  });

  it('leaves no secret in clear in its logs, responses or tables', async () => {
    ledger.scanLogFiles(nodes.map((n) => n.logFile));
    await ledger.scanDatabase(newPrimaryUrl);
    reportFigures('part 3 secrecy', ledger.summary());
    expect(ledger.hits).toEqual([]);
  });
});

function countBy(items: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[item] = (out[item] ?? 0) + 1;
  return out;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
