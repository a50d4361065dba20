import type { CertStatus } from '../../domain/card.js';
import type { CertKind, PinSlot } from '../../domain/pin-slot.js';
import type { CardOverview, CardRecord } from '../../app/ports.js';
import type { CardTable } from './schema.js';
import { hotQuery, type Db } from './create-db.js';

/** A card row as the stores read it, and the record it becomes. */
export type CardRow = Pick<CardTable, 'id' | 'resident_id' | 'status' | 'issued_at' | 'expires_at' | 'key_algorithm' | 'status_changed_at' | 'status_reason'>;
export const CARD_COLUMNS = ['id', 'resident_id', 'status', 'issued_at', 'expires_at', 'key_algorithm', 'status_changed_at', 'status_reason'] as const;

export function toCard(row: CardRow): CardRecord {
  return {
    id: row.id,
    residentId: row.resident_id,
    status: row.status,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    keyAlgorithm: row.key_algorithm,
    statusChangedAt: row.status_changed_at,
    statusReason: row.status_reason,
  };
}

type OverviewRow = CardRow & {
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
    card: toCard(row),
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
