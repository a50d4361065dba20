import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizePin } from './pin-format.js';
import type { PinFormatReason } from './pin-format.js';
import { PIN_SLOTS } from './pin-slot.js';
import type { PinSlot } from './pin-slot.js';

describe('normalizePin', () => {
  it.each<[string, PinSlot, string, string]>([
    ['accepts four ASCII digits for auth', 'auth', '1234', '1234'],
    ['accepts four ASCII digits for assist', 'assist', '0000', '0000'],
    ['accepts four ASCII digits for juki', 'juki', '9081', '9081'],
    ['turns full-width digits into ASCII', 'auth', '１２３４', '1234'],
    ['turns full-width digits into ASCII for sign', 'sign', 'ＡＢＣ１２３', 'ABC123'],
    ['uppercases a lowercase signing password', 'sign', 'abc123', 'ABC123'],
    ['uppercases full-width lowercase letters in a signing password', 'sign', 'ａｂｃ１２３', 'ABC123'],
    ['uppercases a mixed-case signing password', 'sign', 'PaSs9WoRd', 'PASS9WORD'],
    ['accepts a 6-character signing password', 'sign', 'A1B2C3', 'A1B2C3'],
    ['accepts a 16-character signing password', 'sign', 'ABCDEFGH12345678', 'ABCDEFGH12345678'],
    ['accepts an all-digit signing password (the letter rule applies only when setting)', 'sign', '123456', '123456'],
    ['accepts an all-letter signing password (the digit rule applies only when setting)', 'sign', 'ABCDEF', 'ABCDEF'],
  ])('%s', (_name, slot, raw, pin) => {
    expect(normalizePin(slot, raw)).toEqual({ kind: 'ok', pin });
  });

  it.each<[string, PinSlot, string, PinFormatReason]>([
    ['refuses an empty PIN as EMPTY', 'auth', '', 'EMPTY'],
    ['refuses an empty signing password as EMPTY', 'sign', '', 'EMPTY'],
    ['refuses three digits as LENGTH', 'auth', '123', 'LENGTH'],
    ['refuses five digits as LENGTH', 'juki', '12345', 'LENGTH'],
    ['refuses a 4-digit PIN with a trailing space as LENGTH', 'auth', '1234 ', 'LENGTH'],
    ['refuses a 4-digit PIN with a leading full-width space as LENGTH', 'assist', '\u30001234', 'LENGTH'],
    ['refuses a 4-character PIN with an inner space as CHARSET', 'auth', '12 4', 'CHARSET'],
    ['refuses letters in a 4-digit PIN as CHARSET', 'auth', '12a4', 'CHARSET'],
    ['refuses Arabic-Indic digits (NFKC keeps them) as CHARSET', 'juki', '١٢٣٤', 'CHARSET'],
    ['refuses a 5-character signing password as LENGTH', 'sign', 'ABC12', 'LENGTH'],
    ['refuses a 17-character signing password as LENGTH', 'sign', 'ABCDEFGH123456789', 'LENGTH'],
    ['refuses a signing password with a symbol as CHARSET', 'sign', 'ABC-123', 'CHARSET'],
    ['refuses a signing password with a space as CHARSET', 'sign', 'ABC 123', 'CHARSET'],
    ['refuses ß rather than turning it into SS', 'sign', 'abcß12', 'CHARSET'],
    ['refuses a dotless ı rather than turning it into I', 'sign', 'ıabc12', 'CHARSET'],
    ['counts an emoji as one character', 'auth', '123😀', 'CHARSET'],
    ['prefers LENGTH when both length and charset are wrong', 'auth', 'abcde', 'LENGTH'],
    // Compatibility characters other than width variants are symbols, not the digits they decompose to.
    ['refuses circled digits ①②③④', 'auth', '①②③④', 'CHARSET'],
    ['refuses one circled digit among ASCII ones', 'juki', '12③4', 'CHARSET'],
    ['refuses superscript digits ¹²³⁴', 'assist', '¹²³⁴', 'CHARSET'],
    ['refuses subscript digits ₁₂₃₄', 'auth', '₁₂₃₄', 'CHARSET'],
    ['refuses mathematical bold digits', 'auth', '𝟏𝟐𝟑𝟒', 'CHARSET'],
    ['refuses a ligature ﬁ in a signing password', 'sign', 'ﬁle2024', 'CHARSET'],
    ['refuses a ligature ﬀ in a signing password', 'sign', 'ﬀ12345', 'CHARSET'],
    ['refuses a Roman numeral Ⅻ in a signing password', 'sign', 'KAGIⅫ12', 'CHARSET'],
    ['refuses circled letters in a signing password', 'sign', 'ⓐⓑⓒ123', 'CHARSET'],
    ['refuses a squared ㍻ in a signing password', 'sign', '㍻KAGI12', 'CHARSET'],
  ])('%s', (_name, slot, raw, reason) => {
    expect(normalizePin(slot, raw)).toEqual({ kind: 'format', reason });
  });

  it.each([null, undefined, 1234])('refuses a non-string value %s as EMPTY', (value) => {
    expect(normalizePin('auth', value as unknown as string)).toEqual({ kind: 'format', reason: 'EMPTY' });
  });

  // Inputs generated to normalise (ASCII or full-width, either case), so the property asserts in every run.
  const digit = fc.integer({ min: 0, max: 9 }).chain((d) => fc.constantFrom(String(d), String.fromCodePoint(0xff10 + d)));
  const letter = fc.integer({ min: 0, max: 25 }).chain((i) =>
    fc.constantFrom(String.fromCodePoint(0x41 + i), String.fromCodePoint(0x61 + i), String.fromCodePoint(0xff21 + i), String.fromCodePoint(0xff41 + i)),
  );
  const typed = fc.oneof(
    fc.record({ slot: fc.constantFrom<PinSlot>('auth', 'assist', 'juki'), raw: fc.array(digit, { minLength: 4, maxLength: 4 }).map((a) => a.join('')) }),
    fc.record({ slot: fc.constant<PinSlot>('sign'), raw: fc.array(fc.oneof(digit, letter), { minLength: 6, maxLength: 16 }).map((a) => a.join('')) }),
  );

  it('is idempotent: a normalised PIN normalises to itself (every generated input normalises)', () => {
    let checked = 0;
    fc.assert(
      fc.property(typed, ({ slot, raw }) => {
        const first = normalizePin(slot, raw);
        expect(first.kind).toBe('ok');
        if (first.kind !== 'ok') return;
        expect(normalizePin(slot, first.pin)).toEqual(first);
        expect(first.pin).toMatch(slot === 'sign' ? /^[A-Z0-9]{6,16}$/ : /^[0-9]{4}$/);
        checked += 1;
      }),
      { numRuns: 300 },
    );
    expect(checked).toBe(300);
  });

  it('generates 4-digit and signing inputs alike (the property covers both)', () => {
    const slots = fc.sample(typed, 200).map((t) => t.slot);
    expect(slots.filter((s) => s === 'sign').length).toBeGreaterThan(20);
    expect(slots.filter((s) => s !== 'sign').length).toBeGreaterThan(20);
  });

  it('never throws on any string, and what it accepts is already normalised', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PIN_SLOTS), fc.string({ maxLength: 40 }), (slot, raw) => {
        const r = normalizePin(slot, raw);
        if (r.kind === 'ok') expect(normalizePin(slot, r.pin)).toEqual(r);
      }),
    );
  });
});
