import { describe, expect, it } from 'vitest';
import { normalizePin } from './pin-format.js';
import type { PinSlot } from './pin-slot.js';
import { checkNewPin, COMMON_FOUR_DIGIT_PINS, COMMON_SIGN_PASSWORDS, validateNewPin } from './weak-pin.js';
import type { NewPinContext, WeakPinRule } from './weak-pin.js';

// Birth date forms: 1985, 0721, 2107, 8507, 0785, 6007 (昭和60年7月); 19850721, 850721, 600721.
// My Number windows of 4: 5820 8203 2037 0371 3716 7164 1649 6495 4959.
const ctx: NewPinContext = { birthDate: '1985-07-21', myNumber: '582037164959' };
const FOUR_DIGIT_SLOTS: PinSlot[] = ['auth', 'assist', 'juki'];

describe('checkNewPin for the 4-digit slots', () => {
  it.each<[string, string, WeakPinRule]>([
    ['refuses one repeated digit', '1111', 'REPEATED'],
    ['refuses 0000 as repeated before common', '0000', 'REPEATED'],
    ['refuses a repeated pair', '1212', 'REPEATED'],
    ['refuses another repeated pair', '9090', 'REPEATED'],
    ['refuses an ascending sequence', '1234', 'SEQUENCE'],
    ['refuses an ascending sequence from zero', '0123', 'SEQUENCE'],
    ['refuses a descending sequence', '9876', 'SEQUENCE'],
    ['refuses a descending sequence to zero', '3210', 'SEQUENCE'],
    ['refuses an ascending sequence wrapping after 9', '7890', 'SEQUENCE'],
    ['refuses another wrapping ascending sequence', '8901', 'SEQUENCE'],
    ['refuses a descending sequence wrapping after 0', '1098', 'SEQUENCE'],
    ['refuses the birth year (YYYY)', '1985', 'BIRTH_DATE'],
    ['refuses the birthday as MMDD', '0721', 'BIRTH_DATE'],
    ['refuses the birthday as DDMM', '2107', 'BIRTH_DATE'],
    ['refuses the birth year and month (YYMM)', '8507', 'BIRTH_DATE'],
    ['refuses the birth month and year (MMYY)', '0785', 'BIRTH_DATE'],
    ['refuses the Japanese-era year and month (昭和60年7月)', '6007', 'BIRTH_DATE'],
    ['refuses the first 4 digits of the My Number', '5820', 'MY_NUMBER'],
    ['refuses the last 4 digits of the My Number', '4959', 'MY_NUMBER'],
    ['refuses 4 consecutive digits from the middle of the My Number', '3716', 'MY_NUMBER'],
    ['refuses a common PIN (1004)', '1004', 'COMMON'],
    ['refuses a common PIN (2000)', '2000', 'COMMON'],
    ['refuses a keypad column (2580)', '2580', 'COMMON'],
    ['refuses a keypad word (5683 = LOVE)', '5683', 'COMMON'],
    ['refuses a Japanese 語呂合わせ (4649 = よろしく)', '4649', 'COMMON'],
    ['refuses 1122, which is common but not a repetition of one unit', '1122', 'COMMON'],
  ])('%s', (_name, pin, rule) => {
    for (const slot of FOUR_DIGIT_SLOTS) expect(checkNewPin(slot, pin, ctx)).toEqual({ kind: 'weak', rule });
  });

  it.each(['3841', '7302', '9157', '2846', '6401', '1235'])('accepts %s', (pin) => {
    for (const slot of FOUR_DIGIT_SLOTS) expect(checkNewPin(slot, pin, ctx)).toEqual({ kind: 'ok' });
  });

  it.each<[string, NewPinContext, string, 'ok' | WeakPinRule]>([
    ['uses 昭和64 for a birth on 1989-01-07', { ...ctx, birthDate: '1989-01-07' }, '6401', 'BIRTH_DATE'],
    ['uses 平成元年 (01) from 1989-01-08, not 昭和64', { ...ctx, birthDate: '1989-01-08' }, '6401', 'ok'],
    ['uses 令和 years (令和2年6月 = 0206)', { ...ctx, birthDate: '2020-06-10' }, '0206', 'BIRTH_DATE'],
    // Era boundaries: the first day of an era is its 元年 (01); the day before is the last year of the previous era.
    ['uses 平成31 for a birth on 2019-04-30 (the last day of 平成)', { ...ctx, birthDate: '2019-04-30' }, '3104', 'BIRTH_DATE'],
    ['does not use 令和元年 for 2019-04-30', { ...ctx, birthDate: '2019-04-30' }, '0104', 'ok'],
    ['uses 令和元年 (01) from 2019-05-01', { ...ctx, birthDate: '2019-05-20' }, '0105', 'BIRTH_DATE'],
    ['does not use 平成31 from 2019-05-01', { ...ctx, birthDate: '2019-05-20' }, '3105', 'ok'],
    ['uses 大正15 for a birth on 1926-12-24', { ...ctx, birthDate: '1926-12-24' }, '1512', 'BIRTH_DATE'],
    ['uses 昭和元年 from 1926-12-25, not 大正15', { ...ctx, birthDate: '1926-12-25' }, '1512', 'ok'],
    ['uses 明治45 for a birth on 1912-07-29', { ...ctx, birthDate: '1912-07-29' }, '4507', 'BIRTH_DATE'],
    ['uses 大正元年 from 1912-07-30, not 明治45', { ...ctx, birthDate: '1912-07-30' }, '0107', 'BIRTH_DATE'],
    ['does not use 明治45 from 1912-07-30', { ...ctx, birthDate: '1912-07-30' }, '4507', 'ok'],
    ['uses 明治元年 from 1868-10-23', { ...ctx, birthDate: '1868-10-23' }, '0110', 'BIRTH_DATE'],
    ['has no era form before 明治 (1868-10-22)', { ...ctx, birthDate: '1868-10-22' }, '0110', 'ok'],
    ['names BIRTH_DATE before MY_NUMBER when both match', { ...ctx, myNumber: '072100000000' }, '0721', 'BIRTH_DATE'],
    ['names MY_NUMBER before COMMON when both match', { ...ctx, myNumber: '100400000000' }, '1004', 'MY_NUMBER'],
  ])('%s', (_name, context, pin, expected) => {
    const result = checkNewPin('auth', pin, context);
    expect(result).toEqual(expected === 'ok' ? { kind: 'ok' } : { kind: 'weak', rule: expected });
  });
});

describe('era boundaries in a signing password (EEMMDD)', () => {
  it.each<[string, string, string, 'ok' | WeakPinRule]>([
    ['contains 令和元年5月1日 for 2019-05-01', '2019-05-01', 'K010501', 'BIRTH_DATE'],
    ['does not contain 平成31年5月1日 for 2019-05-01', '2019-05-01', 'K310501', 'ok'],
    ['contains 平成31年4月30日 for 2019-04-30', '2019-04-30', 'K310430', 'BIRTH_DATE'],
    ['contains 大正元年7月30日 for 1912-07-30', '1912-07-30', 'T010730', 'BIRTH_DATE'],
    ['contains 明治45年7月29日 for 1912-07-29', '1912-07-29', 'M450729', 'BIRTH_DATE'],
  ])('%s', (_name, birthDate, pin, expected) => {
    const result = checkNewPin('sign', pin, { ...ctx, birthDate });
    expect(result).toEqual(expected === 'ok' ? { kind: 'ok' } : { kind: 'weak', rule: expected });
  });
});

describe('checkNewPin for the signing password', () => {
  it.each<[string, string, WeakPinRule]>([
    ['refuses digits only', '482915', 'SIGN_LETTER_AND_DIGIT'],
    ['refuses letters only', 'TANUKIMZ', 'SIGN_LETTER_AND_DIGIT'],
    ['names the letter-and-digit rule before the sequence rule', '123456', 'SIGN_LETTER_AND_DIGIT'],
    ['refuses a repeated letter-digit pair', 'A1A1A1', 'REPEATED'],
    ['refuses a longer repeated pair', '1Z1Z1Z1Z', 'REPEATED'],
    ['refuses an ascending run from digits into letters', '789ABC', 'SEQUENCE'],
    ['refuses a descending run from letters into digits', 'CBA987', 'SEQUENCE'],
    ['refuses a value containing the birth date as YYYYMMDD', 'K19850721', 'BIRTH_DATE'],
    ['refuses a value containing the birth date as YYMMDD', 'A850721', 'BIRTH_DATE'],
    ['refuses a value containing the Japanese-era date (昭和60年7月21日)', 'S600721', 'BIRTH_DATE'],
    ['refuses a value containing the first 6 digits of the My Number', 'K582037', 'MY_NUMBER'],
    ['refuses a value containing the last 6 digits of the My Number', 'Z164959Z', 'MY_NUMBER'],
    ['refuses PASSW0RD', 'PASSW0RD', 'COMMON'],
    ['refuses ABC123', 'ABC123', 'COMMON'],
    ['refuses QWERTY1', 'QWERTY1', 'COMMON'],
    ['refuses A1B2C3', 'A1B2C3', 'COMMON'],
  ])('%s', (_name, pin, rule) => {
    expect(checkNewPin('sign', pin, ctx)).toEqual({ kind: 'weak', rule });
  });

  it.each(['K7XQ92MZ', 'TANUKI2025', 'A58203', 'MORI1985', 'MIKAN7TREE4RIVER'])('accepts %s', (pin) => {
    expect(checkNewPin('sign', pin, ctx)).toEqual({ kind: 'ok' });
  });
});

describe('validateNewPin', () => {
  it.each<[string, PinSlot, string, ReturnType<typeof validateNewPin>]>([
    ['returns the normalised PIN when it is acceptable', 'auth', '３８４１', { kind: 'ok', pin: '3841' }],
    ['uppercases an acceptable signing password', 'sign', 'k7xq92mz', { kind: 'ok', pin: 'K7XQ92MZ' }],
    ['refuses a lowercase common password after uppercasing', 'sign', 'passw0rd', { kind: 'weak', rule: 'COMMON' }],
    ['applies the rules to full-width input', 'juki', '１２３４', { kind: 'weak', rule: 'SEQUENCE' }],
    ['reports a format error before any weak rule', 'auth', '111', { kind: 'format', reason: 'LENGTH' }],
    ['reports an empty PIN as a format error', 'sign', '', { kind: 'format', reason: 'EMPTY' }],
    ['reports spaces as a format error', 'assist', '12 4', { kind: 'format', reason: 'CHARSET' }],
  ])('%s', (_name, slot, raw, expected) => {
    expect(validateNewPin(slot, raw, ctx)).toEqual(expected);
  });

  it.each<[string, NewPinContext]>([
    ['a malformed birth date', { ...ctx, birthDate: '1985/07/21' }],
    ['a short My Number', { ...ctx, myNumber: '58203716495' }],
  ])('throws on a context with %s', (_name, context) => {
    expect(() => validateNewPin('auth', '3841', context)).toThrow(RangeError);
  });
});

describe('the blocklists', () => {
  it('hold at least 40 four-digit PINs, each exactly 4 ASCII digits, without duplicates', () => {
    expect(COMMON_FOUR_DIGIT_PINS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(COMMON_FOUR_DIGIT_PINS).size).toBe(COMMON_FOUR_DIGIT_PINS.length);
    for (const pin of COMMON_FOUR_DIGIT_PINS) expect(pin).toMatch(/^[0-9]{4}$/);
  });

  it('hold signing passwords that are already normalised and could otherwise be set', () => {
    expect(new Set(COMMON_SIGN_PASSWORDS).size).toBe(COMMON_SIGN_PASSWORDS.length);
    for (const pin of COMMON_SIGN_PASSWORDS) {
      expect(normalizePin('sign', pin)).toEqual({ kind: 'ok', pin });
      expect(pin).toMatch(/[A-Z]/);
      expect(pin).toMatch(/[0-9]/);
    }
  });

  it('refuse every listed value when it is set', () => {
    for (const pin of COMMON_FOUR_DIGIT_PINS) expect(checkNewPin('auth', pin, ctx).kind).toBe('weak');
    for (const pin of COMMON_SIGN_PASSWORDS) expect(checkNewPin('sign', pin, ctx).kind).toBe('weak');
  });
});
