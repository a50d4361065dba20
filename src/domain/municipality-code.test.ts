import { describe, expect, it } from 'vitest';
import { isValidMunicipalityCode, municipalityCheckDigit } from './municipality-code.js';

describe('isValidMunicipalityCode', () => {
  it.each([
    ['さいたま市', '111007'],
    ['横浜市', '141003'],
    ['川崎市', '141305'],
    ['狭山市', '112151'],
    ['千代田区', '131016'],
    ['大阪市', '271004'],
    ['東京都', '130001'],
    ['北海道', '010006'],
  ])('accepts the code of %s (%s)', (_name, code) => {
    expect(isValidMunicipalityCode(code)).toBe(true);
  });

  it.each([
    ['a wrong check digit', '111008'],
    ['5 digits', '11100'],
    ['7 digits', '1110070'],
    ['letters', '11100A'],
    ['full-width digits', '１１１００７'],
    ['the empty string', ''],
  ])('rejects %s', (_name, code) => {
    expect(isValidMunicipalityCode(code)).toBe(false);
  });
});

describe('municipalityCheckDigit', () => {
  it.each([
    ['gives the last digit of 11 − r (r = 4)', '11100', 7],
    ['gives 1 when r = 0 (11 → 1)', '00000', 1],
    ['gives 0 when r = 1 (10 → 0)', '02001', 0],
    ['gives 1 when r = 10', '11215', 1],
  ])('%s', (_name, first5, check) => {
    expect(municipalityCheckDigit(first5)).toBe(check);
  });

  it.each(['1110', '111007', '1110a'])('throws on a malformed argument %s', (bad) => {
    expect(() => municipalityCheckDigit(bad)).toThrow(RangeError);
  });
});
