import { describe, expect, it } from 'vitest';
import {
  ageOn,
  cardExpiry,
  certificateExpiry,
  endOfJstDay,
  jstDate,
  nthBirthdayAfter,
  signingCertificateAllowed,
} from './card-validity.js';

describe('jstDate', () => {
  it.each([
    ['keeps the UTC date before 15:00Z', '2025-03-14T14:59:59.999Z', '2025-03-14'],
    ['moves to the next day from 15:00Z', '2025-03-14T15:00:00.000Z', '2025-03-15'],
    ['crosses a year end', '2024-12-31T15:00:00.000Z', '2025-01-01'],
    ['reaches 29 February in a leap year', '2024-02-28T15:00:00.000Z', '2024-02-29'],
  ])('%s', (_name, iso, date) => {
    expect(jstDate(new Date(iso))).toBe(date);
  });
});

describe('endOfJstDay', () => {
  it.each([
    ['is 14:59:59Z on the same date', '2030-06-15', '2030-06-15T14:59:59.000Z'],
    ['handles 29 February', '2028-02-29', '2028-02-29T14:59:59.000Z'],
    ['handles 1 January', '2031-01-01', '2031-01-01T14:59:59.000Z'],
  ])('%s', (_name, date, iso) => {
    expect(endOfJstDay(date).toISOString()).toBe(iso);
  });

  it('round-trips through jstDate', () => {
    expect(jstDate(endOfJstDay('2030-06-15'))).toBe('2030-06-15');
  });

  it.each(['2030-6-15', '2030-02-30', '2031-02-29', '2030-13-01', 'tomorrow'])('throws on a malformed date %s', (bad) => {
    expect(() => endOfJstDay(bad)).toThrow(RangeError);
  });
});

describe('ageOn', () => {
  it.each([
    ['counts a birthday on the day as reached', '2007-04-02', '2025-04-02', 18],
    ['does not count the day before the birthday', '2007-04-02', '2025-04-01', 17],
    ['is zero on the birth date', '2025-01-10', '2025-01-10', 0],
    ['lets a leap-day baby age on 28 February in a common year', '2000-02-29', '2001-02-28', 1],
    ['not earlier than 28 February in a common year', '2000-02-29', '2001-02-27', 0],
    ['on 29 February in a leap year', '2000-02-29', '2004-02-29', 4],
    ['and not on 28 February in a leap year', '2000-02-29', '2004-02-28', 3],
  ])('%s', (_name, birth, date, age) => {
    expect(ageOn(birth, date)).toBe(age);
  });

  it('throws when the date precedes the birth', () => {
    expect(() => ageOn('2000-05-01', '1999-12-31')).toThrow(RangeError);
  });
});

describe('nthBirthdayAfter', () => {
  it.each([
    ['finds the 5th birthday after a leap-year issuance for a leap-day baby', '2000-02-29', '2023-05-01', 5, '2028-02-29'],
    ['uses 28 February when the 5th falls in a common year', '2000-02-29', '2024-03-01', 5, '2029-02-28'],
    ['counts 28 February of a common year as a first birthday', '2000-02-29', '2024-03-01', 1, '2025-02-28'],
    ['does not count a birthday on the issuance day itself', '1980-06-15', '2025-06-15', 1, '2026-06-15'],
    ['counts a birthday on the next day', '1980-06-15', '2025-06-14', 1, '2025-06-15'],
    ['finds the 10th birthday', '1980-06-15', '2025-06-16', 10, '2035-06-15'],
    ['does not count the birth date as a birthday', '2025-01-10', '2025-01-10', 1, '2026-01-10'],
  ])('%s', (_name, birth, date, n, expected) => {
    expect(nthBirthdayAfter(birth, date, n)).toBe(expected);
  });

  it.each([0, -1, 1.5])('throws for n = %s', (n) => {
    expect(() => nthBirthdayAfter('1980-06-15', '2025-06-15', n)).toThrow(RangeError);
  });
});

describe('cardExpiry', () => {
  it.each([
    ['gives a 17-year-old the 5th birthday (the first falls the next day)', '2008-04-02', '2025-04-01', '2029-04-02T14:59:59.000Z'],
    ['gives someone turning 18 that very day the 10th birthday', '2007-04-01', '2025-04-01', '2035-04-01T14:59:59.000Z'],
    ['gives an 18-year-old the 10th birthday', '2007-04-01', '2025-04-02', '2035-04-01T14:59:59.000Z'],
    ['gives an infant the 5th birthday', '2025-01-10', '2025-02-01', '2030-01-10T14:59:59.000Z'],
    ['gives a leap-day adult 28 February when the 10th falls in a common year', '2000-02-29', '2024-03-01', '2034-02-28T14:59:59.000Z'],
  ])('%s', (_name, birth, issuedOn, iso) => {
    expect(cardExpiry(birth, issuedOn).toISOString()).toBe(iso);
  });
});

describe('certificateExpiry', () => {
  const birthDate = '1980-06-15';
  const farCard = endOfJstDay('2040-06-15');
  const previousNotAfter = endOfJstDay('2025-06-15');

  it.each<[string, string, Date | null | undefined, string]>([
    ['ends at the 5th birthday after a first issuance', '2025-01-10', undefined, '2029-06-15'],
    ['treats a null previous certificate as none', '2025-01-10', null, '2029-06-15'],
    ['gives the 6th birthday to a renewal within the last 3 months', '2025-04-01', previousNotAfter, '2030-06-15'],
    ['gives the 6th birthday on the day after "3 months before"', '2025-03-16', previousNotAfter, '2030-06-15'],
    ['gives the 5th birthday to a renewal exactly 3 months before', '2025-03-15', previousNotAfter, '2029-06-15'],
    ['gives the 5th birthday to a renewal earlier than the window', '2025-01-10', previousNotAfter, '2029-06-15'],
    ['gives the 6th birthday to a renewal on the last day of the previous certificate', '2025-06-15', previousNotAfter, '2031-06-15'],
    ['gives the 5th birthday to a reissue after the previous certificate expired', '2025-06-16', previousNotAfter, '2030-06-15'],
  ])('%s', (_name, issuedOn, previous, expiresOn) => {
    const expiry = certificateExpiry({ birthDate, issuedOn, cardExpiresAt: farCard, previousNotAfter: previous });
    expect(expiry.toISOString()).toBe(`${expiresOn}T14:59:59.000Z`);
  });

  it('clamps the window start to the month end (31 May − 3 months = 28 February)', () => {
    const previous = endOfJstDay('2025-05-31');
    const at = (issuedOn: string) =>
      jstDate(certificateExpiry({ birthDate, issuedOn, cardExpiresAt: farCard, previousNotAfter: previous }));
    expect(at('2025-02-28')).toBe('2029-06-15');
    expect(at('2025-03-01')).toBe('2030-06-15');
  });

  it('is capped by the card expiry', () => {
    const cardExpiresAt = endOfJstDay('2027-06-15');
    const expiry = certificateExpiry({ birthDate, issuedOn: '2025-01-10', cardExpiresAt });
    expect(expiry.toISOString()).toBe('2027-06-15T14:59:59.000Z');
    expect(expiry).not.toBe(cardExpiresAt);
  });

  it('is not extended by a later card expiry', () => {
    const expiry = certificateExpiry({ birthDate, issuedOn: '2025-01-10', cardExpiresAt: endOfJstDay('2029-06-16') });
    expect(expiry.toISOString()).toBe('2029-06-15T14:59:59.000Z');
  });

  it('lands a leap-day baby on 28 February in a common year', () => {
    const expiry = certificateExpiry({ birthDate: '2000-02-29', issuedOn: '2024-03-01', cardExpiresAt: farCard });
    expect(expiry.toISOString()).toBe('2029-02-28T14:59:59.000Z');
  });
});

describe('signingCertificateAllowed', () => {
  it.each([
    ['refuses a 14-year-old', '2010-04-02', '2025-04-01', false, false],
    ['allows someone turning 15 that day', '2010-04-01', '2025-04-01', false, true],
    ['allows an adult', '1980-06-15', '2025-04-01', false, true],
    ['refuses an adult ward', '1980-06-15', '2025-04-01', true, false],
    ['refuses an adult ward under 15', '2015-01-01', '2025-04-01', true, false],
  ])('%s', (_name, birth, issuedOn, adultWard, allowed) => {
    expect(signingCertificateAllowed(birth, issuedOn, adultWard)).toBe(allowed);
  });
});
