import { sql } from 'kysely';
import type { CertKind, PinSlot } from '../../domain/pin-slot.js';
import { certKindOf } from '../../domain/card.js';
import type { CardEvent, CardOverview, CardRecord, CardStore, NewCardEvent } from '../../app/ports.js';
import type { Db } from './create-db.js';
import { pinAttemptSql } from './card-attempt.sql.js';
import { CARD_COLUMNS, overviewByKeySql, toCard } from './card-overview.sql.js';

function eventValues(e: NewCardEvent) {
  return {
    card_id: e.cardId,
    occurred_at: e.occurredAt,
    operation: e.operation,
    slot: e.slot,
    result: e.result,
    code: e.code,
    remaining_after: e.remainingAfter ?? null,
    channel: e.context.channel,
    service: e.context.service,
    terminal: e.context.terminal,
    actor: e.context.actor,
    detail: e.detail ? JSON.stringify(e.detail) : null,
  };
}

export function createCardStore(db: Db): CardStore {
  return {
    async insertCard(card, event) {
      await withinTransaction(db, async (trx) => {
        await trx
          .insertInto('cards')
          .values({
            id: card.id,
            resident_id: card.residentId,
            key_hash: card.keyHash,
            status: 'active',
            issued_at: card.issuedAt,
            expires_at: card.expiresAt,
            key_algorithm: card.keyAlgorithm,
            status_changed_at: null,
            status_reason: null,
          })
          .execute();
        await trx
          .insertInto('pin_slots')
          .values(
            card.slots.map((s) => ({
              card_id: card.id,
              slot: s.slot,
              pin_hash: s.pinHash,
              max_tries: s.maxTries,
              remaining: s.maxTries,
              locked_at: null,
              pin_set_at: card.issuedAt,
              updated_at: card.issuedAt,
            })),
          )
          .execute();
        if (card.certificates.length > 0) {
          await trx
            .insertInto('certificates')
            .values(
              card.certificates.map((c) => ({
                id: c.id,
                card_id: card.id,
                kind: c.kind,
                serial_hex: c.serialHex,
                der: c.der,
                private_key_enc: c.sealedKey,
                not_before: c.notBefore,
                not_after: c.notAfter,
                status: 'valid' as const,
                status_changed_at: null,
                revocation_reason: null,
                current: true,
                ca_id: c.caId,
              })),
            )
            .execute();
        }
        await trx.insertInto('card_events').values(eventValues(event)).execute();
      });
    },

    async findCardByKey(cardId, keyHash) {
      const row = await db
        .selectFrom('cards')
        .select(CARD_COLUMNS)
        .where('id', '=', cardId)
        .where('key_hash', '=', keyHash)
        .executeTakeFirst();
      return row ? toCard(row) : null;
    },

    async findCard(cardId) {
      const row = await db.selectFrom('cards').select(CARD_COLUMNS).where('id', '=', cardId).executeTakeFirst();
      return row ? toCard(row) : null;
    },

    async overview(cardId) {
      const card = await db.selectFrom('cards').select(CARD_COLUMNS).where('id', '=', cardId).executeTakeFirst();
      if (!card) return null;
      const [slots, certs] = await Promise.all([
        db.selectFrom('pin_slots').select(['slot', 'remaining', 'max_tries', 'locked_at']).where('card_id', '=', cardId).execute(),
        db
          .selectFrom('certificates')
          .select(['id', 'kind', 'status', 'not_before', 'not_after', 'serial_hex', 'status_changed_at', 'revocation_reason'])
          .where('card_id', '=', cardId)
          .where('current', '=', true)
          .execute(),
      ]);
      const overview: { card: CardRecord; slots: CardOverview['slots']; certificates: CardOverview['certificates'] } = {
        card: toCard(card),
        slots: Object.fromEntries(slots.map((s) => [s.slot, { remaining: s.remaining, max: s.max_tries, lockedAt: s.locked_at }])),
        certificates: Object.fromEntries(
          certs.map((c) => [
            c.kind,
            {
              id: c.id,
              status: c.status,
              notBefore: c.not_before,
              notAfter: c.not_after,
              serialHex: c.serial_hex,
              statusChangedAt: c.status_changed_at,
              revocationReason: c.revocation_reason,
            },
          ]),
        ),
      };
      return overview;
    },

    async attempt(input) {
      const row = await pinAttemptSql(db, { ...input, certKind: certKindOf(input.slot) });
      if (!row) return null;
      return { eventId: Number(row.event_id), result: row.result, code: row.code, remaining: row.remaining_after };
    },

    overviewByKey: (cardId, keyHash) => overviewByKeySql(db, cardId, keyHash),

    async setPin({ cardId, slot, pinHash, now, event }) {
      await withinTransaction(db, async (trx) => {
        // Re-setting is the only unlock (DOMAIN.md §4): new PIN and full counter in one step.
        const updated = await trx
          .updateTable('pin_slots')
          .set((eb) => ({
            pin_hash: pinHash,
            remaining: eb.ref('max_tries'),
            locked_at: null,
            pin_set_at: now,
            updated_at: now,
          }))
          .where('card_id', '=', cardId)
          .where('slot', '=', slot)
          .returning('max_tries')
          .executeTakeFirst();
        if (!updated) throw new Error(`no ${slot} slot on card`);
        await trx.insertInto('card_events').values({ ...eventValues(event), remaining_after: updated.max_tries }).execute();
      });
    },

    async recordEvent(event) {
      await db.insertInto('card_events').values(eventValues(event)).execute();
    },

    async listEvents(cardId, { limit, beforeId }) {
      let query = db
        .selectFrom('card_events')
        .select(['id', 'occurred_at', 'operation', 'slot', 'result', 'code', 'remaining_after', 'channel', 'service', 'terminal', 'actor'])
        .where('card_id', '=', cardId)
        .orderBy('id', 'desc')
        .limit(limit);
      if (beforeId !== undefined) query = query.where('id', '<', beforeId);
      const rows = await query.execute();
      return rows.map(
        (r): CardEvent => ({
          id: Number(r.id),
          occurredAt: r.occurred_at,
          operation: r.operation,
          slot: r.slot as PinSlot | null,
          result: r.result as CardEvent['result'],
          code: r.code,
          remainingAfter: r.remaining_after,
          channel: r.channel,
          service: r.service,
          terminal: r.terminal,
          actor: r.actor,
        }),
      );
    },

    async setCardStatus({ cardId, status, certStatus, fromCertStatus, reason, crlReason, now, event }) {
      await withinTransaction(db, async (trx) => {
        await trx
          .updateTable('cards')
          .set({ status, status_changed_at: now, status_reason: reason })
          .where('id', '=', cardId)
          .execute();
        await trx
          .updateTable('certificates')
          .set({
            status: certStatus,
            status_changed_at: now,
            revocation_reason: certStatus === 'valid' ? null : reason,
            // A hold is published as certificateHold from the status itself; only a revocation keeps a reason.
            crl_reason: certStatus === 'revoked' ? (crlReason ?? 'unspecified') : null,
          })
          .where('card_id', '=', cardId)
          .where('current', '=', true)
          .where('status', 'in', [...fromCertStatus])
          .execute();
        await trx.insertInto('card_events').values(eventValues(event)).execute();
      });
    },

    async revokeCertificate({ cardId, kind, reason, crlReason, now, event }) {
      return withinTransaction(db, async (trx) => {
        const revoked = await trx
          .updateTable('certificates')
          .set({ status: 'revoked', status_changed_at: now, revocation_reason: reason, crl_reason: crlReason ?? 'unspecified' })
          .where('card_id', '=', cardId)
          .where('kind', '=', kind)
          .where('current', '=', true)
          .where('status', '!=', 'revoked')
          .executeTakeFirst();
        if (Number(revoked.numUpdatedRows) === 0) return false;
        await trx.insertInto('card_events').values(eventValues(event)).execute();
        return true;
      });
    },

    async certificateKey(cardId, kind: CertKind) {
      const row = await db
        .selectFrom('certificates')
        .innerJoin('cards', 'cards.id', 'certificates.card_id')
        .select(['certificates.id', 'certificates.der', 'certificates.private_key_enc', 'certificates.serial_hex', 'cards.key_algorithm'])
        .where('certificates.card_id', '=', cardId)
        .where('certificates.kind', '=', kind)
        .where('certificates.current', '=', true)
        .executeTakeFirst();
      return row ? { id: row.id, der: row.der, sealedKey: row.private_key_enc, algorithm: row.key_algorithm, serialHex: row.serial_hex } : null;
    },

    async cardIdsOfResident(residentId) {
      const rows = await db.selectFrom('cards').select('id').where('resident_id', '=', residentId).orderBy('issued_at').execute();
      return rows.map((r) => r.id);
    },
  };
}

// Exposed for tests that inspect raw counters.
export async function rawSlot(db: Db, cardId: string, slot: PinSlot) {
  return db.selectFrom('pin_slots').selectAll().where('card_id', '=', cardId).where('slot', '=', slot).executeTakeFirst();
}
export { sql };

/** Runs `work` in a transaction of its own, or in the caller's when the store is bound to one already. */
function withinTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
