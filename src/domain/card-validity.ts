// Card and certificate validity, counted in birthdays (DOMAIN.md §2).
// Calendar dates are 'YYYY-MM-DD' in JST; instants are Dates. JST is UTC+9 with no DST.

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

type Ymd = Readonly<{ y: number; m: number; d: number }>;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

// A malformed date is a caller bug (the boundary validates), so it throws rather than returning a kind.
function parse(date: string): Ymd {
  const match = DATE.exec(date);
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return { y, m, d };
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
}

function format({ y, m, d }: Ymd): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// 民法143条: a period whose last month lacks the starting day ends on that month's last day,
// so someone born on 29 February has their birthday on 28 February in a common year.
function birthdayIn(birth: Ymd, year: number): string {
  return format({ y: year, m: birth.m, d: Math.min(birth.d, daysInMonth(year, birth.m)) });
}

function parseBirthAndDate(birthDate: string, date: string): [Ymd, Ymd] {
  const birth = parse(birthDate);
  const on = parse(date);
  if (date < birthDate) throw new RangeError(`${date} precedes the birth date ${birthDate}`);
  return [birth, on];
}

/** The JST calendar date of an instant. */
export function jstDate(instant: Date): string {
  return new Date(instant.getTime() + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** 23:59:59 JST on `date`, i.e. 14:59:59Z the same date (DOMAIN.md §2). */
export function endOfJstDay(date: string): Date {
  const { y, m, d } = parse(date);
  const instant = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  instant.setUTCFullYear(y, m - 1, d);
  instant.setUTCHours(23, 59, 59, 0);
  return new Date(instant.getTime() - JST_OFFSET_MS);
}

/** Full years on `date`; a birthday falling on `date` counts as reached. */
export function ageOn(birthDate: string, date: string): number {
  const [birth, { y }] = parseBirthAndDate(birthDate, date);
  return date >= birthdayIn(birth, y) ? y - birth.y : y - birth.y - 1;
}

/** The n-th birthday strictly after `date` (n ≥ 1); a birthday on `date` itself is not "after". */
export function nthBirthdayAfter(birthDate: string, date: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const [birth, { y }] = parseBirthAndDate(birthDate, date);
  const firstYear = birthdayIn(birth, y) > date ? y : y + 1;
  return birthdayIn(birth, firstYear + n - 1);
}

/** 10th birthday after issuance for holders 18 or over on the issuance day, else the 5th (DOMAIN.md §2). */
export function cardExpiry(birthDate: string, issuedOn: string): Date {
  const n = ageOn(birthDate, issuedOn) >= 18 ? 10 : 5;
  return endOfJstDay(nthBirthdayAfter(birthDate, issuedOn, n));
}

function minusCalendarMonths(date: string, months: number): string {
  const { y, m, d } = parse(date);
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  // Same clamping as 民法143条: 31 May minus 3 months is 28/29 February.
  return format({ y: year, m: month, d: Math.min(d, daysInMonth(year, month)) });
}

export type CertificateExpiryInput = Readonly<{
  birthDate: string;
  issuedOn: string;
  cardExpiresAt: Date;
  /** notAfter of the certificate this one replaces, if any. */
  previousNotAfter?: Date | null;
}>;

/**
 * 5th birthday after issuance, or the 6th when issued within the last 3 months of the previous
 * certificate (so renewing early loses nothing), capped by the card's expiry (DOMAIN.md §2).
 */
export function certificateExpiry({ birthDate, issuedOn, cardExpiresAt, previousNotAfter }: CertificateExpiryInput): Date {
  let n = 5;
  if (previousNotAfter) {
    const previousEnd = jstDate(previousNotAfter);
    if (issuedOn > minusCalendarMonths(previousEnd, 3) && issuedOn <= previousEnd) n = 6;
  }
  const own = endOfJstDay(nthBirthdayAfter(birthDate, issuedOn, n));
  return new Date(Math.min(own.getTime(), cardExpiresAt.getTime()));
}

/** No signing certificate for under-15s or adult wards (DOMAIN.md §2). */
export function signingCertificateAllowed(birthDate: string, issuedOn: string, adultWard: boolean): boolean {
  return !adultWard && ageOn(birthDate, issuedOn) >= 15;
}
