// ISO/IEC 7816-4 §5.1 command APDUs, short form only: the virtual reader (vpcd) advertises no extended
// lengths, and no JPKI client sends them (jpki-apdu §1 "Other limits").

export type CommandApdu = Readonly<{
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Lc bytes); empty when Lc is absent. */
  data: Uint8Array;
  /** Whether an Lc field was present (a VERIFY with Lc = 0 is not the empty VERIFY). */
  hasData: boolean;
  /** Expected response length; 256 for Le = 00; null when Le is absent. */
  le: number | null;
}>;

export type ParsedApdu = { kind: 'ok'; apdu: CommandApdu } | { kind: 'malformed'; reason: 'TOO_SHORT' | 'EXTENDED' | 'LENGTH_MISMATCH' };

/** Cases 1–4 of ISO 7816-3 §12.1.3, short lengths. */
export function parseCommandApdu(bytes: Uint8Array): ParsedApdu {
  if (bytes.length < 4) return { kind: 'malformed', reason: 'TOO_SHORT' };
  const [cla, ins, p1, p2] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  const header = { cla, ins, p1, p2 };
  const body = bytes.subarray(4);
  if (body.length === 0) return { kind: 'ok', apdu: { ...header, data: new Uint8Array(0), hasData: false, le: null } };
  if (body.length === 1) return { kind: 'ok', apdu: { ...header, data: new Uint8Array(0), hasData: false, le: body[0] === 0 ? 256 : body[0]! } };
  const lc = body[0]!;
  if (lc === 0) return { kind: 'malformed', reason: 'EXTENDED' };
  if (body.length === 1 + lc) return { kind: 'ok', apdu: { ...header, data: body.slice(1), hasData: true, le: null } };
  if (body.length === 2 + lc) {
    const le = body[1 + lc]!;
    return { kind: 'ok', apdu: { ...header, data: body.slice(1, 1 + lc), hasData: true, le: le === 0 ? 256 : le } };
  }
  return { kind: 'malformed', reason: 'LENGTH_MISMATCH' };
}

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');

export function fromHex(hex: string): Uint8Array | null {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return null;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
