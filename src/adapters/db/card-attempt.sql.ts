import type { CertKind, PinSlot } from '../../domain/pin-slot.js';
import type { EventContext } from '../../app/ports.js';
import { sourceKeyOf } from '../../domain/risk.js';
import { isWellFormedText } from '../../domain/well-formed-text.js';
import { hotPoolSize, hotQuery, type Db } from './create-db.js';
import { createEntryBatcher, type EntryBatcher } from './entry-batcher.js';

/**
 * The PIN entry, whole, in ONE statement (DOMAIN.md §1 "no answer without a durable spend"). The statement takes a
 * batch of entries ($1, a JSON array built by pinAttemptEntry; one entry when the server is idle, more when entries
 * arrive while earlier statements run, see entry-batcher.ts), each for a different card, and does for each what it
 * would do alone; the entries of a batch commit together, and each is answered after that commit. The keyed hash of
 * the normalised entry is computed before it (`pin_hash`, hex; null when the entry is malformed). For each entry
 * the statement then
 *
 * 1. checks the card key (no row at all: unknown card or wrong key; nothing is recorded) — and that the entry's source
 *    (`source_key`, domain/risk.ts sourceKeyOf) is not blocked: a blocked source gets no row either, so no card is touched
 *    and no try spent; the caller then tells it apart from a wrong key with one probe (app/pin-attempt.ts),
 * 2. takes the slot's row lock (FOR UPDATE; a batch takes its slots in card order, so two statements never hold locks
 *    the other waits for) — except for a right entry on a full slot of a card whose chain has begun (`full_slot`, read
 *    from the statement's snapshot, below) — and gates card, slot and certificate in the documented precedence
 *    (docs/decisions.md): revoked → suspended → expired card → slot absent → certificate revoked/suspended/expired/
 *    absent → locked → risk hold (except the holder's confirming sign-in, `risk_confirm`) → malformed entry → last try not confirmed (issue #11: at one try left an entry spends
 *    nothing unless `confirm_last_try`; the refusal does not depend on the PIN, so it reveals nothing about it),
 * 3. where nothing refuses, compares the hash with the stored one inside the UPDATE of the slot row and either
 *    restores it to its maximum (match) or spends one try (no match) — only where `remaining > 0`. A right entry on
 *    a slot already at its maximum changes nothing, so it writes no new slot row (`full_match`): the most common
 *    entry of all costs one heap update and its WAL less (docs/decisions.md, "hot path"); `updated_at` is the
 *    counter's last change,
 * 4. records a try spent (`incorrect`) for risk detection too (risk_failures, with the entry's source, address and
 *    service), so the figures the rules count never miss a failure that was answered,
 * 5. inserts the event with its final result (`success`, `incorrect`, or `refused` with the code), chained: one UPDATE
 *    of the card's head row (card_event_chain) computes the event's hash with card_event_digest_of, the same bytes
 *    the chain check computes over the stored row (migration 0020), so the insert trigger stays out of the way; a
 *    card's first event (no head row yet) arrives without a hash and the trigger starts the chain,
 *
 * and commits once. Concurrent entries that may change a slot serialise on its row lock, taken before the gate reads
 * the slot: the gate sees the newest committed counter (a concurrent entry that left one try is seen, so the last try
 * is never spent unconfirmed), never more than `remaining` entries are compared between two successes, and an entry
 * that finds the slot drained meanwhile is refused as locked.
 *
 * A right entry on a full slot changes no slot, so it does not take the slot's row: locking a row writes its page, and
 * at a million cards that page was the largest share of the statement's full-page images and WAL (docs/decisions.md,
 * "A right entry on a full slot takes no row lock"). It reads slot and chain head from the statement's snapshot
 * (`full_slot`, `seen_events`); once every entry's slot is decided, the statement takes the chain heads of all its
 * entries in card order (`head`, FOR UPDATE, which reads the newest row), and the entry is recorded only if its head
 * still counts `seen_events`. Everything that changes a slot records an event of the card in the same transaction, so
 * an unchanged head means an unchanged slot, and the head's row lock keeps it so until commit. If the card changed
 * meanwhile (`stale`), nothing of that entry is written and it answers `retry`: runBatch at once sends it again with
 * `force_lock`, which takes the slot's row like any other entry and cannot answer `retry`. A card without a chain head
 * (no event yet) always takes the lock. Lock order, for every statement and every other writer (setPin, resetPins):
 * slots in card and slot order, then chain heads in card order, so no two of them wait for each other in a cycle.
 *
 * A row held elsewhere is waited for at most PIN_LOCK_WAIT_LIMIT; then nothing is written and the entry answers
 * SERVICE_BUSY.
 * A crash before the commit leaves no trace and nobody has been answered; after it, the try and the event are
 * durable. There is no pending state.
 *
 * The text is exported so the bench runs the very statement (pgbench, `bench/lib/pgbench.ts`); the status read is
 * card-overview.sql.ts.
 */
export const PIN_ATTEMPT_PARAMS = ['entries'] as const;

/**
 * How long the PIN statement waits for a row someone else holds (a slot, a chain head) before PostgreSQL gives up,
 * rolls it back and the entry answers SERVICE_BUSY, having spent nothing (55P03, db-faults.ts). Rows are held for
 * milliseconds in normal work; this bounds what an open transaction elsewhere (a stuck job, a console session) can do
 * to a resident waiting at a terminal. Set with set_config(…, true) as the statement's first act, so it holds for
 * this transaction only (for the rest of it when the entry runs inside a larger one).
 */
export const PIN_LOCK_WAIT_LIMIT = '5s';

export const PIN_ATTEMPT_SQL = `/* prepared:pin_attempts */
with entry as (
  select e.* from jsonb_to_recordset($1::jsonb) as e(n int, card_id uuid, key_hash text, slot text, cert_kind text,
    pin_hash text, now timestamptz, operation text, channel text, service text, terminal text, actor text,
    confirm_last_try boolean, source_key text, address text, force_lock boolean)
  cross join (select set_config('lock_timeout', '${PIN_LOCK_WAIT_LIMIT}', true)) as wait_limit
),
card as (
  select e.n, e.slot, e.cert_kind, decode(e.pin_hash, 'hex') as pin_hash, e.now, e.operation, e.channel, e.service,
         e.terminal, e.actor, e.confirm_last_try, coalesce(e.force_lock, false) as force_lock, c.id, c.status, c.expires_at
  from entry e join cards c on c.id = e.card_id and c.key_hash = decode(e.key_hash, 'hex')
  where e.source_key is null or not exists (select 1 from risk_source_blocks b
      where b.source_key = e.source_key and b.blocked_until > e.now and b.lifted_at is null)
),
full_slot as (
  select card.n, s.remaining, h.events as seen_events
  from card join pin_slots s on s.card_id = card.id and s.slot = card.slot
  join card_event_chain h on h.card_id = card.id
  where not card.force_lock and s.pin_hash = card.pin_hash and s.remaining = s.max_tries and s.locked_at is null
),
locked_slot as (
  select card.n, s.remaining, s.pin_hash = card.pin_hash and s.remaining = s.max_tries and s.locked_at is null as full_match
  from card join pin_slots s on s.card_id = card.id and s.slot = card.slot
  where not exists (select 1 from full_slot f where f.n = card.n)
  order by s.card_id, s.slot for update of s
),
slot as (
  select n, remaining, true as full_match, seen_events from full_slot
  union all
  select n, remaining, full_match, null::bigint from locked_slot
),
gate as (
  select card.*, slot.remaining as seen_remaining, slot.full_match, slot.seen_events,
    case
      when card.status = 'revoked' then 'CARD_REVOKED'
      when card.status = 'suspended' then 'CARD_SUSPENDED'
      when card.expires_at <= card.now then 'CARD_EXPIRED'
      when slot.n is null then 'PIN_SLOT_ABSENT'
      when card.cert_kind is not null and ce.status is null then 'PIN_SLOT_ABSENT'
      when ce.status = 'revoked' then 'CERT_REVOKED'
      when ce.status = 'suspended' then 'CERT_SUSPENDED'
      when ce.not_after <= card.now then 'CERT_EXPIRED'
      when slot.remaining <= 0 then 'PIN_LOCKED'
      when card.operation <> 'risk_confirm' and exists (select 1 from card_risk_holds h where h.card_id = card.id and h.released_at is null) then 'RISK_HOLD'
      when card.pin_hash is null then 'PIN_FORMAT'
      when slot.remaining = 1 and not card.confirm_last_try then 'LAST_TRY_CONFIRMATION_REQUIRED'
    end as refusal
  from card
  left join slot on slot.n = card.n
  left join certificates ce on ce.card_id = card.id and ce.kind = card.cert_kind and ce.current
),
tried as (
  update pin_slots s
  set remaining = case when s.pin_hash = g.pin_hash then s.max_tries else s.remaining - 1 end,
      locked_at = case when s.pin_hash = g.pin_hash then null when s.remaining = 1 then g.now else s.locked_at end,
      updated_at = g.now
  from gate g
  where g.refusal is null and not g.full_match and s.card_id = g.id and s.slot = g.slot and s.remaining > 0
  returning g.n, s.pin_hash = g.pin_hash as matched, s.remaining
),
head as (
  select g.n, h.events, h.head
  from gate g join card_event_chain h on h.card_id = g.id
  order by h.card_id for update of h
),
outcome as (
  select g.*, nextval('card_events_id_seq') as event_id, coalesce(hd.events <> g.seen_events, false) as stale,
         case when t.matched or (g.refusal is null and g.full_match) then 'success'
              when t.matched is not null then 'incorrect' else 'refused' end as result,
         case when t.matched is null and not (g.refusal is null and g.full_match) then coalesce(g.refusal, 'PIN_LOCKED') end as code,
         (case when t.matched is not null then t.remaining
               when g.refusal is null and g.full_match then g.seen_remaining
               when g.refusal is null then 0
               else g.seen_remaining end)::smallint as remaining_after
  from gate g left join tried t on t.n = g.n left join head hd on hd.n = g.n
),
chained as (
  update card_event_chain h set events = h.events + 1,
    head = card_event_digest_of(hd.head, o.event_id, o.id, o.now, o.operation, o.slot, o.result, o.code,
                                o.remaining_after, o.channel, o.service, o.terminal, o.actor, null::jsonb)
  from outcome o join head hd on hd.n = o.n where h.card_id = o.id and not o.stale
  returning o.n, hd.head as prev_head, h.head
),
failed as (
  insert into risk_failures (card_id, source_key, address, service, occurred_at)
  select o.id, e.source_key, e.address, o.service, o.now
  from outcome o join entry e on e.n = o.n
  where o.result = 'incorrect'
),
ev as (
  insert into card_events (id, card_id, occurred_at, operation, slot, result, code, remaining_after,
                           channel, service, terminal, actor, prev_hash, hash)
  select o.event_id, o.id, o.now, o.operation, o.slot, o.result, o.code, o.remaining_after,
         o.channel, o.service, o.terminal, o.actor, ch.prev_head, ch.head
  from outcome o left join chained ch on ch.n = o.n
  where not o.stale
  returning id
)
select o.n, ev.id as event_id, case when ev.id is null then 'retry' else o.result end as result, o.code, o.remaining_after
from outcome o left join ev on ev.id = o.event_id`;

export type PinAttemptRow = {
  event_id: number;
  result: 'success' | 'incorrect' | 'refused';
  code: string | null;
  remaining_after: number | null;
};

export type PinAttemptInput = Readonly<{
  cardId: string;
  keyHash: Uint8Array;
  slot: PinSlot;
  certKind: CertKind | null;
  pinHash: Uint8Array | null;
  confirmLastTry: boolean;
  now: Date;
  operation: string;
  context: EventContext;
}>;

const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'));

/**
 * One entry as the statement reads it (an element of `entries`); `n` is its place in the batch. `forceLock`: take the
 * slot's row lock even for a right entry on a full slot (the second run of an entry answered `retry`).
 */
export function pinAttemptEntry(input: PinAttemptInput, n: number, forceLock = false) {
  const { context } = input;
  return {
    n,
    card_id: input.cardId,
    key_hash: hex(input.keyHash),
    slot: input.slot,
    cert_kind: input.certKind,
    pin_hash: hex(input.pinHash),
    now: input.now.toISOString(),
    operation: input.operation,
    channel: context.channel,
    service: context.service,
    terminal: context.terminal,
    actor: context.actor,
    confirm_last_try: input.confirmLastTry,
    source_key: sourceKeyOf({ address: context.address ?? null, service: context.service, terminal: context.terminal }),
    address: context.address ?? null,
    ...(forceLock ? { force_lock: true } : {}),
  };
}

/** A statement's row: the entry's outcome, or `retry` (nothing of it written; see the statement's comment). */
type BatchRow = { n: number } & (PinAttemptRow | { event_id: null; result: 'retry'; code: string | null; remaining_after: number | null });

/**
 * Runs the statement for a batch of entries with distinct cards; per entry its row, or null (unknown card or wrong key).
 * An entry answered `retry` (a right entry on a full slot whose card changed while it ran; nothing of it was written)
 * runs once more at once, taking its slot's row lock, which cannot answer `retry`.
 */
async function runBatch(db: Db, inputs: readonly PinAttemptInput[], forceLock = false): Promise<Array<PinAttemptRow | null>> {
  const rows = await hotQuery(db)<BatchRow>(PIN_ATTEMPT_SQL, [JSON.stringify(inputs.map((input, n) => pinAttemptEntry(input, n, forceLock)))]);
  const out: Array<PinAttemptRow | null> = inputs.map(() => null);
  const again: number[] = [];
  for (const { n, ...row } of rows) {
    if (row.result === 'retry') again.push(n);
    else out[n] = row;
  }
  if (again.length > 0) {
    if (forceLock) throw new Error('PIN statement: an entry run under its slot lock answered retry');
    SENT_AGAIN.set(db, (SENT_AGAIN.get(db) ?? 0) + again.length);
    const second = await runBatch(db, again.map((n) => inputs[n]!), true);
    again.forEach((n, i) => (out[n] = second[i]!));
  }
  return out;
}

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An entry whose values PostgreSQL could refuse (a card id that is not a canonical uuid; in a text, what jsonb
 * refuses) is never batched: its error must not fail the entries of other people. (The edge guard already refuses
 * such bodies, and headers cannot carry them.)
 */
export function batchable(input: PinAttemptInput): boolean {
  const { context } = input;
  return (
    CANONICAL_UUID.test(input.cardId) &&
    ![input.operation, context.channel, context.service, context.terminal, context.actor, context.address].some((v) => typeof v === 'string' && !isWellFormedText(v))
  );
}

const sqlStateOf = (error: unknown) => (error as { code?: unknown } | null)?.code as string;

const BATCHERS = new WeakMap<Db, EntryBatcher<PinAttemptInput, PinAttemptRow>>();
/** Entries answered `retry` and sent again under their slot's lock, per database (pinBatchStats). */
const SENT_AGAIN = new WeakMap<Db, number>();

/** The batcher of a pooled PostgreSQL database, made on first use; null where entries run one by one (PGlite, a transaction). */
function batcherOf(db: Db): EntryBatcher<PinAttemptInput, PinAttemptRow> | null {
  const existing = BATCHERS.get(db);
  if (existing) return existing;
  const poolSize = hotPoolSize(db);
  if (poolSize === null) return null;
  const batcher = createEntryBatcher<PinAttemptInput, PinAttemptRow>({
    run: (inputs) => runBatch(db, inputs),
    keyOf: (input) => input.cardId.toLowerCase(),
    // A deadlock victim, or a row held past PIN_LOCK_WAIT_LIMIT: rolled back whole, so each entry goes again alone.
    retryAlone: (error) => ['40P01', '55P03'].includes(sqlStateOf(error)),
    // A lone deadlock victim goes again (twice at most): the other side went on when this statement was rolled back.
    retryLone: (error) => sqlStateOf(error) === '40P01',
    loneRetries: 2,
    maxInFlight: pinStatementsInFlight(poolSize),
    maxBatch: PIN_BATCH_MAX,
    // A PIN statement takes milliseconds; one that has waited a second is waiting on a lock.
    stuckAfterMs: 1_000,
  });
  BATCHERS.set(db, batcher);
  return batcher;
}

/**
 * PIN statements running at once from one pool: an eighth of it, at least two. What arrives meanwhile waits for the
 * next statement, so fewer statements at once means more entries each and less CPU per entry; measured at 10k bench
 * cards, 64 connections, pool 16 (`BENCH_SYSTEMS=kagiya BENCH_SIZES=10000 BENCH_SECONDS=8 npx tsx bench/run-bench.ts`),
 * verifies/s (entries a statement; CPU-ms per verify in the server / PostgreSQL): 2 at once 5,714–5,774 (14.5; 0.12 /
 * 0.10), 4 at once 5,241 (7.6; 0.13 / 0.13), 8 at once 4,526 (4.1; 0.15 / 0.16), 16 at once 3,503 (2.3; 0.19 / 0.22).
 * The rest of the pool stays free for everything else.
 */
export const pinStatementsInFlight = (poolSize: number) => Math.max(2, Math.floor(poolSize / 8));

/** The most entries one statement carries. */
export const PIN_BATCH_MAX = 32;

/**
 * Statements sent and entries carried by `db`'s batcher, and entries sent again because their card changed while
 * they ran lock-free (null: entries run one by one).
 */
export function pinBatchStats(db: Db) {
  const stats = BATCHERS.get(db)?.stats();
  return stats ? { ...stats, sentAgain: SENT_AGAIN.get(db) ?? 0 } : null;
}

/** Runs the statement; null when the card is unknown or the key is wrong (nothing recorded). */
export async function pinAttemptSql(db: Db, input: PinAttemptInput): Promise<PinAttemptRow | null> {
  const batcher = batchable(input) ? batcherOf(db) : null;
  if (batcher) return batcher.submit(input);
  return (await runBatch(db, [input]))[0] ?? null;
}
