import { describe, expect, it } from 'vitest';
import { fromHex, parseCommandApdu, toHex } from './command-apdu.js';
import { attributesFile, myNumberFile } from './ber.js';

const parse = (hex: string) => parseCommandApdu(fromHex(hex)!);

describe('parsing short command APDUs (ISO 7816-3 cases 1–4)', () => {
  it('reads case 1 (the empty VERIFY) as no data and no Le', () => {
    expect(parse('00200080')).toMatchObject({ kind: 'ok', apdu: { ins: 0x20, hasData: false, le: null } });
  });

  it('reads case 2 with Le = 00 as 256', () => {
    expect(parse('00B0000000')).toMatchObject({ kind: 'ok', apdu: { le: 256, hasData: false } });
  });

  it('reads case 3 and case 4', () => {
    const c3 = parse('00A4020C020018');
    expect(c3.kind === 'ok' && toHex(c3.apdu.data)).toBe('0018');
    const c4 = parse('802A00800330313000');
    expect(c4.kind === 'ok' && [toHex(c4.apdu.data), c4.apdu.le]).toEqual(['303130', 256]);
  });

  it('refuses extended lengths, short headers and Lc that does not match the data', () => {
    expect(parse('00B000000000FF')).toEqual({ kind: 'malformed', reason: 'EXTENDED' });
    expect(parse('00A4')).toEqual({ kind: 'malformed', reason: 'TOO_SHORT' });
    expect(parse('00A4040C0AD392')).toEqual({ kind: 'malformed', reason: 'LENGTH_MISMATCH' });
  });

  it('refuses hex that is not hex', () => {
    expect(fromHex('0G')).toBeNull();
    expect(fromHex('000')).toBeNull();
  });
});

describe('text-input-assist AP files (BER-TLV)', () => {
  it('wraps the My Number in private tag F0 with a one-byte length', () => {
    expect(toHex(myNumberFile('123456789018'))).toBe('F00C' + toHex(new TextEncoder().encode('123456789018')));
  });

  it('lists the offsets of name, address, birth date and sex, each findable at its offset', () => {
    const file = attributesFile({ name: '山田 太郎', address: '埼玉県さいたま市', birthDate: '1980-05-14', sex: 'female' });
    expect(toHex(file.subarray(0, 2))).toBe('FF20');
    const headerLength = file[2]! < 0x80 ? 3 : file[2] === 0x81 ? 4 : 5;
    const body = file.subarray(headerLength);
    expect(toHex(body.subarray(0, 3))).toBe('DF2108');
    const offsets = [0, 2, 4, 6].map((i) => (body[3 + i]! << 8) | body[4 + i]!);
    const decode = (at: number) => new TextDecoder().decode(body.subarray(at + 3, at + 3 + body[at + 2]!));
    expect(offsets.map((at) => toHex(body.subarray(at, at + 2)))).toEqual(['DF22', 'DF23', 'DF24', 'DF25']);
    expect(offsets.map(decode)).toEqual(['山田 太郎', '埼玉県さいたま市', '19800514', '2']);
  });
});
