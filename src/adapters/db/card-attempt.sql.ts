import type { CertStatus } from '../../domain/card.js';
import type { CertKind, PinSlot } from '../../domain/pin-slot.js';
import type { CardOverview, EventContext } from '../../app/ports.js';
import { sourceKeyOf } from '../../domain/risk.js';
import { hotQuery, type Db } from './create-db.js';

/**
 * The PIN entry, whole, in ONE statement (DOMAIN.md §1 "no answer without a durable spend"). The keyed hash of
 * the normalised entry is computed before it ($5; null when the entry is malformed). The statement then
 *
 * 1. checks the card key (no row at all: unknown card or wrong key; nothing is recorded) — and that the entry's source
 *    ($13, domain/risk.ts sourceKeyOf) is not blocked: a blocked source gets no row either, so no card is touched
 *    and no try spent; the caller then tells it apart from a wrong key with one probe (app/pin-attempt.ts),
 * 2. takes the slot's row lock (FOR UPDATE) and gates card, slot and certificate in the documented precedence
 *    (docs/decisions.md): revoked → suspended → expired card → slot absent → certificate revoked/suspended/expired/
 *    absent → locked → risk hold (except the holder's confirming sign-in, `risk_confirm`) → malformed entry → last try not confirmed (issue #11: at one try left an entry spends
 *    nothing unless `confirm_last_try`; the refusal does not depend on the PIN, so it reveals nothing about it),
 * 3. where nothing refuses, compares the hash with the stored one inside the UPDATE of the slot row and either
 *    restores it to its maximum (match) or spends one try (no match) — only where `remaining > 0`. A right entry on
 *    a slot already at its maximum changes nothing, so it writes no new slot row (`full_match`, read under the row
 *    lock): the most common entry of all costs one heap update and its WAL less (docs/decisions.md, "hot path");
 *    `updated_at` is the counter's last change,
 * 4. inserts the event with its final result (`success`, `incorrect`, or `refused` with the code), chained: one UPDATE
 *    of the card's head row (card_event_chain) computes the event's hash with card_event_digest_of, the same bytes
 *    the chain check computes over the stored row (migration 0020), so the insert trigger stays out of the way; a
 *    card's first event (no head row yet) arrives without a hash and the trigger starts the chain,
 *
 * and commits once. Concurrent entries on one slot serialise on its row lock, taken before the gate reads the
 * slot: the gate sees the newest committed counter (a concurrent entry that left one try is seen, so the last try
 * is never spent unconfirmed), never more than `remaining` entries are compared between two successes, and an entry
 * that finds the slot drained meanwhile is refused as locked. The lock costs about 0.03 CPU-ms of PostgreSQL per
 * entry (docs/decisions.md, "hot path").
 * A crash before the commit leaves no trace and nobody has been answered; after it, the try and the event are
 * durable. There is no pending state.
 *
 * The text is exported so the bench runs the very statement (pgbench, `bench/lib/pgbench.ts`).
 */
export const PIN_ATTEMPT_PARAMS = [
  'card_id',
  'key_hash',
  'slot',
  'cert_kind',
  'pin_hash',
  'now',
  'operation',
  'channel',
  'service',
  'terminal',
  'actor',
  'confirm_last_try',
  'source_key',
] as const;

export const PIN_ATTEMPT_SQL = `/* prepared:pin_attempt */
with card as (
  select c.id, c.status, c.expires_at from cards c where c.id = $1::uuid and c.key_hash = $2::bytea
    and ($13::text is null or not exists (select 1 from risk_source_blocks b
      where b.source_key = $13::text and b.blocked_until > $6::timestamptz and b.lifted_at is null))
),
slot as (
  select s.card_id, s.remaining, s.pin_hash = $5::bytea and s.remaining = s.max_tries and s.locked_at is null as full_match
  from card join pin_slots s on s.card_id = card.id and s.slot = $3::text for update of s
),
gate as (
  select card.id as card_id, slot.remaining as seen_remaining, slot.full_match,
    case
      when card.status = 'revoked' then 'CARD_REVOKED'
      when card.status = 'suspended' then 'CARD_SUSPENDED'
      when card.expires_at <= $6::timestamptz then 'CARD_EXPIRED'
      when slot.card_id is null then 'PIN_SLOT_ABSENT'
      when $4::text is not null and ce.status is null then 'PIN_SLOT_ABSENT'
      when ce.status = 'revoked' then 'CERT_REVOKED'
      when ce.status = 'suspended' then 'CERT_SUSPENDED'
      when ce.not_after <= $6::timestamptz then 'CERT_EXPIRED'
      when slot.remaining <= 0 then 'PIN_LOCKED'
      when $7::text <> 'risk_confirm' and exists (select 1 from card_risk_holds h where h.card_id = card.id and h.released_at is null) then 'RISK_HOLD'
      when $5::bytea is null then 'PIN_FORMAT'
      when slot.remaining = 1 and not $12::boolean then 'LAST_TRY_CONFIRMATION_REQUIRED'
    end as refusal
  from card
  left join slot on true
  left join certificates ce on ce.card_id = card.id and ce.kind = $4::text and ce.current
),
tried as (
  update pin_slots s
  set remaining = case when s.pin_hash = $5::bytea then s.max_tries else s.remaining - 1 end,
      locked_at = case when s.pin_hash = $5::bytea then null when s.remaining = 1 then $6::timestamptz else s.locked_at end,
      updated_at = $6::timestamptz
  from gate
  where gate.refusal is null and not gate.full_match and s.card_id = gate.card_id and s.slot = $3::text and s.remaining > 0
  returning s.pin_hash = $5::bytea as matched, s.remaining
),
outcome as (
  select gate.card_id, nextval('card_events_id_seq') as id,
         case when tried.matched or (gate.refusal is null and gate.full_match) then 'success'
              when tried.matched is not null then 'incorrect' else 'refused' end as result,
         case when tried.matched is null and not (gate.refusal is null and gate.full_match) then coalesce(gate.refusal, 'PIN_LOCKED') end as code,
         (case when tried.matched is not null then tried.remaining
               when gate.refusal is null and gate.full_match then gate.seen_remaining
               when gate.refusal is null then 0
               else gate.seen_remaining end)::smallint as remaining_after
  from gate left join tried on true
),
chained as (
  update card_event_chain h set events = h.events + 1, prev_head = h.head,
    head = card_event_digest_of(h.head, o.id, o.card_id, $6::timestamptz, $7::text, $3::text, o.result, o.code,
                                o.remaining_after, $8::text, $9::text, $10::text, $11::text, null::jsonb)
  from outcome o where h.card_id = o.card_id
  returning h.prev_head, h.head
),
ev as (
  insert into card_events (id, card_id, occurred_at, operation, slot, result, code, remaining_after,
                           channel, service, terminal, actor, prev_hash, hash)
  select o.id, o.card_id, $6::timestamptz, $7::text, $3::text, o.result, o.code, o.remaining_after,
         $8::text, $9::text, $10::text, $11::text, chained.prev_head, chained.head
  from outcome o left join chained on true
  returning id, result, code, remaining_after
)
select id as event_id, result, code, remaining_after from ev`;

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

export function pinAttemptValues(input: PinAttemptInput): unknown[] {
  const { context } = input;
  return [
    input.cardId,
    input.keyHash,
    input.slot,
    input.certKind,
    input.pinHash,
    input.now,
    input.operation,
    context.channel,
    context.service,
    context.terminal,
    context.actor,
    input.confirmLastTry,
    sourceKeyOf({ address: context.address ?? null, service: context.service, terminal: context.terminal }),
  ];
}

/** Runs the statement; null when the card is unknown or the key is wrong (nothing recorded). */
export async function pinAttemptSql(db: Db, input: PinAttemptInput): Promise<PinAttemptRow | null> {
  const rows = await hotQuery(db)<PinAttemptRow>(PIN_ATTEMPT_SQL, pinAttemptValues(input));
  return rows[0] ?? null;
}

type OverviewRow = {
  id: string;
  resident_id: string;
  status: 'active' | 'suspended' | 'revoked';
  issued_at: Date;
  expires_at: Date;
  key_algorithm: string;
  status_changed_at: Date | null;
  status_reason: string | null;
  slots: Array<{ slot: PinSlot; remaining: number; max: number; locked_at: string | null }> | null;
  certs: Array<{ id: string; kind: CertKind; status: CertStatus; not_before: string; not_after: string; serial_hex: string; status_changed_at: string | null; revocation_reason: string | null }> | null;
};

const date = (value: string | null) => (value === null ? null : new Date(value));

export const CARD_OVERVIEW_PARAMS = ['card_id', 'key_hash'] as const;

/** The status read (the card's empty VERIFY) in one statement: card, slots and current certificates. */
export const CARD_OVERVIEW_SQL = `/* prepared:card_overview */
select c.id, c.resident_id, c.status, c.issued_at, c.expires_at, c.key_algorithm, c.status_changed_at, c.status_reason,
  (select json_agg(json_build_object('slot', s.slot, 'remaining', s.remaining, 'max', s.max_tries, 'locked_at', s.locked_at))
     from pin_slots s where s.card_id = c.id) as slots,
  (select json_agg(json_build_object('id', ce.id, 'kind', ce.kind, 'status', ce.status, 'not_before', ce.not_before,
          'not_after', ce.not_after, 'serial_hex', ce.serial_hex, 'status_changed_at', ce.status_changed_at,
          'revocation_reason', ce.revocation_reason))
     from certificates ce where ce.card_id = c.id and ce.current) as certs
from cards c where c.id = $1::uuid and c.key_hash = $2::bytea`;

export async function overviewByKeySql(db: Db, cardId: string, keyHash: Uint8Array): Promise<CardOverview | null> {
  const row = (await hotQuery(db)<OverviewRow>(CARD_OVERVIEW_SQL, [cardId, keyHash]))[0];
  if (!row) return null;
  return {
    card: {
      id: row.id,
      residentId: row.resident_id,
      status: row.status,
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      keyAlgorithm: row.key_algorithm,
      statusChangedAt: row.status_changed_at,
      statusReason: row.status_reason,
    },
    slots: Object.fromEntries((row.slots ?? []).map((s) => [s.slot, { remaining: s.remaining, max: s.max, lockedAt: date(s.locked_at) }])),
    certificates: Object.fromEntries(
      (row.certs ?? []).map((c) => [
        c.kind,
        {
          id: c.id,
          status: c.status,
          notBefore: new Date(c.not_before),
          notAfter: new Date(c.not_after),
          serialHex: c.serial_hex,
          statusChangedAt: date(c.status_changed_at),
          revocationReason: c.revocation_reason,
        },
      ]),
    ),
  };
}
