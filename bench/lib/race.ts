// The same race on both servers: 200 wrong PINs sent at once to one slot of one card. What counts is how many
// of them were compared with the stored PIN: a slot allows 3.
import pg from 'pg';
import type { BenchCard } from './seed.js';
import { WRONG_AUTH_PIN } from './seed.js';

export type RaceResult = Readonly<{ name: string; sent: number; compared: number; answers: Record<string, number>; allowed: number }>;

async function burst(baseUrl: string, card: BenchCard, count: number): Promise<Record<string, number>> {
  const answers: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: count }, async () => {
      let key: string;
      try {
        const res = await fetch(`${baseUrl}/api/v1/cards/${card.cardId}/pins/auth/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-card-key': card.cardKey },
          // Every entry confirms the last try (issue #11's guard would otherwise hold the third back): the race is
          // about how many entries the counter lets through, the same question the peer is asked.
          body: JSON.stringify({ pin: WRONG_AUTH_PIN, confirmLastTry: true }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await res.json()) as { error?: { code?: string } };
        key = `${res.status} ${body.error?.code ?? 'ok'}`;
      } catch (error) {
        key = `no answer (${(error as Error).name})`;
      }
      answers[key] = (answers[key] ?? 0) + 1;
    }),
  );
  return answers;
}

/** Kagiya: compared = the events that show a compare (incorrect or success) for this card during the burst. */
export async function raceKagiya(dbUrl: string, baseUrl: string, card: BenchCard, count: number): Promise<RaceResult> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    const before = await client.query<{ id: number | null }>('select max(id)::int8 as id from card_events');
    const answers = await burst(baseUrl, card, count);
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from card_events where card_id = $1 and id > $2 and result in ('incorrect', 'success')`,
      [card.cardId, before.rows[0]!.id ?? 0],
    );
    return { name: 'Kagiya', sent: count, compared: Number(rows[0]!.n), answers, allowed: 3 };
  } finally {
    await client.end();
  }
}

/** The peer counts its own compares (GET /bench/compared). */
export async function racePeer(baseUrl: string, card: BenchCard, count: number): Promise<RaceResult> {
  const compared = async () => ((await (await fetch(`${baseUrl}/bench/compared`)).json()) as { compared: number }).compared;
  const before = await compared();
  const answers = await burst(baseUrl, card, count);
  return { name: 'textbook peer', sent: count, compared: (await compared()) - before, answers, allowed: 3 };
}
