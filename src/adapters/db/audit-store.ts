import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AuditEntry, AuditRecord, AuditStore } from '../../app/counter-ports.js';
import type { AuditLogTable, Database } from './schema.js';

type Executor = Kysely<Database> | Transaction<Database>;
const GENESIS = Buffer.alloc(32);

// jsonb reorders object keys, so the hashed form sorts them: the chain re-checks from the table alone.
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

// The content a row's hash covers, in a fixed order.
function canonical(e: AuditEntry & { occurredAt: Date }): string {
  return stable([
    e.occurredAt.toISOString(),
    e.actorId,
    e.actorRole,
    e.municipalityCode,
    e.action,
    e.targetType,
    e.targetId,
    e.reason,
    e.detail ?? null,
  ]);
}

export function chainHash(prev: Uint8Array, entry: AuditEntry & { occurredAt: Date }): Buffer {
  return createHash('sha256').update(prev).update(canonical(entry)).digest();
}

function rowToEntry(r: Selectable<AuditLogTable>): AuditEntry & { occurredAt: Date } {
  return {
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    municipalityCode: r.municipality_code,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    reason: r.reason,
    detail: (r.detail as Record<string, unknown> | null) ?? null,
  };
}

/** Append-only, hash-chained audit log. Appends serialise on an advisory lock so the chain never forks. */
export function createAuditStore(db: Executor): AuditStore {
  return {
    async append(entry) {
      // Transaction-scoped lock: released at the commit of the action being audited.
      await appendAuditEntries(db, [entry]);
    },

    async list({ municipalityCode, targetId, limit, beforeSeq }) {
      let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(limit);
      if (municipalityCode !== undefined) q = q.where('municipality_code', '=', municipalityCode);
      if (targetId !== undefined) q = q.where('target_id', '=', targetId);
      if (beforeSeq !== undefined) q = q.where('seq', '<', beforeSeq);
      const rows = await q.execute();
      return rows.map(
        (r): AuditRecord => ({
          ...rowToEntry(r),
          seq: Number(r.seq),
          hash: Buffer.from(r.hash).toString('hex'),
          // Row-local check: the row still hashes to its stored hash over its stored predecessor.
          intact: chainHash(r.prev_hash, rowToEntry(r)).equals(Buffer.from(r.hash)),
        }),
      );
    },

    async verifyChain() {
      let prev: Buffer = GENESIS;
      let checked = 0;
      let after = 0;
      for (;;) {
        const rows = await db.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(1000).execute();
        if (rows.length === 0) return { ok: true, checked };
        for (const r of rows) {
          if (!Buffer.from(r.prev_hash).equals(prev) || !chainHash(prev, rowToEntry(r)).equals(Buffer.from(r.hash))) {
            return { ok: false, checked, brokenAt: Number(r.seq) };
          }
          prev = Buffer.from(r.hash);
          checked += 1;
          after = Number(r.seq);
        }
      }
    },
  };
}

/** The advisory lock key that serialises appends to the audit chain. */
export const AUDIT_CHAIN_LOCK = 7202611;

/** Takes the audit chain's lock for the rest of the transaction (taken again in the same transaction, it does not wait). */
export async function lockAuditChain(db: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_CHAIN_LOCK)})`.execute(db);
}

/**
 * A transaction that may append to the audit log, with the chain's lock taken first, before any row it changes.
 * Appends serialise on that lock until commit; taken halfway instead, it closes a cycle with any transaction that
 * holds it and waits for a row this one changed (a reissue revoking a card that a suspension has just updated, a mass
 * job's cards against a counter step): PostgreSQL breaks such a deadlock by failing one of them. Taken first, audited
 * transactions queue for the lock while holding nothing else.
 */
export function auditedTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await lockAuditChain(trx);
    return work(trx);
  });
}

/**
 * Appends many entries in order, inside the caller's transaction, as one chain segment: the lock and the last hash
 * are taken once and the rows inserted in chunks (the mass jobs and the notifier write one entry per card).
 */
export async function appendAuditEntries(db: Executor, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await lockAuditChain(db);
  const last = await db.selectFrom('audit_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let prev: Buffer = last ? Buffer.from(last.hash) : GENESIS;
  const rows = entries.map((entry) => {
    const hash = chainHash(prev, entry);
    const row = {
      occurred_at: entry.occurredAt,
      actor_id: entry.actorId,
      actor_role: entry.actorRole,
      municipality_code: entry.municipalityCode,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      reason: entry.reason,
      detail: entry.detail === undefined || entry.detail === null ? null : JSON.stringify(entry.detail),
      prev_hash: prev,
      hash,
    };
    prev = hash;
    return row;
  });
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('audit_log').values(rows.slice(i, i + 500)).execute();
}
