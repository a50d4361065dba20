import { sql, type RawBuilder } from 'kysely';
import type { ClientReportStore, DashboardRange, IncidentRow, LockCause, RateRow, StoredClientReport, UnlockRow } from '../../app/client-report-ports.js';
import type { ClientCause, ReportClass, ShownCode } from '../../domain/client-report.js';
import type { PinSlot } from '../../domain/pin-slot.js';
import type { Db } from './create-db.js';

// Client reports beside the card events (issue 11). The class of a report is the rule of
// src/domain/client-report.ts (classifyReport) written once more in SQL, so the dashboard and the per-app rates are
// counted in the database; test/contract/client-reports.test.ts holds the two to the same answers.

/** Reports in the range, restricted to one municipality's residents (then only reports naming a card) or all. */
function reportsIn(range: DashboardRange): RawBuilder<unknown> {
  const scope = range.municipalityCode === null
    ? sql``
    : sql`and exists (select 1 from cards c join residents res on res.id = c.resident_id where c.id = r.card_id and res.municipality_code = ${range.municipalityCode})`;
  return sql`
    select r.*,
      case
        when r.shown_code in ('SERVICE_BUSY', 'SERVICE_UNAVAILABLE') then 'outage'
        when r.card_id is null or r.shown_code = 'OTHER' then 'unverifiable'
        when exists (
          select 1 from card_events e
          where e.card_id = r.card_id
            and e.occurred_at >= r.received_at - interval '10 minutes'
            and e.occurred_at <= r.received_at + interval '1 minute'
            and (r.slot is null or e.slot = r.slot)
            and (case when e.result = 'incorrect' then (case when e.remaining_after = 0 then 'PIN_LOCKED' else 'PIN_INCORRECT' end)
                      when e.result in ('refused', 'held') then e.code end) = r.shown_code
        ) then 'agrees'
        when r.shown_code = 'PIN_LOCKED' and exists (
          select 1 from card_events l
          where l.card_id = r.card_id and l.slot is not null and l.occurred_at <= r.received_at
            and (r.slot is null or l.slot = r.slot)
            and ((l.result = 'incorrect' and l.remaining_after = 0) or l.code = 'PIN_LOCKED')
            and not exists (
              select 1 from card_events x
              where x.card_id = l.card_id and x.slot = l.slot and x.occurred_at > l.occurred_at and x.occurred_at <= r.received_at
                and (x.result = 'success' or (x.result = 'done' and x.operation in ('pin_set', 'counter_reset', 'kiosk_reset')))
            )
        ) then 'agrees'
        else 'mismatch'
      end as class
    from client_reports r
    where r.received_at >= ${range.from} and r.received_at < ${range.to} ${scope}`;
}

/** Card events of one municipality's residents, or all. */
function eventScope(range: DashboardRange, alias: string): RawBuilder<unknown> {
  if (range.municipalityCode === null) return sql``;
  return sql`and exists (select 1 from cards c join residents res on res.id = c.resident_id where c.id = ${sql.ref(`${alias}.card_id`)} and res.municipality_code = ${range.municipalityCode})`;
}

const JST_DAY = (column: string) => sql`to_char(${sql.ref(column)} at time zone 'Asia/Tokyo', 'YYYY-MM-DD')`;

export function createClientReportStore(db: Db): ClientReportStore {
  return {
    async insertWithinLimits(report, limits) {
      const since = new Date(report.receivedAt.getTime() - limits.windowMs);
      // One statement: the counts and the insert see the same snapshot; a refused report leaves no row.
      const { rows } = await sql<{ outcome: string }>`
        with counts as (
          select
            (select count(*)::int from client_reports where ${report.cardId}::uuid is not null and card_id = ${report.cardId}::uuid and received_at > ${since}) as per_card,
            (select count(*)::int from client_reports where source_kind = ${report.source.kind} and source_id = ${report.source.id} and received_at > ${since}) as per_source
        ),
        inserted as (
          insert into client_reports (card_id, received_at, shown_code, app, app_version, channel, service, terminal, slot, client_cause, source_kind, source_id, detail)
          select ${report.cardId}::uuid, ${report.receivedAt}, ${report.shownCode}, ${report.app}, ${report.appVersion}, ${report.channel}, ${report.service},
                 ${report.terminal}, ${report.slot}, ${report.clientCause}, ${report.source.kind}, ${report.source.id}, ${report.detail === null ? null : JSON.stringify(report.detail)}::jsonb
          from counts where per_card < ${limits.perCard} and per_source < ${limits.perSource}
          returning id
        )
        select case
          when exists (select 1 from inserted) then 'stored'
          when (select per_card from counts) >= ${limits.perCard} then 'card_limit'
          else 'source_limit' end as outcome`.execute(db);
      return rows[0]!.outcome as 'stored' | 'card_limit' | 'source_limit';
    },

    async listForCard(cardId, limit) {
      const rows = await db.selectFrom('client_reports').selectAll().where('card_id', '=', cardId).orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(
        (r): StoredClientReport => ({
          id: Number(r.id),
          cardId: r.card_id,
          receivedAt: new Date(r.received_at as unknown as string | Date),
          shownCode: r.shown_code as ShownCode,
          app: r.app,
          appVersion: r.app_version,
          channel: r.channel,
          service: r.service,
          terminal: r.terminal,
          slot: r.slot as PinSlot | null,
          clientCause: r.client_cause as ClientCause | null,
        }),
      );
    },

    async classified(range) {
      const { rows } = await sql<{ id: string | number; class: ReportClass }>`select id, class from (${reportsIn(range)}) c order by id`.execute(db);
      return rows.map((r) => ({ id: Number(r.id), class: r.class }));
    },

    async ratesByApp(range) {
      const { rows } = await sql<{ app: string; app_version: string; agrees: number; mismatch: number; outage: number; unverifiable: number }>`
        select app, app_version,
          count(*) filter (where class = 'agrees')::int as agrees,
          count(*) filter (where class = 'mismatch')::int as mismatch,
          count(*) filter (where class = 'outage')::int as outage,
          count(*) filter (where class = 'unverifiable')::int as unverifiable
        from (${reportsIn(range)}) c
        group by app, app_version
        order by count(*) filter (where class = 'mismatch') desc, app, app_version`.execute(db);
      return rows.map((r): RateRow => ({ app: r.app, appVersion: r.app_version, agrees: r.agrees, mismatch: r.mismatch, outage: r.outage, unverifiable: r.unverifiable }));
    },

    async incidents(range) {
      // Card events: the condition is a subset of card_events_incidents' predicate (migration 0012), so that index serves it.
      const { rows } = await sql<{ day: string; cause: LockCause; service: string | null; channel: string | null; count: number }>`
        select day, cause, service, channel, count(*)::int as count from (
          select ${JST_DAY('e.occurred_at')} as day,
            case when e.result = 'incorrect' or e.code = 'PIN_LOCKED' then 'real_lock'
                 when e.code like 'CERT\\_%' then 'certificate'
                 when e.code = 'RISK_HOLD' then 'risk_hold' end as cause,
            e.service, e.channel
          from card_events e
          where e.occurred_at >= ${range.from} and e.occurred_at < ${range.to}
            and ((e.result = 'incorrect' and e.remaining_after = 0)
              or (e.result in ('refused', 'held') and e.code is not null and e.code <> 'PIN_FORMAT' and (e.code = 'PIN_LOCKED' or e.code like 'CERT\\_%' or e.code = 'RISK_HOLD')))
            ${eventScope(range, 'e')}
          union all
          select ${JST_DAY('c.received_at')} as day, case when c.class = 'mismatch' then 'client_mismatch' else 'outage' end as cause, c.service, c.channel
          from (${reportsIn(range)}) c
          where c.class in ('mismatch', 'outage')
        ) i
        group by day, cause, service, channel
        order by day, cause`.execute(db);
      return rows.map((r): IncidentRow => ({ day: r.day, cause: r.cause, service: r.service, channel: r.channel, count: r.count }));
    },

    async unlocks(range) {
      const scope = range.municipalityCode === null ? sql`` : sql`and res.municipality_code = ${range.municipalityCode}`;
      const { rows } = await sql<{ day: string; channel: string | null; municipality_code: string; count: number }>`
        select ${JST_DAY('e.occurred_at')} as day, e.channel, res.municipality_code, count(*)::int as count
        from card_events e
        join cards c on c.id = e.card_id
        join residents res on res.id = c.resident_id
        where e.occurred_at >= ${range.from} and e.occurred_at < ${range.to}
          and e.operation in ('counter_reset', 'kiosk_reset') and e.result in ('done', 'success')
          ${scope}
        group by 1, 2, 3
        order by 1, 3, 2`.execute(db);
      return rows.map((r): UnlockRow => ({ day: r.day, channel: r.channel, municipalityCode: r.municipality_code, count: r.count }));
    },
  };
}
