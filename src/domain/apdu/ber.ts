// BER-TLV encoding (ISO/IEC 8825-1 §8.1) for the text-input-assist AP's files.

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}

/** `tag` is the full tag bytes, e.g. [0xdf, 0x22] for a private primitive tag 0x22. */
export function tlv(tag: readonly number[], value: Uint8Array): Uint8Array {
  return Uint8Array.from([...tag, ...encodeLength(value.length), ...value]);
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** EF 0001 of the text AP: the My Number as 12 ASCII digits under private constructed tag 0x10 (myna reads 17 bytes). */
export function myNumberFile(myNumber: string): Uint8Array {
  return tlv([0xf0], utf8(myNumber));
}

/**
 * EF 0002 of the text AP: private constructed tag 0x20 holding the offsets (0x21) of the four entries that
 * follow, then name (0x22), address (0x23), birth date (0x24, YYYYMMDD) and sex (0x25: 1 male, 2 female, 3 other).
 */
export function attributesFile(a: Readonly<{ name: string; address: string; birthDate: string; sex: 'male' | 'female' | 'other' }>): Uint8Array {
  const entries = [
    tlv([0xdf, 0x22], utf8(a.name)),
    tlv([0xdf, 0x23], utf8(a.address)),
    tlv([0xdf, 0x24], utf8(a.birthDate.replaceAll('-', ''))),
    tlv([0xdf, 0x25], utf8(a.sex === 'male' ? '1' : a.sex === 'female' ? '2' : '3')),
  ];
  // Offsets are positions within the outer value; the offsets entry itself is 2 + 1 + 8 bytes.
  const offsets: number[] = [];
  let at = 3 + 8;
  for (const e of entries) {
    offsets.push(at >> 8, at & 0xff);
    at += e.length;
  }
  const inner = [tlv([0xdf, 0x21], Uint8Array.from(offsets)), ...entries];
  const body = new Uint8Array(inner.reduce((n, e) => n + e.length, 0));
  let pos = 0;
  for (const e of inner) {
    body.set(e, pos);
    pos += e.length;
  }
  return tlv([0xff, 0x20], body);
}
