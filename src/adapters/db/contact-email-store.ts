import { appendAuditEntries, auditedTransaction } from './audit-store.js';
import type { Db } from './create-db.js';

// The holder's notification address (residents.contact_email, migration 0013), read and set through the holder's own
// token (/api/v1/me/contact-email). A change is audited with the holder as actor; the address itself is not copied
// into the audit trail.

export function createContactEmailStore(db: Db) {
  const residentOf = (trx: Db, cardId: string) =>
    trx.selectFrom('cards').innerJoin('residents', 'residents.id', 'cards.resident_id').select(['residents.id', 'residents.municipality_code', 'residents.contact_email']).where('cards.id', '=', cardId).executeTakeFirst();
  return {
    /** undefined: no such card. */
    async get(cardId: string): Promise<string | null | undefined> {
      return (await residentOf(db, cardId))?.contact_email;
    },
    async set(cardId: string, email: string | null, now: Date): Promise<boolean> {
      return auditedTransaction(db, async (trx) => {
        const r = await residentOf(trx, cardId);
        if (!r) return false;
        await trx.updateTable('residents').set({ contact_email: email }).where('id', '=', r.id).execute();
        await appendAuditEntries(trx, [
          { occurredAt: now, actorId: `holder:${cardId}`, actorRole: 'holder', municipalityCode: r.municipality_code, action: email ? 'resident.contact_email_set' : 'resident.contact_email_removed', targetType: 'resident', targetId: r.id, reason: null, detail: { cardId } },
        ]);
        return true;
      });
    },
  };
}

export type ContactEmailStore = ReturnType<typeof createContactEmailStore>;
