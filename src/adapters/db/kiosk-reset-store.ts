import type { KioskResetStore, OpenProcedure } from '../../app/kiosk-reset-ports.js';
import type { KioskResetSlot } from '../../domain/kiosk-reset.js';
import { isPinSlot, type PinSlot } from '../../domain/pin-slot.js';
import type { Db } from './create-db.js';

// Kiosk reset reservations (migration 0015). The reservation row is locked while the kiosk sets the new PIN, so two
// kiosks racing on one reservation end with one reset and one KIOSK_RESET_USED.

export function createKioskResetStore(db: Db): KioskResetStore {
  return {
    async latest(cardId, options = {}) {
      let query = db
        .selectFrom('kiosk_reset_reservations')
        .select(['id', 'slot', 'created_at', 'expires_at', 'used_at'])
        .where('card_id', '=', cardId)
        .where('replaced_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(1);
      if (options.forUpdate) query = query.forUpdate();
      const row = await query.executeTakeFirst();
      if (!row) return null;
      return { id: row.id, slot: row.slot as KioskResetSlot, createdAt: row.created_at, expiresAt: row.expires_at, usedAt: row.used_at };
    },

    async insert(input) {
      await db
        .updateTable('kiosk_reset_reservations')
        .set({ replaced_at: input.createdAt })
        .where('card_id', '=', input.cardId)
        .where('replaced_at', 'is', null)
        .where('used_at', 'is', null)
        .execute();
      await db
        .insertInto('kiosk_reset_reservations')
        .values({
          id: input.id,
          card_id: input.cardId,
          slot: input.slot,
          verified_slot: input.verifiedSlot,
          face_match: 'matched',
          service: input.service,
          created_at: input.createdAt,
          expires_at: input.expiresAt,
          used_at: null,
          used_terminal: null,
          replaced_at: null,
        })
        .execute();
    },

    async markUsed({ id, now, terminal }) {
      const r = await db
        .updateTable('kiosk_reset_reservations')
        .set({ used_at: now, used_terminal: terminal })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

const TERMINAL_STATES = ['completed', 'cancelled', 'expired'];

/** A resident's counter procedures still in progress (for the readiness check). */
export async function openProceduresOf(db: Db, residentId: string): Promise<OpenProcedure[]> {
  const rows = await db
    .selectFrom('procedures')
    .select(['id', 'applicant_type', 'state', 'deadline', 'slots', 'opened_at'])
    .where('resident_id', '=', residentId)
    .where('state', 'not in', TERMINAL_STATES)
    .orderBy('opened_at', 'desc')
    .limit(20)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    applicantType: r.applicant_type,
    state: r.state,
    deadline: r.deadline,
    slots: (Array.isArray(r.slots) ? (r.slots as unknown[]) : []).filter((s): s is PinSlot => typeof s === 'string' && isPinSlot(s)),
    openedAt: r.opened_at,
  }));
}
