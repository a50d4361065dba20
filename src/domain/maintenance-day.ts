// The national maintenance day: no card procedures at any counter (DOMAIN.md §4).
// It is "the Sunday after the third Saturday", which is not always the third Sunday: in a month that starts on
// a Sunday the third Sunday comes before the third Saturday (2026-11: third Sunday the 15th, maintenance the 22nd).
// Dates are 'YYYY-MM-DD' in JST, as in card-validity.ts; instants go through jstDate first.

import { jstDate } from './card-validity.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SATURDAY = 6;

function utcMidnight(y: number, m: number, d: number): Date {
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  instant.setUTCFullYear(y, m - 1, d);
  return instant;
}

// A malformed date is a caller bug (the boundary validates), so it throws, as card-validity.ts does.
function parse(date: string): { y: number; m: number; d: number } {
  const match = DATE.exec(date);
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    const probe = utcMidnight(y, m, d);
    // Date rolls 2026-02-30 over to March; a round trip that changes the month or day means "no such date".
    if (m >= 1 && m <= 12 && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d) return { y, m, d };
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
}

/** Day of the month (16–22) of the maintenance Sunday in the given month (`month` 1–12). */
export function maintenanceDayOfMonth(year: number, month: number): number {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`not a month: ${year}-${month}`);
  }
  const weekdayOfFirst = utcMidnight(year, month, 1).getUTCDay();
  const firstSaturday = 1 + ((SATURDAY - weekdayOfFirst + 7) % 7);
  // Third Saturday is two weeks after the first; the maintenance day is the day after it.
  return firstSaturday + 14 + 1;
}

/** The maintenance day of the month `date` falls in, as 'YYYY-MM-DD'. */
export function maintenanceDayOf(date: string): string {
  const { y, m } = parse(date);
  const day = maintenanceDayOfMonth(y, m);
  return `${date.slice(0, 8)}${String(day).padStart(2, '0')}`;
}

/** True when `date` (YYYY-MM-DD, JST) is the national maintenance day: the Sunday after the third Saturday. */
export function isMaintenanceDay(date: string): boolean {
  return maintenanceDayOf(date) === date;
}

/** The same question for an instant, read on the JST calendar (a counter in Japan, whatever the server's zone). */
export function isMaintenanceInstant(now: Date): boolean {
  return isMaintenanceDay(jstDate(now));
}
