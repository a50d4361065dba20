// Weak values refused when a PIN is set or changed, never on verify (DOMAIN.md §1).
import { normalizePin } from './pin-format.js';
import type { PinFormatReason } from './pin-format.js';
import type { PinSlot } from './pin-slot.js';

export type WeakPinRule = 'SIGN_LETTER_AND_DIGIT' | 'REPEATED' | 'SEQUENCE' | 'BIRTH_DATE' | 'MY_NUMBER' | 'COMMON';

export type NewPinContext = Readonly<{
  /** YYYY-MM-DD */
  birthDate: string;
  /** 12 ASCII digits */
  myNumber: string;
}>;

/** The most common 4-digit PINs (published PIN-frequency studies, keypad patterns, Japanese 語呂合わせ). */
export const COMMON_FOUR_DIGIT_PINS: readonly string[] = Object.freeze([
  '0000', '1111', '2222', '3333', '4444', '5555', '6666', '7777', '8888', '9999',
  '1234', '4321', '1212', '1122', '1313', '1010', '2000', '2001', '1004', '6969',
  '0007', '0069', '0101', '0420', '0911', '1000', '1100', '1200', '1230', '1231',
  '1233', '1984', '1986', '1987', '1988', '1989', '1990', '1999', '2020', '2112',
  '2121', '2525', '4545', '5150', '7788',
  // Keypad lines and shapes.
  '0852', '2580', '0258', '1478', '1470', '7410', '3690', '9630', '8520', '1379', '1590', '7531', '1357', '2468',
  // Words on a phone keypad (5683 = LOVE) and Japanese 語呂合わせ.
  '5683', '4649', '5963', '3776', '1192', '0840', '3150', '3939', '8181',
]);

/** Common signing passwords, already in normalised form (uppercase, A–Z 0–9). */
export const COMMON_SIGN_PASSWORDS: readonly string[] = Object.freeze([
  'PASSW0RD', 'P4SSW0RD', 'PASSWORD1', 'PASSWORD12', 'PASSWORD123', 'PASS1234', 'PASS123',
  'ABC123', 'ABC1234', 'ABC12345', 'ABCD1234', 'ABCDE12345', 'ABCDEF1', 'ABCDEF123', '123ABC', '1234ABCD',
  'A12345', 'A123456', 'A1234567', 'A12345678', 'AA123456', '12345A', '123456A', 'A1B2C3', 'A1B2C3D4', '1A2B3C',
  'QWERTY1', 'QWERTY12', 'QWERTY123', 'QWE123', 'ASDF1234', 'ZXCV1234', '1QAZ2WSX', 'ZAQ12WSX',
  'ILOVEYOU1', 'LETMEIN1', 'ADMIN123', 'TEST1234', 'MYNUMBER1', 'MYNA1234',
]);

const COMMON_FOUR = new Set(COMMON_FOUR_DIGIT_PINS);
const COMMON_SIGN = new Set(COMMON_SIGN_PASSWORDS);

const DIGITS = '0123456789';
const SIGN_ORDER = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

// Era start dates for 和暦 forms; the first year of an era is 元年 = 1.
const ERAS: readonly Readonly<{ start: string; firstYear: number }>[] = [
  { start: '2019-05-01', firstYear: 2019 }, // 令和
  { start: '1989-01-08', firstYear: 1989 }, // 平成
  { start: '1926-12-25', firstYear: 1926 }, // 昭和
  { start: '1912-07-30', firstYear: 1912 }, // 大正
  { start: '1868-10-23', firstYear: 1868 }, // 明治
];

function isRepeated(pin: string): boolean {
  // The whole value is one unit of 1 or 2 characters repeated: 1111, 1212, A1A1A1.
  return /^(.{1,2})\1+$/.test(pin);
}

function isRun(pin: string, order: string, wrap: boolean): boolean {
  const size = order.length;
  const positions = [...pin].map((c) => order.indexOf(c));
  if (positions.includes(-1)) return false;
  return [1, -1].some((step) =>
    positions.every((p, i) => {
      if (i === 0) return true;
      const previous = positions[i - 1] ?? -1;
      return wrap ? p === (previous + step + size) % size : p === previous + step;
    }),
  );
}

function isSequence(slot: PinSlot, pin: string): boolean {
  // 4-digit slots wrap around (7890, 8901, 1098); sign runs through 0–9 then A–Z (789ABC).
  return slot === 'sign' ? isRun(pin, SIGN_ORDER, false) : isRun(pin, DIGITS, true);
}

function warekiYear(birthDate: string): string | null {
  const era = ERAS.find((e) => birthDate >= e.start);
  if (!era) return null;
  return String(Number(birthDate.slice(0, 4)) - era.firstYear + 1).padStart(2, '0');
}

function parseContext(ctx: NewPinContext): { yyyy: string; yy: string; mm: string; dd: string; ee: string | null } {
  // A malformed context is a caller bug; silently skipping a rule would weaken every PIN it guards.
  const match = /^(\d{2})(\d{2})-(\d{2})-(\d{2})$/.exec(ctx.birthDate);
  if (!match || !/^[0-9]{12}$/.test(ctx.myNumber)) throw new RangeError('NewPinContext needs YYYY-MM-DD and 12 digits');
  const [, cc = '', yy = '', mm = '', dd = ''] = match;
  return { yyyy: cc + yy, yy, mm, dd, ee: warekiYear(ctx.birthDate) };
}

function birthDateForms(slot: PinSlot, ctx: NewPinContext): string[] {
  const { yyyy, yy, mm, dd, ee } = parseContext(ctx);
  if (slot === 'sign') return [yyyy + mm + dd, yy + mm + dd, ...(ee ? [ee + mm + dd] : [])];
  return [yyyy, mm + dd, dd + mm, yy + mm, mm + yy, ...(ee ? [ee + mm] : [])];
}

function myNumberParts(myNumber: string, length: number): string[] {
  const parts: string[] = [];
  for (let i = 0; i + length <= myNumber.length; i++) parts.push(myNumber.slice(i, i + length));
  return parts;
}

function isBirthDate(slot: PinSlot, pin: string, ctx: NewPinContext): boolean {
  const forms = birthDateForms(slot, ctx);
  return slot === 'sign' ? forms.some((f) => pin.includes(f)) : forms.includes(pin);
}

function isMyNumberPart(slot: PinSlot, pin: string, ctx: NewPinContext): boolean {
  // A 4-digit PIN equal to any 4 consecutive digits; a signing password containing any 6.
  return slot === 'sign'
    ? myNumberParts(ctx.myNumber, 6).some((part) => pin.includes(part))
    : myNumberParts(ctx.myNumber, 4).includes(pin);
}

export type NewPinCheck = { kind: 'ok' } | { kind: 'weak'; rule: WeakPinRule };

/**
 * Checks an already-normalised PIN against the weak-value rules; the first rule that matches is named,
 * in this order: SIGN_LETTER_AND_DIGIT, REPEATED, SEQUENCE, BIRTH_DATE, MY_NUMBER, COMMON.
 */
export function checkNewPin(slot: PinSlot, pin: string, ctx: NewPinContext): NewPinCheck {
  const weak = (rule: WeakPinRule): NewPinCheck => ({ kind: 'weak', rule });
  // DOMAIN.md §1: a signing password, when set, holds at least one letter and one digit.
  if (slot === 'sign' && !(/[A-Z]/.test(pin) && /[0-9]/.test(pin))) return weak('SIGN_LETTER_AND_DIGIT');
  if (isRepeated(pin)) return weak('REPEATED');
  if (isSequence(slot, pin)) return weak('SEQUENCE');
  if (isBirthDate(slot, pin, ctx)) return weak('BIRTH_DATE');
  if (isMyNumberPart(slot, pin, ctx)) return weak('MY_NUMBER');
  if ((slot === 'sign' ? COMMON_SIGN : COMMON_FOUR).has(pin)) return weak('COMMON');
  return { kind: 'ok' };
}

export type NewPinValidation =
  | { kind: 'ok'; pin: string }
  | { kind: 'format'; reason: PinFormatReason }
  | { kind: 'weak'; rule: WeakPinRule };

/** Normalises a PIN being set or changed, then applies the weak-value rules. */
export function validateNewPin(slot: PinSlot, raw: string, ctx: NewPinContext): NewPinValidation {
  const normalized = normalizePin(slot, raw);
  if (normalized.kind !== 'ok') return normalized;
  const check = checkNewPin(slot, normalized.pin, ctx);
  return check.kind === 'ok' ? normalized : check;
}
