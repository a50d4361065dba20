// Bench cards, seeded set-based: one real card is issued through the use cases (its key pair and certificates are
// the template), then residents, cards, four PIN slots and two certificates per card are written with
// generate_series in a handful of INSERT … SELECT statements. Every bench card shares that one key pair and the
// two certificate bodies (DER) — only ids, serials, card keys and PIN hashes differ — so bench cards can verify
// PINs and report status exactly like real ones, but must not be used to sign (the sealed key belongs to the
// template's serial). The PIN hashes are the server's own HMAC-SHA256 (pepper, card id, slot, PIN), computed in SQL
// with PostgreSQL's sha256() and the pepper's inner/outer pads.
import { createHash, createHmac, randomInt } from 'node:crypto';
import pg from 'pg';
import { seedMunicipalities } from '../../src/adapters/cli/demo-data.js';
import { createResident } from '../../src/app/create-resident.js';
import { issueCard } from '../../src/app/issue-card.js';
import type { Actor } from '../../src/domain/actor.js';
import { completeMyNumber } from '../../src/domain/my-number.js';
import type { System } from '../../src/system.js';

/** Not weak for a resident born 1980-05-14 (no repeat, run, birth date, common value). */
export const BENCH_PINS = { auth: '4831', sign: 'KAGIYA2468', assist: '7392', juki: '5068' } as const;
/** Always wrong for the auth slot: any other 4 digits than BENCH_PINS.auth. */
export const WRONG_AUTH_PIN = '1357';

export type BenchCard = Readonly<{ cardId: string; cardKey: string }>;

/** Card n (1-based) of a run: its id is md5('bench-card:n') as a uuid, its key names the run's random tag. */
export function benchCard(tag: string, n: number): BenchCard {
  const hex = createHash('md5').update(`bench-card:${n}`).digest('hex');
  const cardId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { cardId, cardKey: `bench-${tag}-${n}` };
}

export type Template = Readonly<{
  municipalityCode: string;
  myNumberEnc: Buffer;
  certs: Readonly<Record<'auth' | 'sign', { der: Buffer; sealedKey: Buffer; notBefore: Date; notAfter: Date }>>;
  keyAlgorithm: string;
  expiresAt: Date;
}>;

const admin: Actor = { id: 'bench-seed', label: 'bench seed', role: 'national_admin', municipalityCode: null };

/** Issues the one real card whose key pair and certificates every bench card shares. */
export async function makeTemplate(system: System, url: string): Promise<Template> {
  await seedMunicipalities(system.db, new Date());
  let myNumber = '';
  do myNumber = completeMyNumber(`8${randomInt(1e9, 1e10 - 1)}`);
  while ([BENCH_PINS.auth, BENCH_PINS.assist, BENCH_PINS.juki].some((pin) => myNumber.includes(pin)));
  const resident = await createResident(system.deps, admin, {
    municipalityCode: '111007',
    name: 'ベンチ 太郎',
    nameKana: 'ベンチ タロウ',
    birthDate: '1980-05-14',
    sex: 'male',
    address: '埼玉県さいたま市浦和区常盤6丁目4番4号',
    myNumber,
  });
  if (!resident.ok) throw new Error(`bench template resident: ${resident.code}`);
  const residentId = resident.value.id;
  const card = await issueCard(system.deps, admin, { residentId, pins: BENCH_PINS }, { channel: 'counter', service: 'bench', terminal: null, actor: null });
  if (!card.ok) throw new Error(`bench template card: ${card.code}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query(`select my_number_enc from residents where id = $1`, [residentId]);
    const c = await client.query(`select key_algorithm, expires_at from cards where id = $1`, [card.value.cardId]);
    const certs = await client.query(`select kind, der, private_key_enc, not_before, not_after from certificates where card_id = $1 and current`, [card.value.cardId]);
    const byKind = Object.fromEntries(
      certs.rows.map((row: { kind: string; der: Buffer; private_key_enc: Buffer; not_before: Date; not_after: Date }) => [
        row.kind,
        { der: row.der, sealedKey: row.private_key_enc, notBefore: row.not_before, notAfter: row.not_after },
      ]),
    ) as Template['certs'];
    return { municipalityCode: '111007', myNumberEnc: r.rows[0].my_number_enc, certs: byKind, keyAlgorithm: c.rows[0].key_algorithm, expiresAt: c.rows[0].expires_at };
  } finally {
    await client.end();
  }
}

/** HMAC-SHA256's inner and outer padded keys, so SQL can compute sha256(opad || sha256(ipad || message)). */
function hmacPads(pepper: Buffer): { ipad: Buffer; opad: Buffer } {
  const key = Buffer.alloc(64);
  (pepper.length > 64 ? createHash('sha256').update(pepper).digest() : pepper).copy(key);
  return { ipad: Buffer.from(key.map((b) => b ^ 0x36)), opad: Buffer.from(key.map((b) => b ^ 0x5c)) };
}

/** The server's PIN hash, for a check that the SQL computes the same bytes. */
export function nodePinHash(pepper: Buffer, cardId: string, slot: string, pin: string): Buffer {
  return createHmac('sha256', pepper).update(`kagiya-pin:v1:${cardId}:${slot}:${pin}`).digest();
}

const CARD_ID = `md5('bench-card:' || n)::uuid`;
const PIN_HASH = (cardId: string, slot: string, pin: string) =>
  `sha256($2::bytea || sha256($1::bytea || convert_to('kagiya-pin:v1:' || ${cardId}::text || ':' || ${slot} || ':' || ${pin}, 'UTF8')))`;

/**
 * Seeds cards from..to (inclusive), split into `parallel` transactions of set-based statements on their own
 * connections, with their rows in `bench_cards` (n → card id, key hash, right and wrong auth PIN hashes), the
 * helper table pgbench picks a card from. Returns the seconds it took.
 */
export async function seedRange(
  url: string,
  input: { from: number; to: number; tag: string; pepper: Buffer; template: Template; parallel?: number; trace?: (line: string) => void },
): Promise<number> {
  const started = Date.now();
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  try {
    await setup.query(`create table if not exists bench_cards (n integer primary key, card_id uuid not null, key_hash bytea not null,
      right_hash bytea not null, wrong_hash bytea not null)`);
  } finally {
    await setup.end();
  }
  const parts = Math.max(1, input.parallel ?? 2);
  // Each connection takes one contiguous share of the key space (by the card id's first byte), so that each sweeps
  // its own part of every index from left to right.
  await Promise.all(Array.from({ length: parts }, (_, part) => seedPart(url, { ...input, part, parts })));
  // The SQL HMAC must be the server's HMAC, or every verify would fail: check the first card.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const probe = benchCard(input.tag, input.from);
    const { rows } = await client.query(`select right_hash, key_hash from bench_cards where n = $1`, [input.from]);
    if (!nodePinHash(input.pepper, probe.cardId, 'auth', BENCH_PINS.auth).equals(rows[0].right_hash)) throw new Error('seed: SQL HMAC differs from the server');
    const keyHash = createHash('sha256').update(`kagiya-card-key:v1:${probe.cardKey}`).digest();
    if (!keyHash.equals(rows[0].key_hash)) throw new Error('seed: SQL card-key hash differs from the server');
  } finally {
    await client.end();
  }
  return (Date.now() - started) / 1000;
}

async function seedPart(
  url: string,
  input: { from: number; to: number; part: number; parts: number; tag: string; pepper: Buffer; template: Template; trace?: (line: string) => void },
): Promise<void> {
  const { from, to, part, parts, tag, pepper, template: t } = input;
  const { ipad, opad } = hmacPads(pepper);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const run = async (text: string, values: unknown[] = []) => {
    const t0 = Date.now();
    await client.query(text, values);
    input.trace?.(`seed ${from}-${to} part ${part}: ${Date.now() - t0} ms ${text.trim().slice(0, 32)}`);
  };
  // Every key of a bench card is derived from its id (md5 of 'bench-card:n'): the resident has the card's uuid as
  // its own id, the certificates the card's uuid with the last digit 'a' (auth) or 'b' (sign), serials likewise, the
  // My Number index the id's 16 bytes. Inserting in card-id order then appends to every index in order, instead of
  // writing each row into a random page of a million-row index (which is what makes naive seeding slow).
  const mine = `get_byte(uuid_send(b.card_id), 0) * ${parts} / 256 = ${part} and b.n between $1 and $2`;
  try {
    await run('begin');
    // Seeding only: the run's measured statements commit with the server's own settings. The rows are consistent
    // by construction, so the per-row foreign-key triggers are skipped (superuser, this transaction only).
    await run('set local synchronous_commit = off');
    await run('set local session_replication_role = replica');
    await run(`set local work_mem = '256MB'`);
    const range = [from, to];
    await run(
      `insert into bench_cards (n, card_id, key_hash, right_hash, wrong_hash)
       select n, c.id, sha256(convert_to('kagiya-card-key:v1:bench-' || $5::text || '-' || n, 'UTF8')),
              ${PIN_HASH('c.id', "'auth'", '$6::text')}, ${PIN_HASH('c.id', "'auth'", '$7::text')}
       from generate_series($3::int, $4::int) n, lateral (select ${CARD_ID} as id) c
       where get_byte(uuid_send(c.id), 0) * ${parts} / 256 = ${part}`,
      [ipad, opad, ...range, tag, BENCH_PINS.auth, WRONG_AUTH_PIN],
    );
    await run(
      `insert into residents (id, municipality_code, name, name_kana, birth_date, sex, address, adult_ward, my_number_enc,
                              my_number_index, my_number_masked, created_at, updated_at)
       select b.card_id, $3, 'ベンチ 太郎', 'ベンチ タロウ', date '1980-05-14', 'male', '埼玉県さいたま市浦和区常盤6丁目4番4号', false, $4,
              uuid_send(b.card_id), '********' || lpad((b.n % 10000)::text, 4, '0'), now(), now()
       from bench_cards b where ${mine} order by b.card_id`,
      [...range, t.municipalityCode, t.myNumberEnc],
    );
    await run(
      `insert into cards (id, resident_id, key_hash, status, issued_at, expires_at, key_algorithm)
       select b.card_id, b.card_id, b.key_hash, 'active', now(), $3, $4
       from bench_cards b where ${mine} order by b.card_id`,
      [...range, t.expiresAt, t.keyAlgorithm],
    );
    await run(
      `insert into pin_slots (card_id, slot, pin_hash, max_tries, remaining, locked_at, pin_set_at, updated_at)
       select b.card_id, s.slot,
              case when s.slot = 'auth' then b.right_hash else ${PIN_HASH('b.card_id', 's.slot', 's.pin')} end,
              s.max, s.max, null, now(), now()
       from bench_cards b
       cross join (values ('auth', $5::text, 3), ('sign', $6::text, 5), ('assist', $7::text, 3), ('juki', $8::text, 3)) s(slot, pin, max)
       where get_byte(uuid_send(b.card_id), 0) * ${parts} / 256 = ${part} and b.n between $3 and $4
       order by b.card_id, s.slot`,
      [ipad, opad, ...range, BENCH_PINS.auth, BENCH_PINS.sign, BENCH_PINS.assist, BENCH_PINS.juki],
    );
    await run(
      `insert into certificates (id, card_id, kind, serial_hex, der, private_key_enc, not_before, not_after, status, current)
       select overlay(b.card_id::text placing k.tag from 36)::uuid, b.card_id, k.kind,
              overlay(replace(b.card_id::text, '-', '') placing k.tag from 32),
              case k.kind when 'auth' then $3::bytea else $4::bytea end, case k.kind when 'auth' then $5::bytea else $6::bytea end,
              $7, $8, 'valid', true
       from bench_cards b cross join (values ('auth', 'a'), ('sign', 'b')) k(kind, tag)
       where ${mine} order by 1`,
      [...range, t.certs.auth.der, t.certs.sign.der, t.certs.auth.sealedKey, t.certs.sign.sealedKey, t.certs.auth.notBefore, t.certs.auth.notAfter],
    );
    // Each card's event-chain head, at its start (no event yet, the zero genesis): an issued card has a head from its
    // issuance events on, so no system under test pays for starting a chain (the insert trigger's path).
    await run(
      `insert into card_event_chain (card_id, events, head)
       select b.card_id, 0, '\\x${'00'.repeat(32)}'::bytea from bench_cards b where ${mine} order by b.card_id`,
      range,
    );
    await run('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
