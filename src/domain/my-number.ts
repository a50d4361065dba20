// The My Number (個人番号) and its check digit (DOMAIN.md §6).

const FIRST_ELEVEN = /^[0-9]{11}$/;
const TWELVE = /^[0-9]{12}$/;

/**
 * Check digit of a My Number from its first 11 digits (DOMAIN.md §6).
 * Throws on anything but 11 ASCII digits: that is a caller bug, not an outcome.
 */
export function myNumberCheckDigit(first11: string): number {
  if (!FIRST_ELEVEN.test(first11)) throw new RangeError('myNumberCheckDigit needs exactly 11 ASCII digits');
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    // P(n) is counted from the right; Q(n) = n+1 for n ≤ 6, n−5 for n ≥ 7.
    const p = first11.charCodeAt(11 - n) - 48;
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

/** Exactly 12 ASCII digits with a correct check digit. Callers normalise (NFKC) first. */
export function isValidMyNumber(value: string): boolean {
  return TWELVE.test(value) && myNumberCheckDigit(value.slice(0, 11)) === Number(value[11]);
}

/**
 * Display form, e.g. `**** **** 1234`. A value that is not 12 digits is masked entirely,
 * so a mistyped number can never leak more than four digits (DOMAIN.md §6: shown masked).
 */
export function maskMyNumber(value: string): string {
  return TWELVE.test(value) ? `**** **** ${value.slice(8)}` : '**** **** ****';
}

/** Appends the check digit; for tests and demo data. */
export function completeMyNumber(first11: string): string {
  return `${first11}${myNumberCheckDigit(first11)}`;
}
