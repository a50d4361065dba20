// Seeds bench cards through the real use cases (createResident + issueCard), as demo-data.ts does.
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { seedMunicipalities } from '../../src/adapters/cli/demo-data.js';
import { createResident } from '../../src/app/create-resident.js';
import { issueCard } from '../../src/app/issue-card.js';
import type { EventContext } from '../../src/app/ports.js';
import type { Actor } from '../../src/domain/actor.js';
import { completeMyNumber } from '../../src/domain/my-number.js';
import type { System } from '../../src/system.js';

/** Not weak for a resident born 1980-05-14 (no repeat, run, birth date, common value). */
export const BENCH_PINS = { auth: '4831', sign: 'KAGIYA2468', assist: '7392', juki: '5068' } as const;
/** Always wrong for the auth slot: any other 4 digits than BENCH_PINS.auth. */
export const WRONG_AUTH_PIN = '1357';

export type BenchCard = Readonly<{ cardId: string; cardKey: string }>;

const admin: Actor = { id: 'bench-seed', label: 'bench seed', role: 'national_admin', municipalityCode: null };
const counter: EventContext = { channel: 'counter', service: 'card-issuance', terminal: null, actor: null };

/**
 * 11-digit My Number prefixes, unique within a run; a run tag keeps reruns on a reused database apart.
 * Numbers holding a 4-digit PIN as consecutive digits are skipped (the MY_NUMBER weak-PIN rule).
 */
function* myNumbers(): Generator<string> {
  const tag = String(randomInt(100, 1000));
  const pinDigits = [BENCH_PINS.auth, BENCH_PINS.assist, BENCH_PINS.juki];
  for (let i = 0; ; i++) {
    const full = completeMyNumber(`8${tag}${String(i).padStart(7, '0')}`);
    if (!pinDigits.some((p) => full.includes(p))) yield full;
  }
}

export async function seedCards(
  system: System,
  count: number,
  concurrency: number,
  progress: (done: number) => void,
): Promise<BenchCard[]> {
  await seedMunicipalities(system.db, new Date());
  const numbers = myNumbers();
  const cards: BenchCard[] = new Array(count);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      const myNumber = numbers.next().value as string;
      const resident = await createResident(system.deps, admin, {
        municipalityCode: '111007',
        name: `ベンチ 太郎${index}`,
        nameKana: 'ベンチ タロウ',
        birthDate: '1980-05-14',
        sex: 'male',
        address: '埼玉県さいたま市浦和区常盤6丁目4番4号',
        myNumber,
      });
      if (!resident.ok) throw new Error(`seed resident ${index}: ${resident.code}`);
      const card = await issueCard(system.deps, admin, { residentId: resident.value.id, pins: BENCH_PINS }, counter);
      if (!card.ok) throw new Error(`seed card ${index}: ${card.code} ${JSON.stringify(card.details ?? {})}`);
      cards[index] = card.value;
      done++;
      if (done % 250 === 0 || done === count) progress(done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return cards;
}

/**
 * Helper table for pgbench: (n, card_id, key_hash) for exactly the cards this run seeded, so a script can pick
 * a card with `\set n random(1, :ncards)` and a primary-key lookup.
 */
export async function writeHelperTable(system: System, cards: readonly BenchCard[]): Promise<void> {
  await sql`drop table if exists bench_cards`.execute(system.db);
  await sql`create table bench_cards (n integer primary key, card_id uuid not null, key_hash bytea not null)`.execute(system.db);
  const rows = cards.map((c, i) => ({ n: i + 1, card_id: c.cardId, key_hash: system.deps.secrets.hashCardKey(c.cardKey) }));
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await sql`insert into bench_cards (n, card_id, key_hash) values ${sql.join(
      chunk.map((r) => sql`(${r.n}, ${r.card_id}::uuid, ${r.key_hash})`),
    )}`.execute(system.db);
  }
}

export async function dropHelperTable(system: System): Promise<void> {
  await sql`drop table if exists bench_cards`.execute(system.db);
}
