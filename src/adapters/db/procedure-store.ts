import type { Kysely, Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { InquiryLetter, LetterStore, PinPadStore, PinResetStore, ProcedureRecord, ProcedureStore } from '../../app/counter-ports.js';
import type { Procedure, ProcedureState } from '../../domain/procedure.js';
import type { PinSlot } from '../../domain/pin-slot.js';
import type { Database, InquiryLetterTable, ProcedureTable } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;
const TERMINAL: readonly ProcedureState[] = ['completed', 'cancelled', 'expired'];

type HistoryJson = Omit<Procedure['history'][number], 'at'> & { at: string };

function toRecord(r: Selectable<ProcedureTable>): ProcedureRecord {
  const history = (r.history as HistoryJson[]).map((h) => ({ ...h, at: new Date(h.at) }));
  const procedure = {
    id: r.id,
    municipalityCode: r.municipality_code,
    residentId: r.resident_id,
    applicantType: r.applicant_type,
    sameDay: r.same_day,
    slots: r.slots as PinSlot[],
    state: r.state as ProcedureState,
    openedAt: r.opened_at,
    openedBy: r.opened_by,
    deadline: r.deadline,
    history,
  } satisfies Procedure;
  return {
    procedure,
    cardId: r.card_id,
    proxyName: r.proxy_name,
    documents: r.documents as ProcedureRecord['documents'],
    revision: r.revision,
  };
}

function toRow(record: ProcedureRecord) {
  const p = record.procedure;
  return {
    id: p.id,
    municipality_code: p.municipalityCode,
    resident_id: p.residentId,
    card_id: record.cardId,
    applicant_type: p.applicantType,
    proxy_name: record.proxyName,
    same_day: p.sameDay,
    slots: JSON.stringify(p.slots),
    state: p.state,
    deadline: p.deadline,
    opened_at: p.openedAt,
    opened_by: p.openedBy,
    updated_at: p.history.at(-1)?.at ?? p.openedAt,
    history: JSON.stringify(p.history.map((h) => ({ ...h, at: h.at.toISOString() }))),
    documents: JSON.stringify(record.documents),
    revision: record.revision,
  };
}

export function createProcedureStore(db: Executor): ProcedureStore {
  return {
    async insert(record) {
      await db.insertInto('procedures').values(toRow(record)).execute();
    },
    async getForUpdate(id) {
      const row = await db.selectFrom('procedures').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async get(id) {
      const row = await db.selectFrom('procedures').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async update(record) {
      const { id, revision, ...values } = toRow(record);
      const result = await db
        .updateTable('procedures')
        .set({ ...values, revision: revision + 1 })
        .where('id', '=', id)
        .where('revision', '=', revision)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw new Error(`procedure ${id} changed concurrently`);
    },
    async list({ municipalityCode, open, limit }) {
      let q = db.selectFrom('procedures').selectAll().orderBy('updated_at', 'desc').limit(limit);
      if (municipalityCode !== null) q = q.where('municipality_code', '=', municipalityCode);
      if (open) q = q.where('state', 'not in', [...TERMINAL]);
      return (await q.execute()).map(toRecord);
    },
  };
}

function toLetter(r: Omit<Selectable<InquiryLetterTable>, 'pdf'>): InquiryLetter {
  return {
    id: r.id,
    procedureId: r.procedure_id,
    municipalityCode: r.municipality_code,
    referenceNumber: r.reference_number,
    codeHash: r.code_hash,
    status: r.status,
    address: r.address,
    holderName: r.holder_name,
    issuedAt: r.issued_at,
    deadline: r.deadline,
    statusChangedAt: r.status_changed_at,
    codeFailures: r.code_failures,
  };
}

const LETTER_COLUMNS = [
  'id', 'procedure_id', 'municipality_code', 'reference_number', 'code_hash', 'status', 'address', 'holder_name',
  'issued_at', 'deadline', 'status_changed_at', 'code_failures',
] as const;

export function createLetterStore(db: Executor): LetterStore {
  return {
    async insert(letter) {
      await db
        .insertInto('inquiry_letters')
        .values({
          id: letter.id,
          procedure_id: letter.procedureId,
          municipality_code: letter.municipalityCode,
          reference_number: letter.referenceNumber,
          code_hash: letter.codeHash,
          status: letter.status,
          address: letter.address,
          holder_name: letter.holderName,
          issued_at: letter.issuedAt,
          deadline: letter.deadline,
          status_changed_at: letter.statusChangedAt,
          pdf: letter.pdf,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom('inquiry_letters').select(LETTER_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row ? toLetter(row) : null;
    },
    async byProcedure(procedureId) {
      const row = await db.selectFrom('inquiry_letters').select(LETTER_COLUMNS).where('procedure_id', '=', procedureId).executeTakeFirst();
      return row ? toLetter(row) : null;
    },
    async pdf(id) {
      const row = await db.selectFrom('inquiry_letters').select('pdf').where('id', '=', id).executeTakeFirst();
      return row?.pdf ?? null;
    },
    async setStatus(id, status, now) {
      await db.updateTable('inquiry_letters').set({ status, status_changed_at: now }).where('id', '=', id).execute();
    },
    async recordCodeFailure(id) {
      const row = await db
        .updateTable('inquiry_letters')
        .set((eb) => ({ code_failures: eb('code_failures', '+', 1) }))
        .where('id', '=', id)
        .returning('code_failures')
        .executeTakeFirst();
      return row?.code_failures ?? 0;
    },
    async list({ municipalityCode, statuses, limit }) {
      let q = db.selectFrom('inquiry_letters').select(LETTER_COLUMNS).orderBy('issued_at', 'desc').limit(limit);
      if (municipalityCode !== null) q = q.where('municipality_code', '=', municipalityCode);
      if (statuses.length > 0) q = q.where('status', 'in', [...statuses]);
      return (await q.execute()).map(toLetter);
    },
    async nextReferenceSerial(municipalityCode, year) {
      const row = await db
        .selectFrom('inquiry_letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('municipality_code', '=', municipalityCode)
        .where('reference_number', 'like', `%-${year}-%`)
        .executeTakeFirst();
      return Number(row?.n ?? 0) + 1;
    },
  };
}

export function createPinPadStore(db: Executor): PinPadStore {
  return {
    async create({ tokenHash, procedureId, now, expiresAt }) {
      await db.insertInto('pin_pad_sessions').values({ token_hash: tokenHash, procedure_id: procedureId, created_at: now, expires_at: expiresAt, used_at: null }).execute();
    },
    async find(tokenHash, now) {
      const row = await db
        .selectFrom('pin_pad_sessions')
        .select('procedure_id')
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row?.procedure_id ?? null;
    },
    async markUsed(tokenHash, now) {
      const r = await db.updateTable('pin_pad_sessions').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    // A closed pad is one whose time is up: find() no longer returns it.
    async closeOpen(procedureId, now) {
      await db.updateTable('pin_pad_sessions').set({ expires_at: now }).where('procedure_id', '=', procedureId).where('used_at', 'is', null).where('expires_at', '>', now).execute();
    },
    async recordRefusal(tokenHash, now, max) {
      const row = await db
        .updateTable('pin_pad_sessions')
        .set((eb) => ({
          refusals: eb('refusals', '+', 1),
          expires_at: sql<Date>`case when refusals + 1 >= ${max} then least(expires_at, ${now}::timestamptz) else expires_at end`,
        }))
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['procedure_id', 'refusals'])
        .executeTakeFirst();
      return row ? { procedureId: row.procedure_id, refusals: row.refusals, closed: row.refusals >= max } : null;
    },
    async latest(procedureId) {
      const row = await db
        .selectFrom('pin_pad_sessions')
        .select(['expires_at', 'used_at', 'refusals'])
        .where('procedure_id', '=', procedureId)
        // Two pads opened in the same instant: opening the second closed the first (its expiry is that instant).
        .orderBy('created_at', 'desc')
        .orderBy('expires_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? { expiresAt: row.expires_at, usedAt: row.used_at, refusals: row.refusals } : null;
    },
  };
}

export function createPinResetStore(db: Executor): PinResetStore {
  return {
    async resetPins({ cardId, pins, now, context, procedureId }) {
      // Every slot's row first, in the order a PIN entry takes them (card, then slot: card-attempt.sql.ts), and only
      // then any event, whose chain head an entry takes after its slot. Taken slot by slot, the first event held the
      // head while the next slot was still to come, and an entry on that slot closed a deadlock
      // (test/concurrency/reset-lock-order.test.ts).
      await db
        .selectFrom('pin_slots')
        .select('slot')
        .where('card_id', '=', cardId)
        .where('slot', 'in', pins.map((p) => p.slot))
        .orderBy('slot')
        .forUpdate()
        .execute();
      for (const { slot, pinHash } of pins) {
        // As setPin: new PIN and full counter in one step.
        const updated = await db
          .updateTable('pin_slots')
          .set((eb) => ({ pin_hash: pinHash, remaining: eb.ref('max_tries'), locked_at: null, pin_set_at: now, updated_at: now }))
          .where('card_id', '=', cardId)
          .where('slot', '=', slot)
          .returning('max_tries')
          .executeTakeFirst();
        if (!updated) throw new Error(`card has no ${slot} slot`);
        await db
          .insertInto('card_events')
          .values({
            card_id: cardId,
            occurred_at: now,
            operation: 'counter_reset',
            slot,
            result: 'done',
            code: null,
            remaining_after: updated.max_tries,
            channel: context.channel,
            service: context.service,
            terminal: context.terminal,
            actor: context.actor,
            detail: JSON.stringify({ procedureId }),
          })
          .execute();
      }
    },
  };
}
