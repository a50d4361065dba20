import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { completeMyNumber, isValidMyNumber, maskMyNumber, myNumberCheckDigit } from './my-number.js';

describe('myNumberCheckDigit', () => {
  it.each([
    ['gives 8 for the documented example 12345678901 (r = 3)', '12345678901', 8],
    ['gives 0 when r = 0', '00000000000', 0],
    ['gives 0 when r = 1', '27182818284', 0],
    ['gives 11 − r otherwise (r = 8)', '98765432109', 3],
    ['weighs the rightmost digit by 2', '00000000001', 9],
    ['weighs the leftmost digit by 6 (n = 11, Q = n − 5)', '10000000000', 5],
    ['gives 11 − r for r = 9', '31415926535', 2],
  ])('%s', (_name, first11, check) => {
    expect(myNumberCheckDigit(first11)).toBe(check);
  });

  it.each(['1234567890', '123456789012', '1234567890a', '１２３４５６７８９０１'])('throws on a malformed argument %s', (bad) => {
    expect(() => myNumberCheckDigit(bad)).toThrow(RangeError);
  });
});

describe('isValidMyNumber', () => {
  it.each(['123456789018', '000000000000', '271828182840', '987654321093', '314159265352'])('accepts %s', (value) => {
    expect(isValidMyNumber(value)).toBe(true);
  });

  it.each([
    ['a wrong check digit', '123456789019'],
    ['11 digits', '12345678901'],
    ['13 digits', '1234567890180'],
    ['letters', '12345678901A'],
    ['full-width digits (callers normalise)', '１２３４５６７８９０１８'],
    ['spaces', '1234 5678 9018'],
    ['the empty string', ''],
  ])('rejects %s', (_name, value) => {
    expect(isValidMyNumber(value)).toBe(false);
  });

  it('accepts every completed number and rejects every other last digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11}$/), fc.integer({ min: 1, max: 9 }), (first11, shift) => {
        const valid = completeMyNumber(first11);
        expect(isValidMyNumber(valid)).toBe(true);
        const wrong = `${first11}${(Number(valid[11]) + shift) % 10}`;
        expect(isValidMyNumber(wrong)).toBe(false);
      }),
    );
  });
});

describe('maskMyNumber', () => {
  it.each([
    ['shows only the last four digits', '123456789018', '**** **** 9018'],
    ['masks a value that is not 12 digits entirely', '12345', '**** **** ****'],
    ['masks full-width digits entirely', '１２３４５６７８９０１８', '**** **** ****'],
  ])('%s', (_name, value, masked) => {
    expect(maskMyNumber(value)).toBe(masked);
  });
});

describe('completeMyNumber', () => {
  it('appends the check digit', () => {
    expect(completeMyNumber('12345678901')).toBe('123456789018');
  });
});
