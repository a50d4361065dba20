import { sql } from 'kysely';
import type { ReaderSession, ReaderSessionStore } from '../../app/reader/reader-ports.js';
import type { ReaderState } from '../../app/reader/virtual-card.js';
import type { ApId } from '../../domain/apdu/jpki-layout.js';
import { PIN_SLOTS, type PinSlot } from '../../domain/pin-slot.js';
import type { Db } from './create-db.js';
import type { ReaderSessionTable } from './schema.js';

const AP_IDS: readonly ApId[] = ['jpki', 'text', 'visual', 'juki'];

const encodeSlots = (slots: readonly PinSlot[]) => slots.join(',');
const decodeSlots = (text: string): PinSlot[] => text.split(',').filter((s): s is PinSlot => (PIN_SLOTS as readonly string[]).includes(s));

function toState(row: Pick<ReaderSessionTable, 'selected_ap' | 'selected_ef' | 'verified_slots'>): ReaderState {
  const ap = AP_IDS.find((a) => a === row.selected_ap) ?? null;
  return { ap, ef: ap ? row.selected_ef : null, verified: ap ? decodeSlots(row.verified_slots) : [] };
}

export function createReaderSessionStore(db: Db): ReaderSessionStore {
  return {
    async insert(s: ReaderSession) {
      await db
        .insertInto('reader_sessions')
        .values({
          id: s.id,
          card_id: s.cardId,
          terminal: s.terminal,
          blocked_sw: s.blockedStatusWord,
          selected_ap: s.state.ap,
          selected_ef: s.state.ef,
          verified_slots: encodeSlots(s.state.verified),
          opened_at: s.openedAt,
          last_seen_at: s.lastSeenAt,
          closed_at: s.closedAt,
        })
        .execute();
    },
    async find(id) {
      const row = await db.selectFrom('reader_sessions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) return null;
      return {
        id: row.id,
        cardId: row.card_id,
        terminal: row.terminal,
        blockedStatusWord: row.blocked_sw === '6984' ? '6984' : '6983',
        state: toState(row),
        openedAt: row.opened_at,
        lastSeenAt: row.last_seen_at,
        closedAt: row.closed_at,
      };
    },
    async save(id, state, lastSeenAt) {
      await db
        .updateTable('reader_sessions')
        .set({ selected_ap: state.ap, selected_ef: state.ef, verified_slots: encodeSlots(state.verified), last_seen_at: lastSeenAt })
        .where('id', '=', id)
        .where('closed_at', 'is', null)
        .execute();
    },
    async close(id, now) {
      // Closing forgets the security state with the session.
      await db.updateTable('reader_sessions').set({ closed_at: now, verified_slots: '', selected_ap: null, selected_ef: null }).where('id', '=', id).execute();
    },
  };
}

/**
 * Deletes reader sessions closed, or last seen, before `cutoff` (housekeeping, src/adapters/jobs/housekeeping-jobs.ts).
 * A session idle longer than the reader's idle limit is dead already; its row held only a selected file and which PINs
 * were verified in it, and the PIN entries themselves are card events, kept.
 */
export async function purgeReaderSessions(db: Db, cutoff: Date): Promise<number> {
  const r = await db
    .deleteFrom('reader_sessions')
    .where(sql<Date>`coalesce(closed_at, last_seen_at)`, '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows ?? 0);
}
