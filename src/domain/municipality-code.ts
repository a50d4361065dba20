// 全国地方公共団体コード: 5 digits plus a check digit (DOMAIN.md §6).

const FIRST_FIVE = /^[0-9]{5}$/;
const SIX = /^[0-9]{6}$/;
const WEIGHTS = [6, 5, 4, 3, 2] as const;

/** Check digit: the last digit of 11 − (Σ dᵢ·wᵢ mod 11), weights 6,5,4,3,2. Throws on a malformed argument (caller bug). */
export function municipalityCheckDigit(first5: string): number {
  if (!FIRST_FIVE.test(first5)) throw new RangeError('municipalityCheckDigit needs exactly 5 ASCII digits');
  let sum = 0;
  WEIGHTS.forEach((w, i) => {
    sum += (first5.charCodeAt(i) - 48) * w;
  });
  return (11 - (sum % 11)) % 10;
}

/** Exactly 6 ASCII digits with a correct check digit. */
export function isValidMunicipalityCode(code: string): boolean {
  return SIX.test(code) && municipalityCheckDigit(code.slice(0, 5)) === Number(code[5]);
}
