import { describe, expect, it } from 'vitest';
import { isMaintenanceDay, isMaintenanceInstant, maintenanceDayOf, maintenanceDayOfMonth } from './maintenance-day.js';

describe('maintenanceDayOf', () => {
  it.each([
    ['a month starting on Saturday: Saturdays 1, 8, 15', '2026-08-10', '2026-08-16'],
    ['a month starting on Sunday, where it is not the third Sunday (15th)', '2026-11-01', '2026-11-22'],
    ['February starting on Sunday', '2026-02-27', '2026-02-22'],
    ['a month starting on Thursday: Saturdays 3, 10, 17', '2026-01-31', '2026-01-18'],
    ['a month starting on Friday: Saturdays 2, 9, 16', '2026-05-05', '2026-05-17'],
    ['a month starting on Monday: Saturdays 6, 13, 20', '2025-12-24', '2025-12-21'],
    ['a leap February starting on Sunday: Saturdays 7, 14, 21', '2032-02-29', '2032-02-22'],
  ])('finds it in %s', (_name, date, expected) => {
    expect(maintenanceDayOf(date)).toBe(expected);
  });

  it('always lands on a Sunday between the 16th and the 22nd', () => {
    for (let month = 1; month <= 12; month += 1) {
      for (const year of [2025, 2026, 2027, 2028]) {
        const day = maintenanceDayOfMonth(year, month);
        expect(day).toBeGreaterThanOrEqual(16);
        expect(day).toBeLessThanOrEqual(22);
        expect(new Date(Date.UTC(year, month - 1, day)).getUTCDay()).toBe(0);
        expect(new Date(Date.UTC(year, month - 1, day - 1)).getUTCDay()).toBe(6);
      }
    }
  });
});

describe('isMaintenanceDay', () => {
  it.each([
    ['the Sunday after the third Saturday', '2026-08-16', true],
    ['the third Saturday itself', '2026-08-15', false],
    ['the following Monday', '2026-08-17', false],
    ['the third Sunday when it comes before the third Saturday', '2026-11-15', false],
    ['the fourth Sunday when it follows the third Saturday', '2026-11-22', true],
    ['the first Sunday of a Sunday-start month', '2026-11-01', false],
    ['an ordinary weekday', '2026-03-10', false],
  ])('%s (%s) → %s', (_name, date, expected) => {
    expect(isMaintenanceDay(date)).toBe(expected);
  });

  it.each(['2026-8-16', '2026-02-30', '2026-13-01', 'sunday', ''])('throws on a malformed date %j', (bad) => {
    expect(() => isMaintenanceDay(bad)).toThrow(RangeError);
  });
});

describe('isMaintenanceInstant', () => {
  it.each([
    ['reads 00:00 JST on the day as the day (15:00Z the day before)', '2026-08-15T15:00:00.000Z', true],
    ['reads 23:59 JST on the day as the day', '2026-08-16T14:59:59.000Z', true],
    ['reads 23:59 JST the Saturday before as not the day, though UTC says the 15th', '2026-08-15T14:59:59.000Z', false],
    ['reads 00:00 JST on Monday as over, though UTC still says the 16th', '2026-08-16T15:00:00.000Z', false],
  ])('%s', (_name, iso, expected) => {
    expect(isMaintenanceInstant(new Date(iso))).toBe(expected);
  });
});
