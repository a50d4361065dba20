import pg from 'pg';
import { KagiyaNode, type NodeSecrets } from './node.js';

/** n Kagiya nodes on one database: the first alone (it migrates and makes the CA), then the rest together. */
export async function startNodes(n: number, databaseUrl: string, secrets: NodeSecrets, prefix: string, env: Record<string, string> = {}): Promise<KagiyaNode[]> {
  const nodes = Array.from({ length: n }, (_, i) => new KagiyaNode(`${prefix}-node${i + 1}`, databaseUrl, secrets, env));
  await nodes[0]!.start();
  await Promise.all(nodes.slice(1).map((node) => node.start()));
  return nodes;
}

export type EventRow = Readonly<{ id: number; card_id: string; slot: string; result: string; code: string | null; remaining_after: number | null; terminal: string | null; operation: string }>;

export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function eventsOf(url: string, cardIds: readonly string[]): Promise<EventRow[]> {
  return withClient(url, async (c) =>
    (await c.query<EventRow>(
      "select id::int as id, card_id, slot, result, code, remaining_after, terminal, operation from card_events where card_id = any($1::uuid[]) and operation = 'verify' order by id",
      [cardIds],
    )).rows,
  );
}

export async function slotsOf(url: string, cardIds: readonly string[], slot = 'auth'): Promise<Map<string, { remaining: number; max: number }>> {
  return withClient(url, async (c) => {
    const rows = await c.query<{ card_id: string; remaining: number; max_tries: number }>(
      'select card_id, remaining, max_tries from pin_slots where card_id = any($1::uuid[]) and slot = $2',
      [cardIds, slot],
    );
    return new Map(rows.rows.map((r) => [r.card_id, { remaining: r.remaining, max: r.max_tries }]));
  });
}

/**
 * Replays one slot's compared events in id order (entries on a slot serialise on its row lock, so ids are their
 * order) against the rule: a success restores the maximum, a wrong entry spends one, nothing is compared at 0.
 * Returns the violations, the most wrong comparisons seen between two successes, and the remaining it ends on.
 */
export function replaySlot(rows: readonly EventRow[], max: number): { violations: string[]; maxWrongRun: number; remaining: number } {
  const violations: string[] = [];
  let remaining = max;
  let run = 0;
  let maxWrongRun = 0;
  for (const row of rows) {
    if (row.result === 'refused') {
      if (row.code === 'PIN_LOCKED' && remaining !== 0) violations.push(`event ${row.id}: refused as locked with ${remaining} left`);
      continue;
    }
    if (remaining <= 0) violations.push(`event ${row.id}: compared with no try left`);
    if (row.result === 'success') {
      remaining = max;
      run = 0;
    } else {
      remaining -= 1;
      run += 1;
      maxWrongRun = Math.max(maxWrongRun, run);
    }
    if (row.remaining_after !== remaining) violations.push(`event ${row.id}: remaining_after ${row.remaining_after}, replay says ${remaining}`);
  }
  return { violations, maxWrongRun, remaining };
}

/** What a client was told, as the event result it must match. */
export function toldAs(answer: { status: number; code: string | null; body: any }): 'success' | 'incorrect' | 'refused' | 'unknown' {
  if (answer.status === 200) return 'success';
  if (answer.code === 'PIN_INCORRECT') return 'incorrect';
  if (answer.code === 'PIN_LOCKED' && answer.body?.error?.lockedNow === true) return 'incorrect';
  if (answer.code === 'PIN_LOCKED') return 'refused';
  return 'unknown';
}
