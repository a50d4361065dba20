import { publishedStatus, isCrlReason } from '../../domain/revocation.js';
import { buildCrl, type CrlEntry } from '../pki/crl-builder.js';
import type { CaEntry } from './ca-store.js';
import type { Db } from './create-db.js';

export type CrlPublisherOptions = Readonly<{
  /** nextUpdate − thisUpdate. */
  validityMs: number;
  /** A CRL older than this is rebuilt even without a change (well before its nextUpdate). */
  refreshMs: number;
}>;

export interface CrlPublisher {
  /**
   * The CA's newest CRL (DER), rebuilt first if any certificate's status changed since it was built; null when
   * concurrent rebuilds kept winning the race for longer than a request should wait.
   */
  current(ca: CaEntry): Promise<Buffer | null>;
}

/**
 * CRLs kept in the database with their number (RFC 5280 §5.2.3: monotonically increasing per CA, across every
 * server process). A trigger bumps `ca_crls.revision` in the transaction that changes a certificate's status; a
 * request that finds the stored CRL behind its revision builds the next one, so a suspension or revocation is in
 * the CRL served right after it commits. Unchanged CRLs are served from memory after one small read.
 */
const MAX_ROUNDS = 20;

export function createCrlPublisher(db: Db, clock: () => Date, options: CrlPublisherOptions): CrlPublisher {
  const memory = new Map<string, { crlNumber: number; der: Buffer }>();

  const readState = (caId: string) =>
    db.selectFrom('ca_crls').select(['revision', 'crl_number', 'built_revision', 'this_update']).where('ca_id', '=', caId).executeTakeFirst();

  async function entries(caId: string, now: Date): Promise<CrlEntry[]> {
    const rows = await db
      .selectFrom('certificates')
      .select(['serial_hex', 'status', 'status_changed_at', 'crl_reason'])
      .where('ca_id', '=', caId)
      .where('status', '<>', 'valid')
      .orderBy('serial_hex')
      .execute();
    return rows.flatMap((r) => {
      const published = publishedStatus(r.status, r.status_changed_at, isCrlReason(r.crl_reason) ? r.crl_reason : null, now);
      return published.state === 'revoked' ? [{ serialHex: r.serial_hex, revokedAt: published.revokedAt, reason: published.reason }] : [];
    });
  }

  async function build(ca: CaEntry, state: Awaited<ReturnType<typeof readState>>): Promise<boolean> {
    const now = clock();
    // The revision is read before the entries, so the entries are at least that new.
    const revision = state?.revision ?? 0;
    const crlNumber = (state?.crl_number ?? 0) + 1;
    const der = buildCrl({
      ca: ca.material,
      crlNumber,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + options.validityMs),
      entries: await entries(ca.id, now),
    });
    const values = { crl_number: crlNumber, built_revision: revision, this_update: now, next_update: new Date(now.getTime() + options.validityMs), der };
    if (!state) {
      const inserted = await db
        .insertInto('ca_crls')
        .values({ ca_id: ca.id, revision: 0, ...values })
        .onConflict((oc) => oc.column('ca_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
    } else {
      // Only if nobody stored a newer CRL meanwhile: numbers never repeat.
      const updated = await db.updateTable('ca_crls').set(values).where('ca_id', '=', ca.id).where('crl_number', '=', state.crl_number).executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return false;
    }
    memory.set(ca.id, { crlNumber, der });
    return true;
  }

  return {
    async current(ca) {
      // What the answer must include: every status change committed before this request (the revision read now).
      // A CRL another process built from that revision or a later one is as good as one built here.
      const first = await readState(ca.id);
      const wanted = first?.revision ?? 0;
      for (let attempt = 0; attempt < MAX_ROUNDS; attempt += 1) {
        const state = attempt === 0 ? first : await readState(ca.id);
        const fresh =
          state !== undefined &&
          state.built_revision !== null &&
          state.built_revision >= wanted &&
          state.this_update !== null &&
          clock().getTime() - state.this_update.getTime() < options.refreshMs;
        if (!fresh) {
          if (await build(ca, state)) return memory.get(ca.id)!.der;
          // Another process stored a CRL meanwhile: wait a moment (jittered, so racing builders spread out), read again.
          await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8 * (attempt + 1)));
          continue;
        }
        const cached = memory.get(ca.id);
        if (cached && cached.crlNumber === state.crl_number) return cached.der;
        const row = await db.selectFrom('ca_crls').select(['crl_number', 'der']).where('ca_id', '=', ca.id).executeTakeFirst();
        if (row?.der && row.crl_number === state.crl_number) {
          const der = Buffer.from(row.der);
          memory.set(ca.id, { crlNumber: row.crl_number, der });
          return der;
        }
      }
      // Still racing other builders after every round: our load, answered as such (SERVICE_BUSY), never a 500.
      return null;
    },
  };
}
