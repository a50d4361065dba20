import { sql, type Selectable } from 'kysely';
import type { RiskHold, RiskStore, ServiceFlag, SourceBlock } from '../../app/risk-ports.js';
import { hotQuery, type Db } from './create-db.js';
import type { CardRiskHoldTable, RiskServiceFlagTable, RiskSourceBlockTable } from './schema.js';

// Storage of risk detection (migration 0017). Counts are indexed range reads over a short window; the hot PIN
// statement itself only probes risk_source_blocks by primary key and card_risk_holds by its partial unique index.

/**
 * The figures of the rules after a failed entry, as one prepared statement (it runs on every wrong PIN, before the
 * answer, docs/decisions.md "hot path"). The failure itself was recorded by the PIN statement, in the same commit as
 * its event (card-attempt.sql.ts); the counts run after that commit, in a snapshot of their own, so that parallel
 * failures of one source see each other (a burst is stopped at the threshold plus the entries in flight, not later).
 */
const FAILURE_FIGURES_SQL = `/* prepared:risk_figures */
select
  (select count(distinct card_id) from risk_failures
    where $2::text is not null and source_key = $2::text and occurred_at > $3::timestamptz) as source_cards,
  (select count(distinct address) from risk_failures where card_id = $1::uuid and occurred_at > $4::timestamptz) as addresses,
  (select count(distinct service) from risk_failures where card_id = $1::uuid and occurred_at > $5::timestamptz) as services`;

const json = (value: unknown) => JSON.stringify(value);
const record = (value: unknown) => (value ?? {}) as Readonly<Record<string, unknown>>;

const toBlock = (r: Selectable<RiskSourceBlockTable>): SourceBlock => ({
  sourceKey: r.source_key,
  rule: r.rule,
  figures: record(r.figures),
  blockedAt: r.blocked_at,
  blockedUntil: r.blocked_until,
  refused: Number(r.refused),
  liftedAt: r.lifted_at,
  liftedBy: r.lifted_by,
});

const toHold = (r: Selectable<CardRiskHoldTable>): RiskHold => ({
  id: r.id,
  cardId: r.card_id,
  rule: r.rule,
  figures: record(r.figures),
  heldAt: r.held_at,
  releasedAt: r.released_at,
  releasedBy: r.released_by,
  releaseKind: r.release_kind,
  releaseReason: r.release_reason,
});

const toFlag = (r: Selectable<RiskServiceFlagTable>): ServiceFlag => ({
  id: r.id,
  service: r.service,
  rule: r.rule,
  figures: record(r.figures),
  flaggedAt: r.flagged_at,
  updatedAt: r.updated_at,
  dismissedAt: r.dismissed_at,
  dismissedBy: r.dismissed_by,
});

export function createRiskStore(db: Db): RiskStore {
  return {
    async failureFigures({ cardId, sourceKey, sourceSince, addressesSince, servicesSince }) {
      const row = (await hotQuery(db)<{ source_cards: string; addresses: string; services: string }>(FAILURE_FIGURES_SQL, [
        cardId,
        sourceKey,
        sourceSince,
        addressesSince,
        servicesSince,
      ]))[0];
      return { sourceCards: Number(row?.source_cards ?? 0), addresses: Number(row?.addresses ?? 0), services: Number(row?.services ?? 0) };
    },

    async refuseIfBlocked(sourceKey, now) {
      const row = await db
        .updateTable('risk_source_blocks')
        .set((eb) => ({ refused: eb('refused', '+', 1) }))
        .where('source_key', '=', sourceKey)
        .where('blocked_until', '>', now)
        .where('lifted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toBlock(row) : null;
    },

    async blockSource(decision, now) {
      // A source whose earlier block ended (or was lifted) is blocked again with the new figures.
      const row = await db
        .insertInto('risk_source_blocks')
        .values({ source_key: decision.sourceKey, rule: decision.rule, figures: json(decision.figures), blocked_at: now, blocked_until: decision.until })
        .onConflict((oc) =>
          oc.column('source_key').doUpdateSet({
            rule: decision.rule,
            figures: json(decision.figures),
            blocked_at: now,
            blocked_until: decision.until,
            refused: 0,
            lifted_at: null,
            lifted_by: null,
          }).where((eb) => eb.or([eb('risk_source_blocks.blocked_until', '<=', now), eb('risk_source_blocks.lifted_at', 'is not', null)])),
        )
        .returning('source_key')
        .executeTakeFirst();
      return row !== undefined;
    },

    async liftBlock(sourceKey, by, now) {
      const row = await db
        .updateTable('risk_source_blocks')
        .set({ lifted_at: now, lifted_by: by })
        .where('source_key', '=', sourceKey)
        .where('blocked_until', '>', now)
        .where('lifted_at', 'is', null)
        .returning('source_key')
        .executeTakeFirst();
      return row !== undefined;
    },

    async listBlocks(since) {
      const rows = await db.selectFrom('risk_source_blocks').selectAll().where('blocked_until', '>', since).orderBy('blocked_at', 'desc').limit(500).execute();
      return rows.map(toBlock);
    },

    async activeHold(cardId) {
      const row = await db.selectFrom('card_risk_holds').selectAll().where('card_id', '=', cardId).where('released_at', 'is', null).executeTakeFirst();
      return row ? toHold(row) : null;
    },

    async holds(cardId) {
      const rows = await db.selectFrom('card_risk_holds').selectAll().where('card_id', '=', cardId).orderBy('held_at', 'desc').limit(50).execute();
      return rows.map(toHold);
    },

    async placeHold({ id, cardId, decision, now }) {
      const row = await db
        .insertInto('card_risk_holds')
        .values({ id, card_id: cardId, rule: decision.rule, figures: json(decision.figures), held_at: now })
        .onConflict((oc) => oc.column('card_id').where('released_at', 'is', null).doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ? toHold(row) : null;
    },

    async releaseHold({ cardId, by, kind, reason, now }) {
      const row = await db
        .updateTable('card_risk_holds')
        .set({ released_at: now, released_by: by, release_kind: kind, release_reason: reason })
        .where('card_id', '=', cardId)
        .where('released_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toHold(row) : null;
    },

    async serviceFigures(since, maxEvents) {
      // Bounded by the primary key: at most the newest `maxEvents` events are read, never the whole history.
      const rows = await sql<{ service: string; attempts: string; failures: string }>`
        select service, count(*) as attempts, count(*) filter (where result = 'incorrect') as failures
        from card_events
        where id > (select coalesce(max(id), 0) from card_events) - ${maxEvents}
          and occurred_at > ${since} and service is not null and result in ('success', 'incorrect')
        group by service`.execute(db);
      return rows.rows.map((r) => ({ service: r.service, attempts: Number(r.attempts), failures: Number(r.failures) }));
    },

    async upsertFlag({ id, decision, now }) {
      const updated = await db
        .updateTable('risk_service_flags')
        .set({ figures: json(decision.figures), updated_at: now })
        .where('service', '=', decision.service)
        .where('dismissed_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (updated) return 'updated';
      const inserted = await db
        .insertInto('risk_service_flags')
        .values({ id, service: decision.service, rule: decision.rule, figures: json(decision.figures), flagged_at: now, updated_at: now })
        .onConflict((oc) => oc.column('service').where('dismissed_at', 'is', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted ? 'new' : 'updated';
    },

    async listFlags({ includeDismissed }) {
      let q = db.selectFrom('risk_service_flags').selectAll().orderBy('flagged_at', 'desc').limit(500);
      if (!includeDismissed) q = q.where('dismissed_at', 'is', null);
      return (await q.execute()).map(toFlag);
    },

    async dismissFlag(id, by, now) {
      const row = await db
        .updateTable('risk_service_flags')
        .set({ dismissed_at: now, dismissed_by: by })
        .where('id', '=', id)
        .where('dismissed_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toFlag(row) : null;
    },

    async prune(before) {
      const result = await db.deleteFrom('risk_failures').where('occurred_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows ?? 0);
    },
  };
}
