// What a client (an app, a service, a reader) reports it SHOWED a person when it refused them (issue 11), and how a
// report compares with the card's own event history, which is the authority (DOMAIN.md §1, §3). The seed story: an
// app said "locked" for months while the card's slots were never locked. A report never changes a counter; it is
// only set beside the record, so that the difference can be named.

import { ERROR_CODES, type ErrorCode } from './errors.js';
import type { PinSlot } from './pin-slot.js';

/** What the client displayed: one of Kagiya's codes, or OTHER (its own words, not one of ours). */
export type ShownCode = ErrorCode | 'OTHER';
export const SHOWN_CODES: readonly ShownCode[] = [...ERROR_CODES, 'OTHER'];

/** What the client itself knows went wrong before or around the refusal (optional; the client's own account). */
export const CLIENT_CAUSES = ['nfc_read_failed', 'network_error', 'timeout', 'card_not_presented', 'other'] as const;
export type ClientCause = (typeof CLIENT_CAUSES)[number];

/** Our own outage shown to the client (DOMAIN.md §3: never a lock). */
export const OUTAGE_CODES: ReadonlySet<string> = new Set(['SERVICE_BUSY', 'SERVICE_UNAVAILABLE']);

export type ClientReportRecord = Readonly<{
  receivedAt: Date;
  shownCode: ShownCode;
  app: string;
  appVersion: string;
  channel: string | null;
  service: string | null;
  terminal: string | null;
  /** The PIN the refusal was about, when the client knows it. */
  slot: PinSlot | null;
  clientCause: ClientCause | null;
}>;

/** A card event as far as the comparison needs it. */
export type EventForComparison = Readonly<{
  occurredAt: Date;
  operation: string;
  slot: PinSlot | null;
  result: string;
  code: string | null;
  remainingAfter?: number | null;
}>;

/**
 * agrees: the record shows the same refusal at that time; mismatch: it does not; outage: the client showed our own
 * outage (counted as ours, not compared); unverifiable: no card named, or the client showed words of its own.
 */
export type ReportClass = 'agrees' | 'mismatch' | 'outage' | 'unverifiable';

/** How far before a report (and after, for clock skew) an event counts as the one the client was answering. */
export const MATCH_BEFORE_MS = 10 * 60_000;
export const MATCH_AFTER_MS = 60_000;

/** Operations that write a PIN and restore its counter (as in diagnosis.ts). */
const RESTORING = new Set(['pin_set', 'counter_reset', 'kiosk_reset']);

/** The code a person was answered with by this event, as an ERROR code; null for a success or a change. */
export function codeShownByEvent(e: EventForComparison): string | null {
  if (e.result === 'incorrect') return e.remainingAfter === 0 ? 'PIN_LOCKED' : 'PIN_INCORRECT';
  if (e.result === 'refused' || e.result === 'held') return e.code;
  return null;
}

function restores(e: EventForComparison): boolean {
  return e.result === 'success' || (e.result === 'done' && RESTORING.has(e.operation));
}

function locks(e: EventForComparison): boolean {
  return (e.result === 'incorrect' && e.remainingAfter === 0) || e.code === 'PIN_LOCKED';
}

/** Whether `slot` (any slot when null) was locked at `at`, from the history alone. */
export function lockedAt(events: ReadonlyArray<EventForComparison>, slot: PinSlot | null, at: Date): boolean {
  const before = events.filter((e) => e.occurredAt.getTime() <= at.getTime()).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const state = new Map<string, boolean>();
  for (const e of before) {
    if (e.slot === null) continue;
    if (locks(e)) state.set(e.slot, true);
    else if (restores(e)) state.set(e.slot, false);
  }
  return slot === null ? [...state.values()].some(Boolean) : state.get(slot) === true;
}

/** The events a report may have been answering: on its slot (if named), shortly before it. */
export function eventsNear(events: ReadonlyArray<EventForComparison>, report: ClientReportRecord): EventForComparison[] {
  const t = report.receivedAt.getTime();
  return events.filter((e) => {
    const d = t - e.occurredAt.getTime();
    return d <= MATCH_BEFORE_MS && d >= -MATCH_AFTER_MS && (report.slot === null || e.slot === report.slot);
  });
}

/**
 * Compares one report with the card's history (every event of the card; `hasCard` false for a report naming no
 * card). The same rule runs in SQL for the dashboard and the per-app rates (adapters/db/client-report-store.ts);
 * a contract test holds the two together.
 */
export function classifyReport(report: ClientReportRecord, events: ReadonlyArray<EventForComparison> | null): ReportClass {
  if (OUTAGE_CODES.has(report.shownCode)) return 'outage';
  if (report.shownCode === 'OTHER' || events === null) return 'unverifiable';
  if (eventsNear(events, report).some((e) => codeShownByEvent(e) === report.shownCode)) return 'agrees';
  if (report.shownCode === 'PIN_LOCKED' && lockedAt(events, report.slot, report.receivedAt)) return 'agrees';
  return 'mismatch';
}
