import { sql } from 'kysely';
import type { CardSnapshot, CertStatus } from '../../domain/card.js';
import type { CertKind, PinSlot } from '../../domain/pin-slot.js';
import type { CardOverview, EventContext, SpentTry } from '../../app/ports.js';
import type { Db } from './create-db.js';

type AttemptRow = {
  card_status: 'active' | 'suspended' | 'revoked';
  card_expires_at: Date;
  slot_remaining: number | null;
  slot_max: number | null;
  slot_locked_at: Date | null;
  cert_status: CertStatus | null;
  cert_not_before: Date | null;
  cert_not_after: Date | null;
  cert_serial: string | null;
  cert_changed_at: Date | null;
  cert_reason: string | null;
  spent_hash: Uint8Array | null;
  spent_remaining: number | null;
  spent_seq: number | null;
  event_id: number | null;
};

/**
 * Decrement before compare (DOMAIN.md §1, ISO 7816-4 VERIFY): one statement checks the card key, decrements
 * `remaining` where it is above zero and records a pending event, and commits before the PIN is compared.
 * A crash or lost reply after this leaves the try spent. Concurrent attempts serialise on the slot row;
 * PostgreSQL re-checks `remaining > 0` on the newest row version, so no more than `remaining` attempts pass.
 */
export async function beginAttemptSql(
  db: Db,
  input: { cardId: string; keyHash: Uint8Array; slot: PinSlot; certKind: CertKind | null; operation: string; context: EventContext; now: Date; spend: boolean },
): Promise<{ snapshot: CardSnapshot; spent: SpentTry | null } | null> {
  const { cardId, keyHash, slot, certKind, operation, context, now, spend } = input;
  const result = await sql<AttemptRow>`/* prepared:begin_attempt */
    with card as (
      select c.id, c.status, c.expires_at from cards c where c.id = ${cardId} and c.key_hash = ${keyHash}
    ),
    slot as (
      select s.remaining, s.max_tries, s.locked_at from pin_slots s, card where s.card_id = card.id and s.slot = ${slot}
    ),
    cert as (
      select ce.status, ce.not_before, ce.not_after, ce.serial_hex, ce.status_changed_at, ce.revocation_reason
      from certificates ce, card where ce.card_id = card.id and ce.kind = ${certKind}::text and ce.current
    ),
    spent as (
      update pin_slots s
      set remaining = s.remaining - 1,
          attempt_seq = s.attempt_seq + 1,
          locked_at = case when s.remaining = 1 then ${now}::timestamptz else s.locked_at end,
          updated_at = ${now}::timestamptz
      from card
      where ${spend}::boolean
        and s.card_id = card.id and s.slot = ${slot} and s.remaining > 0
        and card.status = 'active' and card.expires_at > ${now}::timestamptz
        and (${certKind}::text is null
             or exists (select 1 from cert where cert.status = 'valid' and cert.not_after > ${now}::timestamptz))
      returning s.pin_hash, s.remaining, s.attempt_seq
    ),
    ev as (
      insert into card_events (card_id, occurred_at, operation, slot, result, remaining_after, attempt_seq,
                               channel, service, terminal, actor)
      select ${cardId}, ${now}::timestamptz, ${operation}, ${slot}, 'pending', spent.remaining, spent.attempt_seq,
             ${context.channel}, ${context.service}, ${context.terminal}, ${context.actor}
      from spent
      returning id
    )
    select card.status as card_status, card.expires_at as card_expires_at,
           slot.remaining as slot_remaining, slot.max_tries as slot_max, slot.locked_at as slot_locked_at,
           cert.status as cert_status, cert.not_before as cert_not_before, cert.not_after as cert_not_after,
           cert.serial_hex as cert_serial, cert.status_changed_at as cert_changed_at,
           cert.revocation_reason as cert_reason,
           spent.pin_hash as spent_hash, spent.remaining as spent_remaining, spent.attempt_seq as spent_seq,
           ev.id as event_id
    from card
    left join slot on true
    left join cert on true
    left join spent on true
    left join ev on true
  `.execute(db);
  const row = result.rows[0];
  if (!row) return null;
  const snapshot: CardSnapshot = {
    status: row.card_status,
    expiresAt: row.card_expires_at,
    slot:
      row.slot_remaining === null || row.slot_max === null
        ? null
        : { remaining: row.slot_remaining, max: row.slot_max, lockedAt: row.slot_locked_at },
    cert:
      row.cert_status === null
        ? null
        : {
            status: row.cert_status,
            notBefore: row.cert_not_before!,
            notAfter: row.cert_not_after!,
            serialHex: row.cert_serial!,
            statusChangedAt: row.cert_changed_at,
            revocationReason: row.cert_reason,
          },
  };
  const spent =
    row.spent_hash && row.spent_seq !== null && row.spent_remaining !== null && row.event_id !== null
      ? { pinHash: row.spent_hash, remaining: row.spent_remaining, seq: row.spent_seq, eventId: Number(row.event_id) }
      : null;
  return { snapshot, spent };
}

/**
 * A match restores the slot to max less the tries spent after this attempt, and only if no newer success or
 * re-set was applied first (last_success_seq) and the PIN was not re-set meanwhile (pin_hash). So racing
 * right and wrong entries never allow more than max wrong comparisons between two successes.
 */
export async function finishSuccessSql(
  db: Db,
  input: { cardId: string; slot: PinSlot; seq: number; pinHash: Uint8Array; eventId: number; now: Date },
): Promise<number> {
  const { cardId, slot, seq, pinHash, eventId, now } = input;
  const result = await sql<{ remaining_after: number }>`/* prepared:finish_success */
    with restored as (
      update pin_slots
      set remaining = greatest(max_tries - (attempt_seq - ${seq}::integer), 0),
          last_success_seq = ${seq}::integer,
          locked_at = case when max_tries - (attempt_seq - ${seq}::integer) > 0 then null else locked_at end,
          updated_at = ${now}::timestamptz
      where card_id = ${cardId} and slot = ${slot} and last_success_seq < ${seq}::integer and pin_hash = ${pinHash}
      returning remaining
    ),
    current_slot as (select remaining from pin_slots where card_id = ${cardId} and slot = ${slot})
    update card_events
    set result = 'success',
        remaining_after = coalesce((select remaining from restored), (select remaining from current_slot))
    where id = ${eventId}
    returning remaining_after
  `.execute(db);
  return result.rows[0]?.remaining_after ?? 0;
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

/** The status read (the card's empty VERIFY) in one statement: card, slots and current certificates. */
export async function overviewByKeySql(db: Db, cardId: string, keyHash: Uint8Array): Promise<CardOverview | null> {
  const result = await sql<OverviewRow>`/* prepared:card_overview */
    select c.id, c.resident_id, c.status, c.issued_at, c.expires_at, c.key_algorithm, c.status_changed_at, c.status_reason,
      (select json_agg(json_build_object('slot', s.slot, 'remaining', s.remaining, 'max', s.max_tries, 'locked_at', s.locked_at))
         from pin_slots s where s.card_id = c.id) as slots,
      (select json_agg(json_build_object('id', ce.id, 'kind', ce.kind, 'status', ce.status, 'not_before', ce.not_before,
              'not_after', ce.not_after, 'serial_hex', ce.serial_hex, 'status_changed_at', ce.status_changed_at,
              'revocation_reason', ce.revocation_reason))
         from certificates ce where ce.card_id = c.id and ce.current) as certs
    from cards c where c.id = ${cardId} and c.key_hash = ${keyHash}
  `.execute(db);
  const row = result.rows[0];
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
