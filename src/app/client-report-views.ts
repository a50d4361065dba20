import type { Actor } from '../domain/actor.js';
import { compareClientReports, type ClientReportSummary } from '../domain/client-mismatch.js';
import { LOCK_CAUSES, type DashboardRange, type IncidentRow, type LockCause, type RateRow, type StoredClientReport, type UnlockRow } from './client-report-ports.js';
import type { ClientReportDeps } from './submit-client-report.js';
import type { CounterDeps } from './counter-ports.js';
import { auditEntry, permitted } from './counter-step.js';
import { fail, ok, type Outcome } from './outcome.js';
import type { AppDeps, CardEvent } from './ports.js';

// What clients showed, set beside the record: for one card (the counter's diagnosis and the holder's portal), per app
// and version (national admin), and as lock incidents per day (the counter's dashboard).

/** Reports and events read for one card: enough for a year of an ordinary card, bounded for a flooded one. */
export const CARD_REPORTS = 200;
export const CARD_HISTORY = 2000;

export type CardClientReports = Readonly<{ reports: StoredClientReport[]; summary: ClientReportSummary }>;

/** The card's reports and, when they disagree with its events, the one sentence that says so. */
export async function cardClientReports(deps: Pick<AppDeps, 'cards'> & Pick<ClientReportDeps, 'clientReports'>, cardId: string, events?: readonly CardEvent[]): Promise<CardClientReports> {
  const reports = await deps.clientReports.listForCard(cardId, CARD_REPORTS);
  if (reports.length === 0) return { reports, summary: { tally: { agrees: 0, mismatch: 0, outage: 0, unverifiable: 0 }, mismatch: null } };
  const history = events ?? (await deps.cards.listEvents(cardId, { limit: CARD_HISTORY }));
  return { reports, summary: compareClientReports(reports, history) };
}

export type RangeInput = Readonly<{ days: number; municipalityCode?: string | undefined }>;

const DAY = 86_400_000;

function rangeOf(now: Date, days: number, municipalityCode: string | null): DashboardRange {
  // Whole JST days: from the start (00:00 JST) of the first day to now.
  const jstMidnight = Math.floor((now.getTime() + 9 * 3_600_000) / DAY) * DAY - 9 * 3_600_000;
  return { from: new Date(jstMidnight - (days - 1) * DAY), to: new Date(now.getTime() + 1), municipalityCode };
}

export type MismatchRates = Readonly<{ from: Date; to: Date; rows: RateRow[] }>;

/** The mismatch rate per app and version, nationwide: national admin only (issue 11 item 1). */
export async function mismatchRates(deps: CounterDeps, actor: Actor, input: RangeInput): Promise<Outcome<MismatchRates>> {
  if (actor.role !== 'national_admin') return fail('FORBIDDEN');
  const now = deps.clock();
  const range = rangeOf(now, input.days, null);
  await deps.counter.run((s) => s.audit.append(auditEntry(actor, now, 'client_reports.rates_viewed', { type: 'report', id: 'client-mismatch-rates', municipalityCode: null }, { days: input.days })));
  return ok({ from: range.from, to: range.to, rows: await deps.clientReports.ratesByApp(range) });
}

export type LockDashboard = Readonly<{ from: Date; to: Date; municipalityCode: string | null; incidents: IncidentRow[]; unlocks: UnlockRow[] }>;

/**
 * Lock incidents per day by cause, service and channel, and unlocks by channel and municipality. Staff see their
 * municipality only; national roles see all, or one municipality when they ask for it.
 */
export async function lockDashboard(deps: CounterDeps, actor: Actor, input: RangeInput): Promise<Outcome<LockDashboard>> {
  if (!permitted(actor, 'counter.read', null)) return fail('FORBIDDEN');
  const asked = input.municipalityCode ?? null;
  if (asked !== null && actor.municipalityCode !== null && asked !== actor.municipalityCode) return fail('FORBIDDEN');
  const now = deps.clock();
  const range = rangeOf(now, input.days, actor.municipalityCode ?? asked);
  await deps.counter.run((s) => s.audit.append(auditEntry(actor, now, 'locks.dashboard_viewed', { type: 'report', id: 'lock-dashboard', municipalityCode: range.municipalityCode }, { days: input.days })));
  const [incidents, unlocks] = await Promise.all([deps.clientReports.incidents(range), deps.clientReports.unlocks(range)]);
  return ok({ from: range.from, to: range.to, municipalityCode: range.municipalityCode, incidents, unlocks });
}

export type DashboardSummary = Readonly<{
  days: string[];
  byDay: Array<{ day: string } & Record<LockCause, number>>;
  byService: Array<{ service: string | null } & Record<LockCause, number>>;
  byChannel: Array<{ channel: string | null } & Record<LockCause, number>>;
  unlocksByDay: Array<{ day: string; count: number }>;
  unlocksByChannel: Array<{ channel: string | null; count: number }>;
  unlocksByMunicipality: Array<{ municipalityCode: string; count: number }>;
}>;

const zero = (): Record<LockCause, number> => ({ real_lock: 0, client_mismatch: 0, certificate: 0, risk_hold: 0, outage: 0 });

/** Every JST day of the range, so a chart's axis has no gaps. */
export function jstDays(from: Date, to: Date): string[] {
  const out: string[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += DAY) out.push(new Date(t + 9 * 3_600_000).toISOString().slice(0, 10));
  return out;
}

/** The rows grouped the ways the dashboard shows them: per day, per service, per channel (each by cause). */
export function summariseDashboard(d: LockDashboard): DashboardSummary {
  const days = jstDays(d.from, d.to);
  const byDay = new Map(days.map((day) => [day, { day, ...zero() }]));
  const byService = new Map<string | null, { service: string | null } & Record<LockCause, number>>();
  const byChannel = new Map<string | null, { channel: string | null } & Record<LockCause, number>>();
  for (const r of d.incidents) {
    const dayRow = byDay.get(r.day);
    if (dayRow) dayRow[r.cause] += r.count;
    if (!byService.has(r.service)) byService.set(r.service, { service: r.service, ...zero() });
    byService.get(r.service)![r.cause] += r.count;
    if (!byChannel.has(r.channel)) byChannel.set(r.channel, { channel: r.channel, ...zero() });
    byChannel.get(r.channel)![r.cause] += r.count;
  }
  const total = (x: Record<LockCause, number>) => LOCK_CAUSES.reduce((n, c) => n + x[c], 0);
  const unlocksByDay = new Map(days.map((day) => [day, 0]));
  const unlocksByChannel = new Map<string | null, number>();
  const unlocksByMunicipality = new Map<string, number>();
  for (const u of d.unlocks) {
    if (unlocksByDay.has(u.day)) unlocksByDay.set(u.day, unlocksByDay.get(u.day)! + u.count);
    unlocksByChannel.set(u.channel, (unlocksByChannel.get(u.channel) ?? 0) + u.count);
    unlocksByMunicipality.set(u.municipalityCode, (unlocksByMunicipality.get(u.municipalityCode) ?? 0) + u.count);
  }
  return {
    days,
    byDay: [...byDay.values()],
    byService: [...byService.values()].sort((a, b) => total(b) - total(a)),
    byChannel: [...byChannel.values()].sort((a, b) => total(b) - total(a)),
    unlocksByDay: [...unlocksByDay].map(([day, count]) => ({ day, count })),
    unlocksByChannel: [...unlocksByChannel].map(([channel, count]) => ({ channel, count })).sort((a, b) => b.count - a.count),
    unlocksByMunicipality: [...unlocksByMunicipality].map(([municipalityCode, count]) => ({ municipalityCode, count })).sort((a, b) => b.count - a.count),
  };
}
