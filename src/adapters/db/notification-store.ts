import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AuditEntry } from '../../app/counter-ports.js';
import { composeNotification, expiryReminders, notificationForEvent, type NotificationKind } from '../../domain/notification.js';
import type { CertKind } from '../../domain/pin-slot.js';
import { appendAuditEntries, auditedTransaction } from './audit-store.js';
import type { Db } from './create-db.js';

// The notifier's storage: the cursor over card_events, the notifications outbox, and their audit entries.

export const NOTIFIER_ACTOR = { id: 'system:notifier', role: 'system' } as const;

export type NewNotification = Readonly<{
  cardId: string;
  residentId: string;
  municipalityCode: string;
  kind: NotificationKind;
  dedupeKey: string;
  eventId: number | null;
  subject: string;
  body: string;
  recipient: string | null;
}>;

export type StoredNotification = Readonly<{
  id: string;
  cardId: string;
  kind: string;
  status: 'queued' | 'sent' | 'failed' | 'no_address';
  recipient: string | null;
  transport: string | null;
  subject: string;
  body: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  municipalityCode: string;
}>;

/** Called inside the scan's transaction with the ids to deliver, so the jobs commit with their rows. */
export type Enqueue = (trx: Db, notificationIds: readonly string[]) => Promise<void>;

const auditOf = (n: NewNotification & { id: string; status: string }, now: Date): AuditEntry => ({
  occurredAt: now,
  actorId: NOTIFIER_ACTOR.id,
  actorRole: NOTIFIER_ACTOR.role,
  municipalityCode: n.municipalityCode,
  action: n.status === 'queued' ? 'notification.queued' : 'notification.no_address',
  targetType: 'card',
  targetId: n.cardId,
  reason: null,
  detail: { notificationId: n.id, kind: n.kind, ...(n.eventId !== null ? { eventId: n.eventId } : {}) },
});

/** Writes the notifications that are new (by dedupe key), audits each, and hands the deliverable ones to `enqueue`. */
async function insertNotifications(trx: Db, items: readonly NewNotification[], now: Date, enqueue: Enqueue): Promise<number> {
  if (items.length === 0) return 0;
  const rows = items.map((n) => ({ ...n, id: randomUUID(), status: n.recipient ? ('queued' as const) : ('no_address' as const) }));
  const inserted = await trx
    .insertInto('notifications')
    .values(
      rows.map((n) => ({
        id: n.id,
        card_id: n.cardId,
        resident_id: n.residentId,
        kind: n.kind,
        dedupe_key: n.dedupeKey,
        event_id: n.eventId,
        subject: n.subject,
        body: n.body,
        status: n.status,
        recipient: n.recipient,
        transport: null,
        last_error: null,
        created_at: now,
        sent_at: null,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .execute();
  const fresh = new Set(inserted.map((r) => r.id));
  const written = rows.filter((r) => fresh.has(r.id));
  await appendAuditEntries(trx, written.map((n) => auditOf(n, now)));
  await enqueue(trx, written.filter((n) => n.status === 'queued').map((n) => n.id));
  return written.length;
}

const cardTail = (cardId: string) => cardId.slice(-4);

export function createNotificationStore(db: Db) {
  return {
    /**
     * Follows card_events from the cursor: at most `limit` events that are at least `settleMs` old (an event id is
     * taken at insert, its commit may come a moment later; the wait keeps a slower commit from being passed over).
     * Derives, writes, audits and enqueues in one transaction with the cursor's move. Returns events read and
     * notifications written.
     */
    async scanEvents(input: { now: Date; limit: number; settleMs: number; enqueue: Enqueue }): Promise<{ read: number; written: number }> {
      return auditedTransaction(db, async (trx) => {
        const cursor = await trx.selectFrom('notification_cursors').select('last_event_id').where('name', '=', 'card_events').forUpdate().executeTakeFirstOrThrow();
        const before = new Date(input.now.getTime() - input.settleMs);
        const { rows } = await sql<{
          id: number;
          card_id: string;
          occurred_at: Date;
          operation: string;
          slot: string | null;
          result: string;
          remaining_after: number | null;
          service: string | null;
          channel: string | null;
          resident_id: string;
          municipality_code: string;
          contact_email: string | null;
          first_use: boolean;
        }>`
          select e.id, e.card_id, e.occurred_at, e.operation, e.slot, e.result, e.remaining_after, e.service, e.channel,
                 r.id as resident_id, r.municipality_code, r.contact_email,
                 (e.operation = 'authenticate' and e.result = 'success' and e.service is not null and not exists (
                    select 1 from card_events p where p.card_id = e.card_id and p.id < e.id and p.operation = 'authenticate'
                      and p.result = 'success' and p.service = e.service)) as first_use
          from card_events e join cards c on c.id = e.card_id join residents r on r.id = c.resident_id
          where e.id > ${Number(cursor.last_event_id)} and e.occurred_at <= ${before}
          order by e.id limit ${input.limit}`.execute(trx);
        if (rows.length === 0) return { read: 0, written: 0 };
        const items: NewNotification[] = [];
        for (const e of rows) {
          const kind = notificationForEvent({ operation: e.operation, result: e.result, slot: e.slot, remainingAfter: e.remaining_after, service: e.service, firstUseOfService: e.first_use });
          if (!kind) continue;
          const text = composeNotification(kind, { occurredAt: new Date(e.occurred_at), cardTail: cardTail(e.card_id), slot: e.slot, service: e.service, channel: e.channel });
          items.push({ cardId: e.card_id, residentId: e.resident_id, municipalityCode: e.municipality_code, kind, dedupeKey: `event:${e.id}`, eventId: Number(e.id), ...text, recipient: e.contact_email });
        }
        const written = await insertNotifications(trx, items, input.now, input.enqueue);
        await trx.updateTable('notification_cursors').set({ last_event_id: Number(rows.at(-1)!.id) }).where('name', '=', 'card_events').execute();
        return { read: rows.length, written };
      });
    },

    /** Reminders for current valid certificates ending within 90 days (and before the tax deadline), a page at a time. */
    async scanExpiry(input: { now: Date; pageSize: number; enqueue: Enqueue }): Promise<number> {
      const horizon = new Date(input.now.getTime() + 90 * 86_400_000);
      let after: { notAfter: Date; id: string } | null = null;
      let written = 0;
      for (;;) {
        const cut: { notAfter: Date; id: string } | null = after;
        const page: Array<{ id: string; card_id: string; kind: string; not_after: Date; resident_id: string; municipality_code: string; contact_email: string | null }> = await db
          .selectFrom('certificates as t')
          .innerJoin('cards as c', 'c.id', 't.card_id')
          .innerJoin('residents as r', 'r.id', 'c.resident_id')
          .select(['t.id', 't.card_id', 't.kind', 't.not_after', 'r.id as resident_id', 'r.municipality_code', 'r.contact_email'])
          .where('t.current', '=', true)
          .where('t.status', '=', 'valid')
          .where('c.status', '=', 'active')
          .where('t.not_after', '>', input.now)
          .where('t.not_after', '<=', horizon)
          .$if(cut !== null, (q) => q.where((eb) => eb.or([eb('t.not_after', '>', cut!.notAfter), eb.and([eb('t.not_after', '=', cut!.notAfter), eb('t.id', '>', cut!.id)])])))
          .orderBy('t.not_after')
          .orderBy('t.id')
          .limit(input.pageSize)
          .execute();
        if (page.length === 0) return written;
        const items: NewNotification[] = [];
        for (const t of page) {
          for (const r of expiryReminders(t.id, t.not_after, input.now)) {
            const text = composeNotification(r.kind, { occurredAt: input.now, cardTail: cardTail(t.card_id), certKind: t.kind as CertKind, notAfter: t.not_after });
            items.push({ cardId: t.card_id, residentId: t.resident_id, municipalityCode: t.municipality_code, kind: r.kind, dedupeKey: r.dedupeKey, eventId: null, ...text, recipient: t.contact_email });
          }
        }
        written += await auditedTransaction(db, (trx) => insertNotifications(trx, items, input.now, input.enqueue));
        const last = page[page.length - 1]!;
        after = { notAfter: last.not_after, id: last.id };
      }
    },

    async find(id: string): Promise<StoredNotification | null> {
      const r = await db
        .selectFrom('notifications as n')
        .innerJoin('residents as r', 'r.id', 'n.resident_id')
        .selectAll('n')
        .select('r.municipality_code')
        .where('n.id', '=', id)
        .executeTakeFirst();
      return r ? toStored(r) : null;
    },

    /** Delivered: the row and its audit entry in one commit. */
    async markSent(n: StoredNotification, transport: string, now: Date): Promise<void> {
      await auditedTransaction(db, async (trx) => {
        await trx.updateTable('notifications').set({ status: 'sent', transport, sent_at: now, attempts: sql`attempts + 1` }).where('id', '=', n.id).execute();
        await appendAuditEntries(trx, [audit(n, 'notification.sent', now, { transport, attempts: n.attempts + 1 })]);
      });
    },

    /** A failed try; `final`: no retry left, the notification is given up (and audited as such). */
    async markAttemptFailed(n: StoredNotification, error: string, final: boolean, now: Date): Promise<void> {
      await auditedTransaction(db, async (trx) => {
        await trx
          .updateTable('notifications')
          .set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 500), ...(final ? { status: 'failed' as const } : {}) })
          .where('id', '=', n.id)
          .execute();
        if (final) await appendAuditEntries(trx, [audit(n, 'notification.failed', now, { attempts: n.attempts + 1, error: error.slice(0, 200) })]);
      });
    },

    /** Newest first, for the development mailbox. */
    async list(limit: number): Promise<StoredNotification[]> {
      const rows = await db
        .selectFrom('notifications as n')
        .innerJoin('residents as r', 'r.id', 'n.resident_id')
        .selectAll('n')
        .select('r.municipality_code')
        .orderBy('n.created_at', 'desc')
        .orderBy('n.id')
        .limit(limit)
        .execute();
      return rows.map(toStored);
    },
  };
}

export type NotificationStore = ReturnType<typeof createNotificationStore>;

function audit(n: StoredNotification, action: string, now: Date, detail: Record<string, unknown>): AuditEntry {
  return {
    occurredAt: now,
    actorId: NOTIFIER_ACTOR.id,
    actorRole: NOTIFIER_ACTOR.role,
    municipalityCode: n.municipalityCode,
    action,
    targetType: 'card',
    targetId: n.cardId,
    reason: null,
    detail: { notificationId: n.id, kind: n.kind, ...detail },
  };
}

function toStored(r: {
  id: string;
  card_id: string;
  kind: string;
  status: StoredNotification['status'];
  recipient: string | null;
  transport: string | null;
  subject: string;
  body: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
  municipality_code: string;
}): StoredNotification {
  return {
    id: r.id,
    cardId: r.card_id,
    kind: r.kind,
    status: r.status,
    recipient: r.recipient,
    transport: r.transport,
    subject: r.subject,
    body: r.body,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    municipalityCode: r.municipality_code,
  };
}
