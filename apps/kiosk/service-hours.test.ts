import { describe, expect, it } from 'vitest';
import { checkServiceHours } from './service-hours.js';

const jst = (iso: string) => new Date(`${iso}+09:00`);

describe('convenience-store service hours (06:30–23:00 JST)', () => {
  it.each([
    ['2026-12-02T06:30:00', true],
    ['2026-12-02T12:00:00', true],
    ['2026-12-02T22:59:59', true],
    ['2026-12-02T23:00:00', false],
    ['2026-12-02T06:29:59', false],
    ['2026-12-02T00:00:00', false],
  ])('at %s JST it is open: %s', (at, open) => {
    expect(checkServiceHours(jst(at)).open).toBe(open);
  });

  it('names the hours and the next opening: later the same morning before 06:30', () => {
    const v = checkServiceHours(jst('2026-12-02T03:10:00'));
    expect(v).toEqual({ open: false, opensAt: '06:30', closesAt: '23:00', nextOpening: jst('2026-12-02T06:30:00') });
  });

  it('opens again the next morning after 23:00, across a month end', () => {
    const v = checkServiceHours(jst('2026-12-31T23:30:00'));
    expect(v.open).toBe(false);
    if (!v.open) expect(v.nextOpening).toEqual(jst('2027-01-01T06:30:00'));
  });

  it('judges by Japan time whatever the machine clock zone: 21:45 UTC is 06:45 JST the next day', () => {
    expect(checkServiceHours(new Date('2026-12-02T21:45:00Z')).open).toBe(true);
    expect(checkServiceHours(new Date('2026-12-02T14:30:00Z')).open).toBe(false); // 23:30 JST
  });
});
