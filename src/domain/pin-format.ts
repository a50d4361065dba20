// Normalising and format-checking a PIN as typed (DOMAIN.md §1).
import type { PinSlot } from './pin-slot.js';

export type PinFormatReason = 'EMPTY' | 'LENGTH' | 'CHARSET';

export type PinFormatResult =
  | { kind: 'ok'; pin: string }
  | { kind: 'format'; reason: PinFormatReason };

const SIGN_MIN = 6;
const SIGN_MAX = 16;
const DIGIT_PIN_LENGTH = 4;
const SIGN_CHARSET = /^[A-Z0-9]+$/;
const DIGIT_CHARSET = /^[0-9]+$/;

// Only a–z is uppercased: String#toUpperCase would turn 'ß' into 'SS' and 'ı' into 'I',
// silently accepting characters the card itself can never hold.
function asciiUpper(value: string): string {
  return value.replace(/[a-z]/g, (c) => c.toUpperCase());
}

// The Halfwidth and Fullwidth Forms block: the same keys typed through a Japanese IME in the other width.
const WIDTH_FORMS = /^[\uFF00-\uFFEF]$/u;

/**
 * True when every character NFKC would change is a width variant (full-width `１`, `Ａ`, `ａ`). Circled (`①`),
 * super- and subscript (`¹`, `₁`), ligatures (`ﬁ`), Roman numerals (`Ⅳ`), fractions and squared forms are symbols
 * that happen to decompose to digits or letters: a holder who picked them did not type a digit, so they are
 * malformed (docs/decisions.md, "Which characters a PIN may contain").
 */
function onlyWidthVariants(raw: string): boolean {
  for (const c of raw) if (c.normalize('NFKC') !== c && !WIDTH_FORMS.test(c)) return false;
  return true;
}

/**
 * NFKC, then (for `sign`) uppercase, then check. Nothing is trimmed: a PIN with spaces is malformed. Of NFKC's
 * compatibility characters only width variants are the same key; any other is CHARSET.
 * A format refusal spends no try (DOMAIN.md §1), so callers must check this before touching a counter.
 */
export function normalizePin(slot: PinSlot, raw: string): PinFormatResult {
  // Defensive: the boundary may hand us something that is not a string at runtime.
  if (typeof raw !== 'string' || raw === '') return { kind: 'format', reason: 'EMPTY' };
  const nfkc = raw.normalize('NFKC');
  const pin = slot === 'sign' ? asciiUpper(nfkc) : nfkc;
  // Code points, not UTF-16 units, so one emoji is one wrong character rather than two.
  const length = [...pin].length;
  if (slot === 'sign') {
    if (length < SIGN_MIN || length > SIGN_MAX) return { kind: 'format', reason: 'LENGTH' };
    if (!SIGN_CHARSET.test(pin)) return { kind: 'format', reason: 'CHARSET' };
  } else {
    if (length !== DIGIT_PIN_LENGTH) return { kind: 'format', reason: 'LENGTH' };
    if (!DIGIT_CHARSET.test(pin)) return { kind: 'format', reason: 'CHARSET' };
  }
  if (!onlyWidthVariants(raw)) return { kind: 'format', reason: 'CHARSET' };
  return { kind: 'ok', pin };
}
